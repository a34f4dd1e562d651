"""Reads of the administrative screening (docs/domain.md 1.4): which periods a user screens, the
progress per formation, the queue, one application's documents and checks, and the two helpers
the announcement stage calls (`screening_summary`, `screening_complete`). Lists make the same
number of queries whatever the number of rows."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role, has_role
from recruitment.models import (
    AdminResult,
    Announcement,
    Application,
    Decision,
    Document,
    DocumentCheck,
    DocumentRequirement,
    ExamResult,
    Formation,
    PeriodAssignment,
    RejectionReason,
    SelectionPeriod,
)
from recruitment.selectors.eligibility import age_on

SUBMITTED = Application.Status.SUBMITTED

# A result counts as screened once every required document is checked and nobody has sent it
# back; the second check then confirms it (when the period asks for one).
SCREENED = ~Q(admin_result="") & Q(screened_at__isnull=False)


class QueueState:
    ALL = ""
    UNSCREENED = "unscreened"
    AWAITING = "awaiting"
    MS = "ms"
    TMS = "tms"

    CHOICES = [
        (ALL, _("All")),
        (UNSCREENED, _("Not yet screened")),
        (AWAITING, _("Awaiting second check")),
        (MS, _("MS")),
        (TMS, _("TMS")),
    ]


def _state_filters(prefix: str = "") -> dict[str, Q]:
    """Q objects per queue state, optionally seen through a relation (e.g. "applications__")."""

    def q(**lookups) -> Q:
        return Q(**{f"{prefix}{key}": value for key, value in lookups.items()})

    screened = ~q(admin_result="") & q(screened_at__isnull=False)
    return {
        QueueState.UNSCREENED: ~screened,
        QueueState.AWAITING: screened
        & q(confirmed_at__isnull=True)
        & q(period__second_check_required=True),
        QueueState.MS: screened & q(admin_result=AdminResult.MS),
        QueueState.TMS: screened & q(admin_result=AdminResult.TMS),
    }


def _count_annotations(prefix: str) -> dict:
    submitted = Q(**{f"{prefix}status": SUBMITTED})
    counts = {"n_submitted": Count(prefix.rstrip("_") or "pk", filter=submitted, distinct=True)}
    for state, condition in _state_filters(prefix).items():
        counts[f"n_{state}"] = Count(
            prefix.rstrip("_") or "pk", filter=submitted & condition, distinct=True
        )
    return counts


# --- summary helpers for other stages --------------------------------------------------------


@dataclass(frozen=True)
class ScreeningSummary:
    submitted: int
    unscreened: int
    awaiting: int
    ms: int
    tms: int

    @property
    def complete(self) -> bool:
        return self.submitted > 0 and self.unscreened == 0 and self.awaiting == 0


def screening_summary(period: SelectionPeriod) -> ScreeningSummary:
    """Counts of the period's submitted applications per screening state: one query.
    `awaiting` is always 0 when the period needs no second check."""
    row = Application.objects.filter(period=period).aggregate(**_count_annotations(""))
    return ScreeningSummary(
        submitted=row["n_submitted"],
        unscreened=row["n_unscreened"],
        awaiting=row["n_awaiting"],
        ms=row["n_ms"],
        tms=row["n_tms"],
    )


def screening_complete(period: SelectionPeriod) -> bool:
    """True when every submitted application of the period has an administrative result (and,
    when the period needs a second check, a confirmed one). A period without submitted
    applications is not complete: there is nothing to announce. One query."""
    return screening_summary(period).complete


def admin_announced(period: SelectionPeriod) -> bool:
    """Screening is locked once the administrative result is announced."""
    return Announcement.objects.filter(period=period, kind=Announcement.Kind.ADMIN).exists()


def post_appeal_announced(period: SelectionPeriod) -> bool:
    """After the post-appeal announcement, only HR's correction changes a result."""
    return Announcement.objects.filter(period=period, kind=Announcement.Kind.POST_APPEAL).exists()


# --- periods and formations ------------------------------------------------------------------


def screening_periods(user) -> QuerySet[SelectionPeriod]:
    """The periods the user screens, newest first, with counts per state: one query. HR and
    administrators: every period with a submitted application; a verifier: the assigned ones."""
    periods = SelectionPeriod.objects.all()
    if has_role(user, Role.HR):
        periods = periods.filter(
            Exists(Application.objects.filter(period=OuterRef("pk"), status=SUBMITTED))
        )
    else:
        periods = periods.filter(
            Exists(PeriodAssignment.objects.filter(period=OuterRef("pk"), user=user))
        )
    return periods.annotate(**_count_annotations("applications__")).order_by(
        "-registration_opens_at", "-pk"
    )


def period_formations_progress(period: SelectionPeriod) -> list[Formation]:
    """The period's formations with submitted applications, with counts per state: one query."""
    return list(
        Formation.objects.filter(period=period)
        .select_related("position", "position__unit")
        .annotate(**_count_annotations("applications__"))
        .filter(n_submitted__gt=0)
        .order_by("position__unit__name", "position__name", "asn_type", "category")
    )


def screening_formation_get(pk: int) -> Formation:
    return get_object_or_404(
        Formation.objects.select_related("period", "position", "position__unit"), pk=pk
    )


def formation_queue(formation: Formation, *, state: str = "") -> QuerySet[Application]:
    """The formation's submitted applications in the order they were finalised, with the
    applicant's profile and `checked` (how many documents are checked). Drafts and withdrawn
    applications never appear."""
    queryset = (
        Application.objects.filter(formation=formation, status=SUBMITTED)
        .select_related("applicant", "applicant__applicant_profile", "period")
        .annotate(
            checked=Count(
                "document_checks",
                filter=Q(document_checks__requirement__formations=formation),
                distinct=True,
            )
        )
        .order_by("submitted_at", "pk")
    )
    condition = _state_filters().get(state)
    if condition is not None:
        queryset = queryset.filter(condition)
    return queryset


def next_to_screen(application: Application) -> Application | None:
    """The formation's next application nobody has screened yet, after this one in the queue's
    order (or the first before it when none is left after): the verifier's next task. One
    query, two when none is left after it."""
    waiting = (
        formation_queue(application.formation, state=QueueState.UNSCREENED)
        .exclude(pk=application.pk)
        .select_related(None)
        .only("pk", "registration_number")
    )
    later = Q(submitted_at__gt=application.submitted_at) | Q(
        submitted_at=application.submitted_at, pk__gt=application.pk
    )
    rows = list(waiting.filter(later)[:1]) or list(waiting[:1])
    return rows[0] if rows else None


def application_state(application: Application) -> str:
    if not application.admin_result or application.screened_at is None:
        return QueueState.UNSCREENED
    if application.period.second_check_required and application.confirmed_at is None:
        return QueueState.AWAITING
    return QueueState.MS if application.admin_result == AdminResult.MS else QueueState.TMS


# --- one application -------------------------------------------------------------------------


@dataclass
class DocumentRow:
    requirement: DocumentRequirement
    document: Document | None
    check: DocumentCheck | None


def application_document_rows(application: Application) -> list[DocumentRow]:
    """Each required document of the formation with its current version and its check: three
    queries."""
    requirements = list(application.formation.required_documents.order_by("order", "name"))
    documents = {
        document.requirement_id: document
        for document in Document.objects.filter(application=application, is_current=True)
    }
    checks = {
        check.requirement_id: check
        for check in DocumentCheck.objects.filter(application=application).select_related(
            "reason", "checked_by"
        )
    }
    return [
        DocumentRow(requirement, documents.get(requirement.pk), checks.get(requirement.pk))
        for requirement in requirements
    ]


@dataclass(frozen=True)
class ProfileFacts:
    name_on_ktp: str
    nik_masked: str
    birth_date: date | None
    age: int | None
    age_reference_date: date
    age_min: int
    age_max: int
    education_level: str
    programme: str
    institution: str
    graduation_year: int | None
    accreditation: str


def profile_facts(application: Application) -> ProfileFacts:
    """What the verifier compares with the documents: no query beyond the application's."""
    period, formation = application.period, application.formation
    profile = getattr(application.applicant, "applicant_profile", None)
    return ProfileFacts(
        name_on_ktp=profile.name_on_ktp if profile else application.applicant.full_name,
        nik_masked=profile.nik_masked if profile else "",
        birth_date=profile.birth_date if profile else None,
        age=age_on(profile.birth_date, period.age_reference_date) if profile else None,
        age_reference_date=period.age_reference_date,
        age_min=period.age_min,
        age_max=formation.age_max,
        education_level=profile.get_education_level_display() if profile else "",
        programme=profile.programme if profile else "",
        institution=profile.institution if profile else "",
        graduation_year=profile.graduation_year if profile else None,
        accreditation=profile.get_accreditation_display() if profile else "",
    )


# What a decision is about, as people read it: the codes the services log (Decision.subject),
# besides a document slot's code (shown as the slot's name) and an exam result's field (its
# verbose name).
SUBJECT_LABELS = {
    "admin_result": _("administrative result"),
    "final_code": _("final result"),
    "appeal": _("appeal"),
    "appointment": _("appointment"),
    "skd": _("SKD"),
    "priority_group": _("priority group"),
    "exam_session": _("exam session"),
}


def _subject_label(subject: str, slots: dict) -> str:
    if subject in slots:
        return slots[subject]
    if subject in SUBJECT_LABELS:
        return str(SUBJECT_LABELS[subject])
    try:
        return str(ExamResult._meta.get_field(subject).verbose_name)
    except FieldDoesNotExist:
        return subject


def decision_history(application: Application) -> list[Decision]:
    """The application's decision log, newest first, with who; each decision's `subject_label`
    names what it is about (a document slot by its name, never its code "surat-lamaran")."""
    decisions = list(application.decisions.select_related("actor").order_by("-at", "-pk"))
    slots = {}
    if any(decision.subject for decision in decisions):
        slots = {r.slug: str(r) for r in application.period.document_requirements.all()}
    for decision in decisions:
        decision.subject_label = _subject_label(decision.subject, slots)
    return decisions


def priority_group_decision(application: Application) -> Decision | None:
    """The committee's latest decision on a PPPK application's priority group (who confirmed
    or changed it, and when), or None while nobody has verified it."""
    return (
        application.decisions.filter(kind=Decision.Kind.PRIORITY_GROUP)
        .select_related("actor")
        .order_by("-pk")
        .first()
    )


def screening_version(application: Application) -> str:
    """A token that changes whenever someone saves a decision on the application: the form
    carries it so that a verifier's save over another's is refused instead of lost."""
    last = application.decisions.order_by("-pk").values_list("pk", flat=True).first()
    return str(last or 0)


def active_reasons() -> QuerySet[RejectionReason]:
    return RejectionReason.objects.filter(is_active=True).order_by("order", "name")


def period_assignments(period: SelectionPeriod) -> QuerySet[PeriodAssignment]:
    return PeriodAssignment.objects.filter(period=period).select_related("user")


def assignment_get(pk: int) -> PeriodAssignment:
    return get_object_or_404(PeriodAssignment.objects.select_related("period", "user"), pk=pk)
