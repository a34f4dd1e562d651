"""What waits on the Today page (accounts.today) and on the employee's own page: reviews a
supervisor has to write, objections to resolve, reviews waiting for the employee's
confirmation and SKPs waiting for their agreement.

Every provider runs a fixed number of queries whatever the size of the team or the register
(values() rows, no per-row queries); tests/performance/test_today.py checks two sizes."""

from datetime import date, datetime, time, timedelta

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role, has_role
from accounts.today import PROVIDER_CAP, Task
from performance.models import Checkpoint, Objection, Review, Skp
from workforce.selectors.teams import team_q


def end_of_day(day: date) -> datetime:
    """A due date is met until the end of that day in WIB."""
    return timezone.make_aware(datetime.combine(day, time(23, 59)))


def reviews_to_write(user, today: date | None = None) -> list[dict]:
    """The team's reviews whose period has ended and that are not final yet: this year's
    checkpoints and last year's annual evaluation (due early this year), soonest due first.
    Three queries: the checkpoints, the team's agreed SKPs, the reviews already final."""
    today = today or timezone.localdate()
    last_annual = Q(cycle__year=today.year - 1, kind=Checkpoint.Kind.ANNUAL)
    checkpoints = list(
        Checkpoint.objects.filter(Q(cycle__year=today.year) | last_annual)
        .filter(period_end__lt=today)
        .select_related("cycle")
        .order_by("due_date", "kind", "number")
    )
    if not checkpoints:
        return []
    skps = list(
        Skp.objects.filter(
            team_q("employee__"),
            employee__supervisor__user=user,
            status=Skp.Status.AGREED,
            cycle_id__in={cp.cycle_id for cp in checkpoints},
        ).values("pk", "cycle_id", name=F("employee__full_name"))
    )
    if not skps:
        return []
    done = set(
        Review.objects.filter(skp_id__in=[s["pk"] for s in skps], checkpoint__in=checkpoints)
        .exclude(status=Review.Status.DRAFT)
        .values_list("skp_id", "checkpoint_id")
    )
    rows = [
        {"skp": skp, "checkpoint": cp}
        for cp in checkpoints
        for skp in sorted(skps, key=lambda s: s["name"])
        if skp["cycle_id"] == cp.cycle_id and (skp["pk"], cp.pk) not in done
    ]
    return rows[:PROVIDER_CAP]


def today_reviews_to_write(user, today: date | None = None) -> list[Task]:
    rows = reviews_to_write(user, today)
    return [
        Task(
            label=_("Review of %(name)s") % {"name": row["skp"]["name"]},
            url=reverse("performance:review_edit", args=[row["skp"]["pk"], row["checkpoint"].pk]),
            due=end_of_day(row["checkpoint"].due_date),
            detail=str(row["checkpoint"]),
        )
        for row in rows
    ]


def objections_open(user) -> list[dict]:
    """Open objections this person decides: HR every one, a supervisor those against the
    reviews their own team members wrote. One query."""
    objections = Objection.objects.filter(outcome=Objection.Outcome.OPEN)
    if not has_role(user, Role.HR):
        objections = objections.filter(review__skp__employee__supervisor__supervisor__user=user)
    return list(
        objections.order_by("filed_at", "pk").values(
            "review_id",
            "filed_at",
            name=F("review__skp__employee__full_name"),
            days=F("review__checkpoint__cycle__objection_resolution_days"),
            kind=F("review__checkpoint__kind"),
            number=F("review__checkpoint__number"),
            year=F("review__checkpoint__cycle__year"),
        )[:PROVIDER_CAP]
    )


def _checkpoint_label(row) -> str:
    if row["kind"] == Checkpoint.Kind.ANNUAL:
        return _("Annual %(year)s") % {"year": row["year"]}
    return _("Period %(number)s, %(year)s") % {"number": row["number"], "year": row["year"]}


def today_objections_to_resolve(user) -> list[Task]:
    rows = objections_open(user)
    return [
        Task(
            label=_("Objection of %(name)s") % {"name": row["name"]},
            url=reverse("performance:objection_resolve", args=[row["review_id"]]),
            due=end_of_day(timezone.localdate(row["filed_at"]) + timedelta(days=row["days"])),
            waiting_since=row["filed_at"],
            detail=_checkpoint_label(row),
        )
        for row in rows
    ]


def reviews_to_confirm(user) -> list[dict]:
    """The person's own final reviews waiting for their acknowledgement. One query."""
    return list(
        Review.objects.filter(skp__employee__user=user, status=Review.Status.FINAL)
        .order_by("objection_deadline", "pk")
        .values(
            "pk",
            "objection_deadline",
            "finalised_at",
            "predikat",
            kind=F("checkpoint__kind"),
            number=F("checkpoint__number"),
            year=F("checkpoint__cycle__year"),
        )
    )


def today_reviews_to_confirm(user) -> list[Task]:
    return [
        Task(
            label=_("Confirm your review: %(checkpoint)s") % {"checkpoint": _checkpoint_label(row)},
            url=reverse("performance:review_detail", args=[row["pk"]]),
            due=end_of_day(row["objection_deadline"]) if row["objection_deadline"] else None,
            waiting_since=row["finalised_at"],
            detail=_("Acknowledge it, or object before the deadline."),
        )
        for row in reviews_to_confirm(user)
    ]


def skps_to_agree(user) -> list[dict]:
    """The person's own SKP drafts waiting for their agreement. One query."""
    return list(
        Skp.objects.filter(employee__user=user, status=Skp.Status.DRAFT)
        .order_by("-cycle__year")
        .values("pk", "created_at", year=F("cycle__year"), due=F("cycle__skp_due_date"))
    )


def today_skps_to_agree(user) -> list[Task]:
    return [
        Task(
            label=_("Read and agree to your SKP %(year)s") % {"year": row["year"]},
            url=reverse("performance:skp_detail", args=[row["pk"]]),
            due=end_of_day(row["due"]),
            waiting_since=row["created_at"],
        )
        for row in skps_to_agree(user)
    ]
