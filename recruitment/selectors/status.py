"""One truth for an application's status: the stage the applicant has reached AS ANNOUNCED,
worded for them, with the reason and the one thing they can do now (GOV.UK: one status tag per
object, from one function). "My applications", the application page's outcome card and every
applicant-facing badge read it.

Only announced copies are read: the application's `announced_result`, the checks'
`announced_*` fields, an SKD code once the SKD result is announced, a final code once the final
result is, the appeal and the appointment (which the applicant is told at once). The
committee's working results never show through (docs/domain.md 1.4-1.10)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from recruitment import rules
from recruitment.models import (
    PASSED_CODES,
    AdminResult,
    Announcement,
    Appeal,
    Application,
    Appointment,
    Document,
    DocumentCheck,
    FinalCode,
    Milestone,
    SkdCode,
)
from recruitment.selectors.announcements import TMS_SENTENCE, exam_card_problem

Kind = Announcement.Kind


class Stage:
    """The stage codes (`ApplicationStatus.code`): stable, for templates, tests and styles."""

    DRAFT = "draft"
    DRAFT_CLOSED = "draft-closed"
    WITHDRAWN = "withdrawn"
    SUBMITTED = "submitted"
    MS = "ms"
    TMS = "tms"
    APPEAL_FILED = "appeal-filed"
    APPEAL_ACCEPTED = "appeal-accepted"
    APPEAL_REJECTED = "appeal-rejected"
    POST_APPEAL_MS = "post-appeal-ms"
    POST_APPEAL_TMS = "post-appeal-tms"
    EXAM_SCHEDULED = "exam-scheduled"
    SKD_RESULT = "skd-result"
    FINAL_RESULT = "final-result"
    APPOINTED = "appointed"
    PLACE_DECLINED = "place-declined"
    APPOINTMENT_CANCELLED = "appointment-cancelled"


# Badge colours (Bootstrap's text-bg-*: each pairs a background with a text colour that passes
# the contrast check).
SUCCESS = "text-bg-success"
DANGER = "text-bg-danger"
WARNING = "text-bg-warning"
INFO = "text-bg-info"
PRIMARY = "text-bg-primary"
NEUTRAL = "text-bg-secondary"

SKD_TONES = {
    SkdCode.PL: SUCCESS,
    SkdCode.P: WARNING,
    SkdCode.TL: DANGER,
    SkdCode.TH: NEUTRAL,
    SkdCode.DIS: DANGER,
}
FINAL_NEUTRAL = (FinalCode.TH, FinalCode.APS)


@dataclass(frozen=True)
class NextStep:
    """What the applicant can do now: `text` says it; `label` and `url` make the button (none
    when there is nothing to click, e.g. a window that opens tomorrow); `deadline` when it
    must be done by a moment."""

    kind: str  # finalise, card, appeal, appeal-soon, exam-card, result
    text: str
    label: str = ""
    url: str = ""
    deadline: datetime | None = None


@dataclass(frozen=True)
class ApplicationStatus:
    code: str
    label: str
    tone: str
    official_code: str = ""
    # Why: one paragraph, and each document found TMS with its reason.
    reason: str = ""
    reasons: tuple[str, ...] = ()
    next_step: NextStep | None = None
    # The required documents not uploaded yet (drafts only).
    missing: tuple = ()
    at: datetime | None = None  # when the stage was announced or reached, when known

    @property
    def badge_text(self) -> str:
        if self.official_code:
            return f"{self.label} ({self.official_code})"
        return self.label


def _related(instance, name: str):
    """A reverse one-to-one that may be missing (None then): loaded by select_related on
    lists, read on first use otherwise."""
    try:
        return getattr(instance, name)
    except ObjectDoesNotExist:
        return None


def _tms_reasons(checks) -> tuple[str, ...]:
    lines = []
    for check in checks:
        if check.announced_result != AdminResult.TMS:
            continue
        line = f"{check.requirement}: {check.announced_reason or AdminResult.TMS.label}"
        if check.announced_note:
            line += f" ({check.announced_note})"
        lines.append(line)
    return tuple(lines)


def _announced_checks(application: Application, checks) -> list:
    if checks is not None:
        return list(checks)
    return list(
        DocumentCheck.objects.filter(application=application)
        .exclude(announced_result="")
        .select_related("requirement", "announced_reason")
        .order_by("requirement__order", "requirement__name")
    )


def _detail_url(application: Application, anchor: str = "") -> str:
    url = reverse("recruitment:application_detail", args=[application.pk])
    return f"{url}#{anchor}" if anchor else url


def _wib(moment: datetime) -> str:
    wib = timezone.localtime(moment, timezone.get_default_timezone())
    return date_format(wib, "j F Y H:i") + " WIB"


def _last_minute(closes: datetime) -> datetime:
    """A window open until before midnight WIB, said the way people read it: until 23:59."""
    return closes - timedelta(minutes=1)


def _draft(application: Application, now, missing) -> ApplicationStatus:
    period = application.period
    if rules.registration_refusal(application.formation, now, period=period) is not None:
        return ApplicationStatus(
            code=Stage.DRAFT_CLOSED,
            label=_("Not sent: registration has closed"),
            tone=NEUTRAL,
            reason=_(
                "This draft was not finalised before registration closed, so it takes no part "
                "in the selection."
            ),
        )
    missing = tuple(missing or ())
    if missing:
        reason = ngettext(
            "%(count)s required document is still missing.",
            "%(count)s required documents are still missing.",
            len(missing),
        ) % {"count": len(missing)}
        text = _("Upload the missing documents, then finalise before the deadline.")
    else:
        reason = _("Every required document is uploaded.")
        text = _("Check your documents and finalise before the deadline.")
    return ApplicationStatus(
        code=Stage.DRAFT,
        label=str(Milestone.DRAFT.label),
        tone=WARNING,
        reason=reason,
        missing=missing,
        next_step=NextStep(
            kind="finalise",
            text=text,
            label=_("Finish my application"),
            # To the first document still missing, else to the finalise form.
            url=_detail_url(
                application, f"slot-{missing[0].slug}" if missing else "finalise-heading"
            ),
            deadline=period.registration_closes_at,
        ),
    )


def _appointment(application: Application, appointment: Appointment) -> ApplicationStatus:
    if appointment.status == Appointment.Status.APPOINTED:
        reason = (
            _("Start date (TMT): %(day)s.") % {"day": date_format(appointment.tmt, "j F Y")}
            if appointment.tmt
            else ""
        )
        return ApplicationStatus(
            code=Stage.APPOINTED,
            label=str(Appointment.Status.APPOINTED.label),
            tone=SUCCESS,
            reason=reason,
            at=appointment.decided_at,
        )
    if appointment.status == Appointment.Status.DECLINED:
        return ApplicationStatus(
            code=Stage.PLACE_DECLINED,
            label=str(Appointment.Status.DECLINED.label),
            tone=NEUTRAL,
            reason=appointment.note,
            at=appointment.decided_at,
        )
    return ApplicationStatus(
        code=Stage.APPOINTMENT_CANCELLED,
        label=str(Appointment.Status.CANCELLED.label),
        tone=NEUTRAL,
        reason=appointment.note,
        at=appointment.decided_at,
    )


def _read_result(application: Application) -> NextStep:
    return NextStep(
        kind="result",
        text=_("Read your result and your rank in the formation."),
        label=_("See my result"),
        url=_detail_url(application, "exam-result-heading"),
    )


def _exam_result(application, result, announcements, checks) -> ApplicationStatus | None:
    """The final result once announced, else the SKD result once announced; None when neither
    is announced or the application has no code in it."""
    if result is None:
        return None
    if Kind.FINAL in announcements and result.final_code:
        code = result.final_code
        if code in PASSED_CODES:
            tone = SUCCESS
        elif code in FINAL_NEUTRAL:
            tone = NEUTRAL
        else:
            tone = DANGER
        reasons = ()
        if code == FinalCode.TMS:
            reasons = _tms_reasons(_announced_checks(application, checks))
        return ApplicationStatus(
            code=Stage.FINAL_RESULT,
            label=str(FinalCode(code).label),
            tone=tone,
            official_code=code,
            reasons=reasons,
            next_step=_read_result(application),
            at=announcements[Kind.FINAL].published_at,
        )
    if Kind.SKD in announcements and result.skd_code:
        code = result.skd_code
        return ApplicationStatus(
            code=Stage.SKD_RESULT,
            label=str(SkdCode(code).label),
            tone=SKD_TONES.get(code, NEUTRAL),
            official_code=code,
            next_step=_read_result(application),
            at=announcements[Kind.SKD].published_at,
        )
    return None


def _post_appeal(application, announcements, checks) -> ApplicationStatus:
    at = announcements[Kind.POST_APPEAL].published_at
    if application.announced_result == AdminResult.MS:
        session = application.exam_session if application.exam_session_id else None
        if session is None:
            return ApplicationStatus(
                code=Stage.POST_APPEAL_MS,
                label=str(AdminResult.MS.label),
                tone=SUCCESS,
                official_code=AdminResult.MS,
                reason=_(
                    "This is your result after appeals: you take the exam. Your exam card "
                    "appears here as soon as the committee assigns you to an exam session."
                ),
                at=at,
            )
        when = _("%(day)s, %(start)s–%(end)s WIB · %(place)s") % {
            "day": date_format(session.date, "j F Y"),
            "start": time_format(session.starts_at, "H:i"),
            "end": time_format(session.ends_at, "H:i"),
            "place": session.location,
        }
        step = None
        if not exam_card_problem(application, announcements=announcements):
            step = NextStep(
                kind="exam-card",
                text=_("Print your exam card and bring it with your KTP."),
                label=_("Print the exam card (PDF)"),
                url=reverse("recruitment:exam_card", args=[application.pk]),
            )
        return ApplicationStatus(
            code=Stage.EXAM_SCHEDULED,
            label=_("Exam scheduled"),
            tone=PRIMARY,
            reason=when,
            next_step=step,
            at=at,
        )
    return ApplicationStatus(
        code=Stage.POST_APPEAL_TMS,
        label=str(AdminResult.TMS.label),
        tone=DANGER,
        official_code=AdminResult.TMS,
        reason=TMS_SENTENCE() + " " + _("This result after appeals is final."),
        reasons=_tms_reasons(_announced_checks(application, checks)),
        at=at,
    )


def _admin(application, announcements, checks, now) -> ApplicationStatus:
    at = announcements[Kind.ADMIN].published_at
    window = rules.window_of(application.period, announcements)
    appeal = _related(application, "appeal")
    if appeal is not None:
        if appeal.status == Appeal.Status.PENDING:
            return ApplicationStatus(
                code=Stage.APPEAL_FILED,
                label=str(Milestone.APPEAL_SUBMITTED.label),
                tone=INFO,
                official_code=AdminResult.TMS,
                reason=str(Appeal.Status.PENDING.label),
                at=appeal.submitted_at,
            )
        checks = _announced_checks(application, checks)
        if appeal.status == Appeal.Status.ACCEPTED:
            outcome = rules.appeal_outcome(appeal, checks=checks, post_appeal_announced=False)
            return ApplicationStatus(
                code=Stage.APPEAL_ACCEPTED,
                label=_("Appeal accepted"),
                tone=INFO,
                reason=str(outcome),
                at=appeal.answered_at,
            )
        return ApplicationStatus(
            code=Stage.APPEAL_REJECTED,
            label=_("Appeal rejected: the result stays TMS"),
            tone=DANGER,
            official_code=AdminResult.TMS,
            reason=appeal.answer,
            reasons=_tms_reasons(checks),
            at=appeal.answered_at,
        )
    if application.announced_result == AdminResult.MS:
        return ApplicationStatus(
            code=Stage.MS,
            label=str(AdminResult.MS.label),
            tone=SUCCESS,
            official_code=AdminResult.MS,
            reason=_(
                "You passed the administrative stage. The exam schedule follows the result "
                "after appeals."
            ),
            at=at,
        )
    step = None
    if window is not None and window.is_open(now):
        step = NextStep(
            kind="appeal",
            text=_(
                "If you think the result is wrong, you can send one appeal (sanggah) about the "
                "documents you had uploaded."
            ),
            label=_("Send an appeal (sanggah)"),
            url=reverse("recruitment:appeal_create", args=[application.pk]),
            deadline=_last_minute(window.closes),
        )
    elif window is not None and now < window.opens:
        step = NextStep(
            kind="appeal-soon",
            text=_("You can send an appeal (sanggah) from %(opens)s until %(closes)s.")
            % {"opens": _wib(window.opens), "closes": _wib(_last_minute(window.closes))},
        )
    return ApplicationStatus(
        code=Stage.TMS,
        label=str(AdminResult.TMS.label),
        tone=DANGER,
        official_code=AdminResult.TMS,
        reason=TMS_SENTENCE(),
        reasons=_tms_reasons(_announced_checks(application, checks)),
        next_step=step,
        at=at,
    )


def application_status(
    application: Application,
    *,
    announcements: dict | None = None,
    checks=None,
    missing=None,
    now=None,
) -> ApplicationStatus:
    """The application's current stage as announced, with its reason and the next step.

    `announcements`: the period's published announcements by kind (`period_announcements`,
    read when None); `checks`: the application's announced document checks with their
    requirement and announced reason (read when needed and None); `missing`: a draft's
    required documents not uploaded yet (read when None). Reverse one-to-ones (appeal, exam
    result, appointment) are read only once the announcement that shows them is published:
    `applications_overview` loads them all at once for a list."""
    now = now or timezone.now()
    status = application.status
    if status == Application.Status.DRAFT:
        if missing is None:
            missing = _missing_of(application)
        return _draft(application, now, missing)
    if status == Application.Status.WITHDRAWN:
        return ApplicationStatus(
            code=Stage.WITHDRAWN,
            label=str(Milestone.WITHDRAWN.label),
            tone=NEUTRAL,
            official_code=Application.OFFICIAL_CODES[Application.Status.WITHDRAWN],
            at=application.withdrawn_at,
        )
    if announcements is None:
        announcements = rules.period_announcements(application.period_id)
    if Kind.FINAL in announcements:
        appointment = _related(application, "appointment")
        if appointment is not None:
            return _appointment(application, appointment)
    if announcements.keys() & {Kind.SKD, Kind.FINAL}:
        result = _exam_result(
            application, _related(application, "exam_result"), announcements, checks
        )
        if result is not None:
            return result
    if Kind.POST_APPEAL in announcements and application.announced_result:
        return _post_appeal(application, announcements, checks)
    if Kind.ADMIN in announcements and application.announced_result:
        return _admin(application, announcements, checks, now)
    period = application.period
    return ApplicationStatus(
        code=Stage.SUBMITTED,
        label=str(Milestone.SUBMITTED.label),
        tone=PRIMARY,
        reason=(
            _("The administrative result will be announced on or after %(day)s.")
            % {"day": _wib(period.admin_announcement_at)}
            if period.admin_announcement_at
            else _("The administrative result will be announced after screening.")
        ),
        next_step=NextStep(
            kind="card",
            text=_("Download and keep your registration card."),
            label=_("Download the card (PDF)"),
            url=reverse("recruitment:application_card", args=[application.pk]),
        ),
        at=application.submitted_at,
    )


def _missing_of(application: Application) -> list:
    required = application.formation.required_documents.order_by("order", "name")
    uploaded = Document.objects.filter(application=application, is_current=True).values_list(
        "requirement_id", flat=True
    )
    return rules.missing_documents(required, uploaded)


# --- the applicant's own page -------------------------------------------------------------------


@dataclass(frozen=True)
class Overview:
    application: Application
    status: ApplicationStatus


def applications_overview(user, *, now=None) -> list[Overview]:
    """The user's applications, newest first, each with its status: the same number of queries
    whatever the number of applications (the applications with their period, formation, appeal,
    exam result, appointment and exam session; the periods' announcements; the formations'
    required documents; the current documents; the announced checks; the appeals' documents)."""
    applications = list(_overview_queryset(user))
    rows = []
    for application in applications:
        announcements = {a.kind: a for a in application.period.announcements.all()}
        missing = None
        if application.status == Application.Status.DRAFT:
            uploaded = {doc.requirement_id for doc in application.current_documents}
            required = sorted(
                application.formation.required_documents.all(),
                key=lambda req: (req.order, req.name),
            )
            missing = rules.missing_documents(required, uploaded)
        status = application_status(
            application,
            announcements=announcements,
            checks=application.announced_checks,
            missing=missing,
            now=now,
        )
        rows.append(Overview(application, status))
    return rows


def _overview_queryset(user) -> QuerySet[Application]:
    return (
        Application.objects.filter(applicant=user)
        .select_related(
            "period",
            "formation",
            "formation__position",
            "formation__position__unit",
            "appeal",
            "exam_result",
            "appointment",
            "exam_session",
        )
        .prefetch_related(
            "period__announcements",
            "formation__required_documents",
            "appeal__documents",
            Prefetch(
                "documents",
                queryset=Document.objects.filter(is_current=True).only(
                    "pk", "application_id", "requirement_id"
                ),
                to_attr="current_documents",
            ),
            Prefetch(
                "document_checks",
                queryset=DocumentCheck.objects.exclude(announced_result="")
                .select_related("requirement", "announced_reason")
                .order_by("requirement__order", "requirement__name"),
                to_attr="announced_checks",
            ),
        )
        # The current selection first: an old result must not push today's draft (and its
        # deadline) below the fold.
        .order_by("-period__registration_closes_at", "-created_at")
    )
