"""The selection rules that several stages, services and pages share, each in one place: whether
registration is open and an application's documents can still change, which required documents
are missing, the period's announcements and its appeal window (docs/domain.md 1.5), and what an
answered appeal means for the applicant. Services enforce them, selectors show them, e-mails
say them: all from here.

All days are calendar days in WIB (the portal's time zone, Asia/Jakarta), so a window ends at
midnight WIB whatever the server's clock zone."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from core.pagecache import remember
from recruitment.cache import APPLICATIONS
from recruitment.models import (
    AdminResult,
    Announcement,
    Appeal,
    Application,
    DocumentCheck,
    DocumentRequirement,
    Formation,
    PriorityGroup,
    SelectionPeriod,
)

# --- registration and documents ----------------------------------------------------------------


def registration_refusal(formation: Formation, now=None, *, period=None) -> str | None:
    """Why nothing can be changed in an application to `formation` now, or None while its
    registration is open (the formation published, its period open: SelectionPeriod's rule).
    `period`: the formation's, when the caller has it loaded already."""
    period = period or formation.period
    if not formation.is_published or not period.is_registration_open(now):
        return _("Registration for this formation is closed; nothing can be changed any more.")
    return None


def document_refusal(application: Application, now=None) -> str | None:
    """Why the application's documents cannot be changed now, or None when they can: a draft
    while its formation's registration is open."""
    if application.status == Application.Status.SUBMITTED:
        return _("You have finalised this application; its documents can no longer be changed.")
    if application.status != Application.Status.DRAFT:
        return _("This application has been withdrawn; its documents can no longer be changed.")
    return registration_refusal(application.formation, now, period=application.period)


def missing_documents(
    required: Iterable[DocumentRequirement], uploaded: Iterable[int]
) -> list[DocumentRequirement]:
    """The required documents with no current upload (`uploaded`: the requirement ids that have
    one), in the order given: finalising needs none missing."""
    uploaded = set(uploaded)
    return [requirement for requirement in required if requirement.pk not in uploaded]


# --- PPPK priority groups (docs/domain.md 1.12) -------------------------------------------------


def priority_groups(period: SelectionPeriod) -> list[str]:
    """The priority groups an application of `period` may be in, in the order of PriorityGroup:
    for PPPK, those the period's priority order names and the general group (everyone may be
    in it); for CPNS, the general group only. The applicant declares one of these and the
    committee confirms one of these: a group the order does not name would rank after
    everyone."""
    if not period.is_pppk:
        return [PriorityGroup.UMUM]
    named = set(period.priority_order())
    return [
        group for group in PriorityGroup.values if group in named or group == PriorityGroup.UMUM
    ]


def priority_group_choices(period: SelectionPeriod) -> list[tuple[str, str]]:
    """(code, label) of `priority_groups(period)`, for a form's choices."""
    return [(group, PriorityGroup(group).label) for group in priority_groups(period)]


def priority_group_refusal(period: SelectionPeriod, group: str) -> str | None:
    """Why `group` is not a priority group of an application of `period`, or None."""
    if group in priority_groups(period):
        return None
    if not period.is_pppk:
        return _("Only PPPK applications have a priority group.")
    return _("Choose one of the priority groups listed.")


# --- announcements and the appeal window -------------------------------------------------------


def already_published_message() -> str:
    return _("This announcement has already been published; it is published only once.")


def period_announcements(period_id: int) -> dict:
    """The period's published announcements by kind, for the application pages (every one of a
    period asks): kept in the cache until the recruitment data change that every application
    page shows (an announcement published moves them all on), so that a page rendered afresh
    does not query them."""

    def read():
        return {a.kind: a for a in Announcement.objects.filter(period_id=period_id)}

    return remember(f"announcements:{period_id}", (APPLICATIONS,), read)


def _wib_midnight(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def _wib_date(moment: datetime):
    """The calendar day in WIB. Explicit, because `localdate` alone follows the time zone
    activated for the request, which may be another one."""
    return timezone.localdate(moment, timezone.get_default_timezone())


@dataclass(frozen=True)
class AppealWindow:
    """[opens, closes) for appeals; answers are due before `answers_due`."""

    announced_at: datetime
    opens: datetime
    closes: datetime
    answers_due: datetime

    def is_open(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.opens <= now < self.closes

    def answering_open(self, now: datetime | None = None) -> bool:
        """The committee answers appeals and re-checks MS files from the opening until the
        answer deadline."""
        now = now or timezone.now()
        return self.opens <= now < self.answers_due

    @property
    def last_minute(self) -> datetime:
        """The window said the way people read it: "until 8 Dec 23:59", not "before 9 Dec 00:00"."""
        return self.closes - timedelta(minutes=1)

    @property
    def last_day(self):
        """The last calendar day (WIB) on which an appeal can be sent, for display."""
        return _wib_date(self.closes - timedelta(microseconds=1))

    @property
    def last_answer_day(self):
        return _wib_date(self.answers_due - timedelta(microseconds=1))


def appeal_window_from(period: SelectionPeriod, announced_at: datetime) -> AppealWindow:
    """The window starts on the calendar day (WIB) after the announcement is published and lasts
    `appeal_days` days; the answers are due `appeal_answer_days` days after it closes.

    docs/domain.md 1.5's 2023 example shows the announcement for several days (13-16 October) and
    the sanggah from the day after it ends (17-19 October). The portal publishes an
    announcement at one moment and counts from that day: published on 16 October, appeals run
    17 to 19 October with 3 days (published on 13 October, they would run 14 to 16 October)."""
    announced_day = _wib_date(announced_at)
    opens = _wib_midnight(announced_day + timedelta(days=1))
    closes = _wib_midnight(announced_day + timedelta(days=1 + period.appeal_days))
    answers_due = closes + timedelta(days=period.appeal_answer_days)
    return AppealWindow(announced_at, opens, closes, _wib_midnight(_wib_date(answers_due)))


def window_of(period: SelectionPeriod, announcements: dict) -> AppealWindow | None:
    """The appeal window, from the period's announcements already read (`period_announcements`)."""
    admin = announcements.get(Announcement.Kind.ADMIN)
    return appeal_window_from(period, admin.published_at) if admin else None


def appeal_window(period: SelectionPeriod) -> AppealWindow | None:
    """The period's appeal window, once the administrative result is announced."""
    announcement = (
        Announcement.objects.filter(period=period, kind=Announcement.Kind.ADMIN)
        .only("published_at")
        .first()
    )
    if announcement is None:
        return None
    return appeal_window_from(period, announcement.published_at)


# --- what an answered appeal means ---------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeLine:
    kind: str  # "outcome" (the answer), "still-tms" (another document), "reannounce"
    text: str


@dataclass(frozen=True)
class AppealOutcome:
    """What the answer means for the applicant, in words that match what really happens (the
    status label alone says "changed to MS", which is not true when another document keeps the
    result TMS). From announced copies only: nothing unannounced shows through. The status page
    shows the lines, the e-mail says them in one paragraph."""

    lines: list[OutcomeLine] = field(default_factory=list)

    def __str__(self) -> str:
        return " ".join(line.text for line in self.lines)


def appeal_outcome(
    appeal: Appeal, *, checks: list | None = None, post_appeal_announced: bool | None = None
) -> AppealOutcome:
    """`checks`: the application's announced document checks with their requirements, when the
    caller has read them already; `post_appeal_announced`: whether the result after appeals is
    announced (read when None)."""
    if appeal.status != Appeal.Status.ACCEPTED:
        return AppealOutcome([OutcomeLine("outcome", str(appeal.get_status_display()))])
    if post_appeal_announced is None:
        post_appeal_announced = Announcement.objects.filter(
            period_id=appeal.application.period_id, kind=Announcement.Kind.POST_APPEAL
        ).exists()
    if checks is None:
        checks = (
            DocumentCheck.objects.filter(application_id=appeal.application_id)
            .select_related("requirement")
            .order_by("requirement__order", "requirement__name")
        )
    appealed = {document.pk for document in appeal.documents.all()}
    lines = [OutcomeLine("outcome", _("Your appeal was accepted for the documents you named."))]
    lines += [
        OutcomeLine(
            "still-tms",
            _("Your result stays TMS because another document is TMS: %(document)s.")
            % {"document": check.requirement},
        )
        for check in checks
        if check.announced_result == AdminResult.TMS and check.requirement_id not in appealed
    ]
    if not post_appeal_announced:
        lines.append(
            OutcomeLine(
                "reannounce",
                _("Your administrative result will be announced again after the appeal period."),
            )
        )
    return AppealOutcome(lines)
