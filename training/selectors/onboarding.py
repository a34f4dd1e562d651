"""New employees and their mandatory first training (docs/domain.md section 3): a new PNS takes
Latsar CPNS during the one-year probation, a new PPPK the PPPK orientation. The selection's
appointments put new people on the register (workforce.Employee); this read proposes each of them
for the programme they still need, with the sessions HR can enrol them in. It reads only the
register and training, so it holds however the employee came (a selection, an import, admin)."""

from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from training.models import Enrolment, Programme, Session
from training.selectors.catalogue import upcoming_sessions
from training.selectors.recommendations import PROBATION
from workforce.models import AsnType, Employee

FIRST_TRAINING = {
    AsnType.PNS: Programme.Kind.LATSAR,
    AsnType.PPPK: Programme.Kind.PPPK_ORIENTATION,
}


def _taken(kind: str):
    """An enrolment that settles the first training: booked or waiting without a result yet, or
    passed; for Latsar any attempt that was not refused or withdrawn (one attempt only)."""
    enrolments = Enrolment.objects.filter(employee=OuterRef("pk"), session__programme__kind=kind)
    if kind == Programme.Kind.LATSAR:
        return Exists(
            enrolments.exclude(status__in=[Enrolment.Status.REJECTED, Enrolment.Status.CANCELLED])
        )
    return Exists(
        enrolments.filter(
            Q(status__in=Enrolment.ACTIVE, result=Enrolment.Result.PENDING)
            | Q(result=Enrolment.Result.PASSED)
        )
    )


def onboarding_due(today: date | None = None) -> QuerySet[Employee]:
    """Active employees still in probation (started less than a year ago) without their first
    training, most urgent (earliest start) first, with position and unit: one query."""
    today = today or timezone.localdate()
    return (
        Employee.objects.filter(
            status=Employee.Status.ACTIVE,
            start_date__gt=today - PROBATION,
            start_date__lte=today + PROBATION,  # appointed ahead of the TMT: due all the same
        )
        .annotate(
            latsar_taken=_taken(Programme.Kind.LATSAR),
            orientation_taken=_taken(Programme.Kind.PPPK_ORIENTATION),
        )
        .filter(
            Q(asn_type=AsnType.PNS, latsar_taken=False)
            | Q(asn_type=AsnType.PPPK, orientation_taken=False)
        )
        .select_related("position__unit")
        .order_by("start_date", "full_name", "pk")
    )


def first_training_sessions(today: date | None = None) -> dict[str, list[Session]]:
    """The sessions HR can enrol a new employee in today, per programme kind (Latsar, PPPK
    orientation): active programme, enrolment window open. One query."""
    today = today or timezone.localdate()
    sessions = upcoming_sessions().filter(
        programme__is_active=True,
        programme__kind__in=FIRST_TRAINING.values(),
        enrolment_opens_on__lte=today,
        enrolment_closes_on__gte=today,
    )
    by_kind: dict[str, list[Session]] = {kind: [] for kind in FIRST_TRAINING.values()}
    for session in sessions:
        by_kind[session.programme.kind].append(session)
    return by_kind


def with_proposals(employees, sessions: dict[str, list[Session]]) -> list[Employee]:
    """Each employee with `programme_kind`, `due_by` (the end of probation) and `sessions` (the
    proposal: the sessions of the programme they need)."""
    rows = list(employees)
    for employee in rows:
        kind = FIRST_TRAINING[employee.asn_type]
        employee.programme_kind = Programme.Kind(kind)
        employee.due_by = employee.start_date + PROBATION
        employee.sessions = sessions.get(kind, [])
    return rows
