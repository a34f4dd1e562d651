"""Reads for announcements, appeals (sanggah) and exam cards (docs/domain.md 1.4-1.6, 1.9).

What the applicant and the public see comes only from announced copies: the applications'
`announced_result`, the checks' `announced_*` fields, and the milestone events written when an
announcement is published. The committee's working results are never read here for display."""

from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from recruitment.models import (
    PASSED_CODES,
    AdminResult,
    Announcement,
    Appeal,
    Application,
    ApplicationEvent,
    Document,
    DocumentCheck,
    DocumentRequirement,
    ExamResult,
    ExamSession,
    FinalCode,
    Milestone,
    SelectionPeriod,
    SkdCode,
)
from recruitment.rules import (
    AppealOutcome,
    AppealWindow,
    already_published_message,
    appeal_outcome,
    period_announcements,
    window_of,
)
from recruitment.selectors.ranking import ranking_problems
from recruitment.selectors.screening import screening_complete

Kind = Announcement.Kind
Submitted = Application.Status.SUBMITTED

# The application milestone each announcement writes.
MILESTONE_OF = {
    Kind.ADMIN: Milestone.ADMIN_RESULT,
    Kind.POST_APPEAL: Milestone.POST_APPEAL_RESULT,
    Kind.SKD: Milestone.SKD_RESULT,
    Kind.FINAL: Milestone.FINAL_RESULT,
}
# The announcements of a period, in order: a PPPK period has no SKD (one competency test).
CPNS_STAGES = (Kind.ADMIN, Kind.POST_APPEAL, Kind.SKD, Kind.FINAL)
PPPK_STAGES = (Kind.ADMIN, Kind.POST_APPEAL, Kind.FINAL)


def stage_kinds(period: SelectionPeriod) -> tuple[str, ...]:
    return PPPK_STAGES if period.is_pppk else CPNS_STAGES


def previous_kind(period: SelectionPeriod, kind: str) -> str | None:
    """The announcement that must be published before `kind`."""
    stages = stage_kinds(period)
    if kind not in stages:
        return None
    index = stages.index(kind)
    return stages[index - 1] if index else None


def public_period_get(pk: int) -> SelectionPeriod:
    return get_object_or_404(SelectionPeriod, pk=pk, is_published=True)


# --- publication preconditions ------------------------------------------------------------


def appeal_window_open(application: Application, *, announcements=None, now=None) -> bool:
    """Whether the appeal window of the application's period is open now: what its status page
    shows depends on it (the "send an appeal" button), so it is part of the page's cache key.
    `announcements`: the period's, when the caller has read them already."""
    if announcements is None:
        announcements = period_announcements(application.period_id)
    window = window_of(application.period, announcements)
    return bool(window and window.is_open(now))


def publish_problems(period: SelectionPeriod, kind: str, *, now=None) -> list[str]:
    """Why the announcement cannot be published yet; empty when it can."""
    now = now or timezone.now()
    announcements = {a.kind: a for a in Announcement.objects.filter(period=period)}
    if kind in announcements:
        return [already_published_message()]
    if kind not in stage_kinds(period):
        return [
            _("A PPPK selection has no SKD announcement: its competency test is announced once.")
        ]
    problems = []
    previous = previous_kind(period, kind)
    if previous and previous not in announcements:
        problems.append(
            _("Publish the “%(previous)s” announcement first.") % {"previous": Kind(previous).label}
        )
    if kind == Kind.ADMIN:
        if not (period.registration_closed or period.registration_closes_at <= now):
            problems.append(_("Registration is still open."))
        if not screening_complete(period):
            problems.append(
                _("Screening is not complete: every finalised application needs its result%(s)s.")
                % {"s": _(" and its second check") if period.second_check_required else ""}
            )
    elif kind == Kind.POST_APPEAL:
        window = window_of(period, announcements)
        if window is not None and now < window.closes:
            problems.append(
                _("The appeal window is still open (last day %(day)s WIB).")
                % {"day": window.last_day.strftime("%d-%m-%Y")}
            )
        pending = Appeal.objects.filter(
            application__period=period, status=Appeal.Status.PENDING
        ).count()
        if pending:
            problems.append(
                _("%(count)s appeal(s) are still waiting for an answer.") % {"count": pending}
            )
    elif kind in (Kind.SKD, Kind.FINAL):
        problems.extend(ranking_problems(period, kind))
    return problems


@dataclass
class Stage:
    kind: str
    label: str
    needs: str
    announcement: Announcement | None
    problems: list[str] = field(default_factory=list)

    @property
    def can_publish(self) -> bool:
        return self.announcement is None and not self.problems


STAGE_NEEDS = {
    Kind.ADMIN: lambda: _(
        "Registration closed and every finalised application screened (and second-checked when "
        "the period asks for it)."
    ),
    Kind.POST_APPEAL: lambda: _(
        "The administrative announcement, the appeal window closed and every appeal answered."
    ),
    Kind.SKD: lambda: _(
        "The post-appeal announcement and the ranking computed for every exam result."
    ),
    Kind.FINAL: lambda: _("The SKD announcement and the ranking computed for every exam result."),
}
PPPK_FINAL_NEEDS = lambda: _(  # noqa: E731
    "The post-appeal announcement and the ranking computed for every competency test result."
)


def announcement_stages(period: SelectionPeriod, *, now=None) -> list[Stage]:
    published = {a.kind: a for a in Announcement.objects.filter(period=period)}
    stages = []
    for kind in stage_kinds(period):
        announcement = published.get(kind)
        problems = [] if announcement else publish_problems(period, kind, now=now)
        needs = PPPK_FINAL_NEEDS() if period.is_pppk and kind == Kind.FINAL else STAGE_NEEDS[kind]()
        stages.append(Stage(kind, Kind(kind).label, needs, announcement, problems))
    return stages


# --- public announcement pages --------------------------------------------------------------


def announcement_index():
    """Published periods that have announced something, newest first, with their announcements
    (two queries whatever the number of periods)."""
    return (
        SelectionPeriod.objects.filter(is_published=True, announcements__isnull=False)
        .distinct()
        .order_by("-registration_opens_at")
        .prefetch_related(
            Prefetch("announcements", queryset=Announcement.objects.order_by("published_at"))
        )
    )


def published_announcements(period: SelectionPeriod):
    return Announcement.objects.filter(period=period).order_by("published_at")


def announcement_get(pk: int) -> Announcement:
    return get_object_or_404(
        Announcement.objects.select_related("period"), pk=pk, period__is_published=True
    )


# The order of the outcomes inside each formation of a published list: those who passed first
# (in their own formation, then by optimisation), then the others from the nearest miss to those
# who left the selection; an outcome not listed (none yet) comes last.
ADMIN_OUTCOME_ORDER = (AdminResult.MS, AdminResult.TMS)
SKD_OUTCOME_ORDER = (SkdCode.PL, SkdCode.P, SkdCode.TL, SkdCode.TH, SkdCode.DIS)
FINAL_OUTCOME_ORDER = (
    *PASSED_CODES,
    FinalCode.TL,
    FinalCode.TH,
    FinalCode.TMS1,
    FinalCode.TMS,
    FinalCode.APS,
    FinalCode.DIS,
)


def _outcome_order(field: str, codes) -> Case:
    return Case(
        *(When(**{field: code}, then=Value(index)) for index, code in enumerate(codes)),
        default=Value(len(codes)),
        output_field=IntegerField(),
    )


def announcement_rows(announcement: Announcement, *, search: str = ""):
    """The rows of an announcement, per formation, in the order of the outcome (those who passed
    first) and, within one outcome, by rank, then registration number; no personal data is
    selected. The page and the PDF read the same order. Administrative results come from the
    events written when it was published, so each announcement keeps what it said (the note
    holds MS or TMS). Scores come from the ranked exam results. One query whatever the number
    of rows."""
    search = search.strip()
    if announcement.kind in (Kind.ADMIN, Kind.POST_APPEAL):
        rows = (
            ApplicationEvent.objects.filter(
                application__period_id=announcement.period_id,
                status=MILESTONE_OF[announcement.kind],
            )
            .select_related("application__formation__position__unit")
            .only(
                "note",
                "application__registration_number",
                "application__formation__category",
                "application__formation__position__name",
                "application__formation__position__unit__name",
            )
            .order_by(
                "application__formation_id",
                _outcome_order("note", ADMIN_OUTCOME_ORDER),
                "application__registration_number",
            )
        )
        if search:
            rows = rows.filter(application__registration_number__icontains=search)
        return rows
    if announcement.kind == Kind.SKD:
        order = (_outcome_order("skd_code", SKD_OUTCOME_ORDER), F("skd_rank").asc(nulls_last=True))
    else:
        order = (
            _outcome_order("final_code", FINAL_OUTCOME_ORDER),
            F("final_rank").asc(nulls_last=True),
        )
    rows = (
        ExamResult.objects.filter(
            application__period_id=announcement.period_id, ranked_at__isnull=False
        )
        .select_related("application__formation__position__unit")
        .only(
            "twk",
            "tiu",
            "tkp",
            "skd_total",
            "skd_rank",
            "skd_code",
            "skb",
            "skb_weighted",
            "teknis",
            "manajerial",
            "sosiokultural",
            "wawancara",
            "final_score",
            "final_rank",
            "final_code",
            "application__registration_number",
            "application__formation__category",
            "application__formation__position__name",
            "application__formation__position__unit__name",
        )
        .order_by("application__formation_id", *order, "application__registration_number")
    )
    if search:
        rows = rows.filter(application__registration_number__icontains=search)
    return rows


# --- the applicant's view ---------------------------------------------------------------------

TMS_SENTENCE = lambda: _(  # noqa: E731
    "We are sorry. You did not pass the administrative stage because you do not yet meet the "
    "administrative requirements of the institution you applied to."
)


@dataclass
class ApplicantSelection:
    """What the application page shows about results, appeal and exam card."""

    admin_announced: bool
    post_appeal_announced: bool
    announced_result: str
    result_label: str
    tms_sentence: str
    checks: list
    window: AppealWindow | None
    appeal: Appeal | None
    appeal_outcome: AppealOutcome | None
    appeal_open: bool
    can_appeal: bool
    exam_session: ExamSession | None
    card_problem: str


def applicant_selection(
    application: Application, *, announcements=None, now=None
) -> ApplicantSelection:
    now = now or timezone.now()
    if announcements is None:
        announcements = period_announcements(application.period_id)
    admin_announced = Kind.ADMIN in announcements
    window = window_of(application.period, announcements)
    result = application.announced_result if admin_announced else ""
    checks = []
    if admin_announced:
        checks = list(
            DocumentCheck.objects.filter(application=application)
            .exclude(announced_result="")
            .select_related("requirement", "announced_reason")
            .order_by("requirement__order", "requirement__name")
        )
    # An appeal answers the administrative announcement: none can exist before it.
    appeal = (
        Appeal.objects.filter(application=application).prefetch_related("documents").first()
        if admin_announced
        else None
    )
    appeal_open = bool(window and window.is_open(now))
    return ApplicantSelection(
        admin_announced=admin_announced,
        post_appeal_announced=Kind.POST_APPEAL in announcements,
        announced_result=result,
        result_label=AdminResult(result).label if result else "",
        tms_sentence=TMS_SENTENCE() if result == AdminResult.TMS else "",
        checks=checks,
        window=window,
        appeal=appeal,
        appeal_outcome=(
            appeal_outcome(
                appeal,
                checks=checks,
                post_appeal_announced=Kind.POST_APPEAL in announcements,
            )
            if appeal
            else None
        ),
        appeal_open=appeal_open,
        can_appeal=appeal_open and appeal is None and result == AdminResult.TMS,
        exam_session=application.exam_session if application.exam_session_id else None,
        card_problem=exam_card_problem(application, announcements=announcements),
    )


def appealable_requirements(application: Application):
    """Documents announced TMS that have an uploaded current version (docs/domain.md 1.5: an appeal
    relies only on documents already uploaded)."""

    uploaded = Document.objects.filter(
        application=application, requirement=OuterRef("pk"), is_current=True
    )
    announced_tms = DocumentCheck.objects.filter(
        application=application, requirement=OuterRef("pk"), announced_result=AdminResult.TMS
    )
    return (
        DocumentRequirement.objects.filter(period_id=application.period_id)
        .filter(Exists(uploaded), Exists(announced_tms))
        .order_by("order", "name")
    )


def exam_card_problem(application: Application, *, announcements=None) -> str:
    """Why the exam card cannot be printed yet; "" when it can (docs/domain.md 1.6)."""
    if announcements is None:
        has_post_appeal = Announcement.objects.filter(
            period_id=application.period_id, kind=Kind.POST_APPEAL
        ).exists()
    else:
        has_post_appeal = Kind.POST_APPEAL in announcements
    if not has_post_appeal:
        return _(
            "The administrative result after appeals has not been announced yet. The exam card "
            "can be printed only after that announcement."
        )
    if application.status != Submitted or application.announced_result != AdminResult.MS:
        return _(
            "Your administrative result after appeals is not MS (meets the requirements), so "
            "you take no exam in this selection."
        )
    if not application.exam_session_id:
        return _(
            "The exam schedule has not been published yet. Your card appears here as soon as "
            "the committee assigns you to an exam session."
        )
    return ""


# --- HR lists ---------------------------------------------------------------------------------


def period_appeals(period: SelectionPeriod):
    return (
        Appeal.objects.filter(application__period=period)
        .select_related("application__formation__position__unit", "answered_by")
        .prefetch_related("documents")
        .order_by("status", "submitted_at")
    )


def appeal_counts(period: SelectionPeriod) -> dict:
    return Appeal.objects.filter(application__period=period).aggregate(
        pending=Count("pk", filter=Q(status=Appeal.Status.PENDING)),
        answered=Count("pk", filter=~Q(status=Appeal.Status.PENDING)),
    )


def appeal_get(pk: int) -> Appeal:
    return get_object_or_404(
        Appeal.objects.select_related(
            "application__period", "application__formation__position__unit"
        ).prefetch_related("documents"),
        pk=pk,
    )


def appeal_checks(appeal: Appeal) -> list:
    """The appealed documents' checks with their current documents, for the answer page."""
    ids = [doc.pk for doc in appeal.documents.all()]
    return list(
        DocumentCheck.objects.filter(application_id=appeal.application_id, requirement_id__in=ids)
        .select_related("requirement", "reason", "announced_reason", "document")
        .order_by("requirement__order")
    )


def period_sessions(period: SelectionPeriod):
    return (
        ExamSession.objects.filter(period=period)
        .annotate(assigned=Count("participants"))
        .order_by("date", "starts_at", "name")
    )


def unassigned_count(period: SelectionPeriod) -> int:
    return Application.objects.filter(
        period=period,
        status=Submitted,
        announced_result=AdminResult.MS,
        exam_session__isnull=True,
    ).count()


def exam_session_get(pk: int) -> ExamSession:
    return get_object_or_404(ExamSession.objects.select_related("period"), pk=pk)
