"""What is due, for whom: SKPs to agree, reviews due or overdue (and escalated), reviews to
acknowledge, coaching follow-ups. Each finder is a fixed number of queries however many
employees there are (one per due checkpoint, a handful a year), reading only the columns the
e-mail needs.

`mode="exact"` returns what the daily job sends today: items whose days left are one of the
cycle's reminder offsets (e.g. 7 and 1), or overdue ones. `mode="window"` returns everything
pending up to the largest offset ahead, for the portal page of one user."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from performance.models import (
    Checkpoint,
    CoachingFollowUp,
    Cycle,
    ReminderDelivery,
    Review,
    Skp,
    parse_day_list,
)
from workforce.models import Employee

Kind = ReminderDelivery.Kind
DEFAULT_OFFSETS = [7, 1]
LOOKBACK_DAYS = 400  # overdue items older than this are no longer chased


@dataclass(frozen=True, order=True)
class Reminder:
    recipient_id: int
    kind: str
    object_key: str
    due_date: date
    offset_days: int
    email: str = ""
    name: str = ""
    language: str = ""
    about: str = ""  # the employee and the checkpoint, for the message
    path: str = ""

    @property
    def key(self) -> tuple:
        return (self.recipient_id, self.kind, self.object_key, self.due_date, self.offset_days)

    @property
    def days_left(self) -> int:
        return self.offset_days

    def get_kind_display(self) -> str:
        return Kind(self.kind).label


def _person(prefix: str) -> list[str]:
    return [
        f"{prefix}user_id",
        f"{prefix}user__email",
        f"{prefix}user__full_name",
        f"{prefix}user__preferred_language",
        f"{prefix}user__is_active",
    ]


EMPLOYEE_FIELDS = [
    "pk",
    "full_name",
    *_person(""),
    *_person("supervisor__"),
    *_person("supervisor__supervisor__"),
]


def _reminder(row, prefix, *, kind, key, due, offset, about, path):
    if not row.get(f"{prefix}user_id") or not row.get(f"{prefix}user__is_active"):
        return None
    return Reminder(
        recipient_id=row[f"{prefix}user_id"],
        kind=kind,
        object_key=key,
        due_date=due,
        offset_days=offset,
        email=row[f"{prefix}user__email"] or "",
        name=row[f"{prefix}user__full_name"] or "",
        language=row[f"{prefix}user__preferred_language"] or "",
        about=about,
        path=path,
    )


class _Finder:
    def __init__(self, today: date, *, mode: str = "exact", user=None):
        self.today, self.mode, self.user = today, mode, user

    def wanted(self, due: date, offsets: list[int]) -> int | None:
        """Days left when this due date is reminded today (negative: overdue), else None."""
        left = (due - self.today).days
        if self.mode == "window":
            return left if left <= max(offsets) else None
        return left if left in offsets else None

    def employee_q(self, prefix: str = "") -> Q:
        """For one user's page: only rows where they are the employee or (super)supervisor."""
        if self.user is None:
            return Q()
        return (
            Q(**{f"{prefix}user": self.user})
            | Q(**{f"{prefix}supervisor__user": self.user})
            | Q(**{f"{prefix}supervisor__supervisor__user": self.user})
        )

    def keep(self, reminder: Reminder | None) -> bool:
        return reminder is not None and (self.user is None or reminder.recipient_id == self.user.pk)

    def cycles(self) -> list[Cycle]:
        return list(
            Cycle.objects.filter(year__gte=self.today.year - 1, year__lte=self.today.year + 1)
        )

    # --- finders --------------------------------------------------------------------------
    def skp_due(self, cycles) -> list[Reminder]:
        out = []
        for cycle in cycles:
            left = self.wanted(cycle.skp_due_date, cycle.offsets)
            if left is None or left < 0:
                continue
            rows = (
                Employee.objects.filter(self.employee_q(), status=Employee.Status.ACTIVE)
                .exclude(skps__cycle=cycle, skps__status=Skp.Status.AGREED)
                .values(*EMPLOYEE_FIELDS)
            )
            path = reverse("performance:mine")
            for row in rows.iterator(chunk_size=2000):
                key = f"skp:{cycle.year}:{row['pk']}"
                for prefix in ("", "supervisor__"):
                    out.append(
                        _reminder(
                            row,
                            prefix,
                            kind=Kind.SKP_DUE,
                            key=key,
                            due=cycle.skp_due_date,
                            offset=left,
                            about=f"SKP {cycle.year} · {row['full_name']}",
                            path=path,
                        )
                    )
        return [r for r in out if self.keep(r)]

    def reviews_due_and_overdue(self, cycles) -> list[Reminder]:
        out = []
        by_id = {c.pk: c for c in cycles}
        checkpoints = Checkpoint.objects.filter(
            cycle__in=cycles, due_date__gte=self.today - timedelta(days=LOOKBACK_DAYS)
        ).order_by("due_date", "pk")
        for checkpoint in checkpoints:
            cycle = by_id[checkpoint.cycle_id]
            checkpoint.cycle = cycle
            left = (checkpoint.due_date - self.today).days
            escalate = left <= -cycle.escalation_after_days
            if left >= 0 and self.wanted(checkpoint.due_date, cycle.offsets) is None:
                continue
            done = Review.objects.filter(skp=OuterRef("pk"), checkpoint=checkpoint).exclude(
                status=Review.Status.DRAFT
            )
            rows = (
                Skp.objects.filter(
                    self.employee_q("employee__"),
                    cycle=cycle,
                    status=Skp.Status.AGREED,
                    employee__status=Employee.Status.ACTIVE,
                )
                .filter(~Exists(done))
                .values("pk", *[f"employee__{f}" for f in EMPLOYEE_FIELDS])
            )
            about_cp = str(checkpoint)
            for row in rows.iterator(chunk_size=2000):
                key = f"review:{row['pk']}:{checkpoint.pk}"
                about = f"{about_cp} · {row['employee__full_name']}"
                path = reverse("performance:review_edit", args=[row["pk"], checkpoint.pk])
                common = {"key": key, "due": checkpoint.due_date, "about": about, "path": path}
                if left >= 0:
                    out.append(
                        _reminder(
                            row,
                            "employee__supervisor__",
                            kind=Kind.REVIEW_DUE,
                            offset=left,
                            **common,
                        )
                    )
                    continue
                # Overdue: once to the supervisor, and once (after M days) to theirs.
                out.append(
                    _reminder(
                        row, "employee__supervisor__", kind=Kind.REVIEW_OVERDUE, offset=0, **common
                    )
                )
                if escalate:
                    out.append(
                        _reminder(
                            row,
                            "employee__supervisor__supervisor__",
                            kind=Kind.REVIEW_ESCALATED,
                            offset=0,
                            **common,
                        )
                    )
        return [r for r in out if self.keep(r)]

    def acknowledgements(self, cycles) -> list[Reminder]:
        offsets = {c.pk: c.offsets for c in cycles}
        longest = max([*DEFAULT_OFFSETS, *(d for days in offsets.values() for d in days)])
        horizon = self.today + timedelta(days=longest)
        rows = Review.objects.filter(
            self.employee_q("skp__employee__"),
            status=Review.Status.FINAL,
            objection_deadline__gte=self.today,
            objection_deadline__lte=horizon,
        ).values(
            "pk",
            "objection_deadline",
            "checkpoint__cycle_id",
            "checkpoint__kind",
            "checkpoint__number",
            "checkpoint__cycle__year",
            *[f"skp__employee__{f}" for f in EMPLOYEE_FIELDS],
        )
        out = []
        for row in rows.iterator(chunk_size=2000):
            due = row["objection_deadline"]
            left = self.wanted(due, offsets.get(row["checkpoint__cycle_id"], DEFAULT_OFFSETS))
            if left is None:
                continue
            out.append(
                _reminder(
                    row,
                    "skp__employee__",
                    kind=Kind.ACK_PENDING,
                    key=f"ack:{row['pk']}",
                    due=due,
                    offset=left,
                    about=f"{row['checkpoint__cycle__year']} · {row['skp__employee__full_name']}",
                    path=reverse("performance:review_detail", args=[row["pk"]]),
                )
            )
        return [r for r in out if self.keep(r)]

    def coaching_followups(self) -> list[Reminder]:
        horizon = self.today + timedelta(days=366)
        rows = CoachingFollowUp.objects.filter(
            self.employee_q("plan__employee__"),
            done_at__isnull=True,
            plan__status="open",
            due_date__gte=self.today,
            due_date__lte=horizon,
        ).values(
            "pk",
            "due_date",
            "plan_id",
            "plan__review__checkpoint__cycle__reminder_offsets",
            *[f"plan__employee__{f}" for f in EMPLOYEE_FIELDS],
        )
        out = []
        for row in rows.iterator(chunk_size=2000):
            raw = row["plan__review__checkpoint__cycle__reminder_offsets"]
            offsets = [*parse_day_list(raw), 0] if raw else [*DEFAULT_OFFSETS, 0]
            left = self.wanted(row["due_date"], offsets)
            if left is None:
                continue
            common = {
                "kind": Kind.COACHING_FOLLOWUP,
                "key": f"coaching:{row['pk']}",
                "due": row["due_date"],
                "offset": left,
                "about": row["plan__employee__full_name"],
                "path": reverse("performance:coaching_detail", args=[row["plan_id"]]),
            }
            out.append(_reminder(row, "plan__employee__", **common))
            out.append(_reminder(row, "plan__employee__supervisor__", **common))
        return [r for r in out if self.keep(r)]


def reminders_due(today: date, *, mode: str = "exact", user=None) -> list[Reminder]:
    """Every reminder for `today`, each (recipient, kind, object, due date, offset) once,
    sorted by that key (the claim inserts rows in this order, so concurrent runs lock the same
    rows in the same order and cannot deadlock)."""
    finder = _Finder(today, mode=mode, user=user)
    cycles = finder.cycles()
    found = [
        *finder.skp_due(cycles),
        *finder.reviews_due_and_overdue(cycles),
        *finder.acknowledgements(cycles),
        *finder.coaching_followups(),
    ]
    unique = {r.key: r for r in found}
    return [unique[key] for key in sorted(unique)]


def reminders_pending_for(user, today: date) -> list[Reminder]:
    """The user's own pending reminders, for their page: soonest first."""
    return sorted(reminders_due(today, mode="window", user=user), key=lambda r: r.due_date)
