"""Enrolment: an employee requests and their supervisor decides, or HR (or the supervisor)
enrols directly; a waiting list when the session is full, moved up when someone cancels.

Every write that depends on the number of seats locks the session row first
(`select_for_update`), so two approvals for the last seat cannot both get it; every write that
depends on an employee's other sessions (overlaps, Latsar) locks the employee row, so two requests
of the same person cannot both pass the check. Latsar's one attempt is also a unique index.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from training.models import Enrolment, Session
from workforce.models import Employee

Status = Enrolment.Status


class TrainingError(Exception):
    """A training rule refuses the change; the message says why, in the active language."""


def _lock_session(session: Session) -> Session:
    return Session.objects.select_for_update().select_related("programme").get(pk=session.pk)


def _lock_employee(employee: Employee) -> Employee:
    return Employee.objects.select_for_update().get(pk=employee.pk)


def seats_taken(session: Session) -> int:
    return session.enrolments.filter(status=Status.ENROLLED).count()


def _check_may_join(session: Session, employee: Employee) -> None:
    today = timezone.localdate()
    if today < session.enrolment_opens_on:
        raise TrainingError(
            _("Enrolment for this session opens on %(date)s.")
            % {"date": session.enrolment_opens_on.strftime("%d-%m-%Y")}
        )
    if today > session.enrolment_closes_on:
        raise TrainingError(
            _("Enrolment for this session closed on %(date)s.")
            % {"date": session.enrolment_closes_on.strftime("%d-%m-%Y")}
        )
    if not session.programme.is_active:
        raise TrainingError(_("This programme is no longer offered."))
    if employee.status != Employee.Status.ACTIVE:
        raise TrainingError(_("Only active employees can be enrolled."))
    mine = Enrolment.objects.filter(employee=employee, status__in=Enrolment.ACTIVE)
    if mine.filter(session=session).exists():
        raise TrainingError(_("%(name)s is already enrolled in this session.") % _name(employee))
    clash = (
        mine.filter(
            session__starts_on__lte=session.ends_on, session__ends_on__gte=session.starts_on
        )
        .select_related("session__programme")
        .first()
    )
    if clash is not None:
        raise TrainingError(
            _("%(name)s is already booked on an overlapping session: %(session)s.")
            % {**_name(employee), "session": clash.session}
        )
    if session.programme.is_latsar and _latsar_attempted(employee):
        raise TrainingError(
            _("Latsar CPNS allows one attempt only, and %(name)s has already had it.")
            % _name(employee)
        )


def _latsar_attempted(employee: Employee) -> bool:
    return (
        Enrolment.objects.filter(employee=employee, is_latsar=True)
        .exclude(status__in=[Status.REJECTED, Status.CANCELLED])
        .exists()
    )


def _name(employee: Employee) -> dict:
    return {"name": employee.full_name}


def _save_new(enrolment: Enrolment) -> Enrolment:
    enrolment.full_clean(validate_constraints=False)  # the checks above; the index is the guard
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError as error:
        # Another request won the race for the same session or the only Latsar attempt.
        if enrolment.is_latsar and "latsar" in str(error).lower():
            raise TrainingError(_("Latsar CPNS allows one attempt only.")) from error
        raise TrainingError(
            _("%(name)s is already enrolled in this session.") % _name(enrolment.employee)
        ) from error
    return enrolment


@transaction.atomic
def enrolment_request(*, session: Session, employee: Employee, user) -> Enrolment:
    """The employee asks for a place; it holds no seat until the supervisor approves."""
    session = _lock_session(session)
    employee = _lock_employee(employee)
    if employee.supervisor_id is None or employee.supervisor.user_id is None:
        raise TrainingError(
            _("You have no supervisor with an account to approve the request; ask HR to enrol you.")
        )
    _check_may_join(session, employee)
    return _save_new(
        Enrolment(
            session=session,
            employee=employee,
            status=Status.REQUESTED,
            is_latsar=session.programme.is_latsar,
            requested_by=user,
        )
    )


@transaction.atomic
def enrolment_enrol(
    *, session: Session, employee: Employee, user, waitlist: bool = True
) -> Enrolment:
    """HR (or the employee's supervisor) enrols directly. A full session puts the employee on
    the waiting list, or refuses when `waitlist` is False."""
    session = _lock_session(session)
    employee = _lock_employee(employee)
    _check_may_join(session, employee)
    status = Status.ENROLLED
    if seats_taken(session) >= session.capacity:
        if not waitlist:
            raise TrainingError(_("The session is full (%(capacity)s seats).") % _seats(session))
        status = Status.WAITLISTED
    now = timezone.now()
    return _save_new(
        Enrolment(
            session=session,
            employee=employee,
            status=status,
            is_latsar=session.programme.is_latsar,
            requested_by=user,
            decided_by=user,
            decided_at=now,
        )
    )


def _seats(session: Session) -> dict:
    return {"capacity": session.capacity}


@transaction.atomic
def enrolment_decide(*, enrolment: Enrolment, user, approve: bool) -> Enrolment:
    """The supervisor approves (a seat, or the waiting list when full) or rejects a request."""
    session = _lock_session(enrolment.session)
    if approve and timezone.localdate() > session.ends_on:
        raise TrainingError(_("This session has already ended."))
    status = Status.REJECTED
    if approve:
        status = Status.ENROLLED if seats_taken(session) < session.capacity else Status.WAITLISTED
    claimed = Enrolment.objects.filter(pk=enrolment.pk, status=Status.REQUESTED).update(
        status=status, decided_by=user, decided_at=timezone.now()
    )
    enrolment.refresh_from_db()
    if claimed != 1:
        raise TrainingError(
            _("This request has already been decided: %(status)s.")
            % {"status": enrolment.get_status_display()}
        )
    return enrolment


@transaction.atomic
def enrolment_cancel(*, enrolment: Enrolment, user) -> Enrolment | None:
    """Cancel a request or a place before the session starts. When a seat frees up, the first
    on the waiting list moves up in the same transaction; returns that enrolment, if any."""
    session = _lock_session(enrolment.session)
    if timezone.localdate() >= session.starts_on:
        raise TrainingError(_("A session that has started can no longer be cancelled."))
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status not in Enrolment.ACTIVE:
        raise TrainingError(
            _("Only an active enrolment can be cancelled; this one is: %(status)s.")
            % {"status": enrolment.get_status_display()}
        )
    freed = enrolment.status == Status.ENROLLED
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Status.CANCELLED, decided_by=user, decided_at=timezone.now()
    )
    if not freed or seats_taken(session) >= session.capacity:
        return None
    first = (
        session.enrolments.select_for_update()
        .filter(status=Status.WAITLISTED)
        .order_by("created_at", "pk")
        .first()
    )
    if first is None:
        return None
    Enrolment.objects.filter(pk=first.pk).update(status=Status.ENROLLED)
    first.status = Status.ENROLLED
    return first
