"""Enrolment: an employee requests and their supervisor decides, or HR (or the supervisor)
enrols directly; a waiting list when the session is full, moved up when someone cancels.

Every write that depends on the number of seats locks the session row first
(`select_for_update`), so two approvals for the last seat cannot both get it; every write that
depends on an employee's other sessions (overlaps, Latsar) locks the employee row, so two requests
of the same person cannot both pass the check. Latsar's one attempt is also a unique index.
"""

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core import outbox
from training.models import Enrolment, Session
from training.notices import notify_enrolment
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


def _day(value) -> str:
    return formats.date_format(value, "j F Y")


def _check_may_join(session: Session, employee: Employee, user) -> None:
    """Every rule of joining a session, each refusal worded for the person who asked: "you"
    when employees ask for themselves, the employee's name when HR or a supervisor enrols."""
    today = timezone.localdate()
    self_ = employee.user_id is not None and employee.user_id == getattr(user, "pk", None)
    names = {**_name(employee), "session": session}
    if today < session.enrolment_opens_on:
        raise TrainingError(
            _("Enrolment for %(session)s opens on %(date)s: come back then.")
            % {"session": session, "date": _day(session.enrolment_opens_on)}
        )
    if today > session.enrolment_closes_on:
        raise TrainingError(
            _("Enrolment for %(session)s closed on %(date)s; choose a later session.")
            % {"session": session, "date": _day(session.enrolment_closes_on)}
        )
    if not session.programme.is_active:
        raise TrainingError(
            _("%(programme)s is no longer offered, so nobody can be enrolled in it.")
            % {"programme": session.programme.name}
        )
    if employee.status != Employee.Status.ACTIVE:
        raise TrainingError(
            _("Only active employees can be enrolled; your record says: %(status)s. Ask HR.")
            % {"status": employee.get_status_display()}
            if self_
            else _("Only active employees can be enrolled; %(name)s is: %(status)s.")
            % {**names, "status": employee.get_status_display()}
        )
    mine = Enrolment.objects.filter(employee=employee, status__in=Enrolment.ACTIVE)
    if mine.filter(session=session).exists():
        raise TrainingError(_already_enrolled(employee, session, self_))
    clash = (
        mine.filter(
            session__starts_on__lte=session.ends_on, session__ends_on__gte=session.starts_on
        )
        .select_related("session__programme")
        .first()
    )
    if clash is not None:
        raise TrainingError(
            _("You already have a place in %(other)s, which overlaps %(session)s.")
            % {**names, "other": clash.session}
            if self_
            else _("%(name)s already has a place in %(other)s, which overlaps %(session)s.")
            % {**names, "other": clash.session}
        )
    if session.programme.is_latsar and _latsar_attempted(employee):
        raise TrainingError(
            _("Latsar CPNS allows one attempt only, and you have already had yours.")
            if self_
            else _("Latsar CPNS allows one attempt only, and %(name)s has already had it.") % names
        )


def _already_enrolled(employee: Employee, session: Session, self_: bool) -> str:
    if self_:
        return _("You are already enrolled in %(session)s.") % {"session": session}
    return _("%(name)s is already enrolled in %(session)s.") % {
        **_name(employee),
        "session": session,
    }


def _latsar_attempted(employee: Employee) -> bool:
    return (
        Enrolment.objects.filter(employee=employee, is_latsar=True)
        .exclude(status__in=[Status.REJECTED, Status.CANCELLED])
        .exists()
    )


def _name(employee: Employee) -> dict:
    return {"name": employee.full_name}


def _save_new(enrolment: Enrolment, user) -> Enrolment:
    enrolment.full_clean(validate_constraints=False)  # the checks above; the index is the guard
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError as error:
        # Another request won the race for the same session or the only Latsar attempt.
        if enrolment.is_latsar and "latsar" in str(error).lower():
            raise TrainingError(_("Latsar CPNS allows one attempt only.")) from error
        employee = enrolment.employee
        raise TrainingError(
            _already_enrolled(employee, enrolment.session, employee.user_id == user.pk)
        ) from error
    return enrolment


@transaction.atomic
def enrolment_request(*, session: Session, employee: Employee, user) -> Enrolment:
    """The employee asks for a place; it holds no seat until the supervisor approves."""
    session = _lock_session(session)
    employee = _lock_employee(employee)
    if employee.supervisor_id is None or employee.supervisor.user_id is None:
        raise TrainingError(
            _(
                "You have no supervisor with an account to approve your request; ask HR to enrol "
                "you in %(session)s."
            )
            % {"session": session}
        )
    _check_may_join(session, employee, user)
    enrolment = _save_new(
        Enrolment(
            session=session,
            employee=employee,
            status=Status.REQUESTED,
            is_latsar=session.programme.is_latsar,
            requested_by=user,
        ),
        user,
    )
    # The supervisor is told (inbox and their channels) once this commits.
    outbox.dispatch(notify_enrolment, enrolment.pk)
    return enrolment


@transaction.atomic
def enrolment_enrol(
    *, session: Session, employee: Employee, user, waitlist: bool = True
) -> Enrolment:
    """HR (or the employee's supervisor) enrols directly. A full session puts the employee on
    the waiting list, or refuses when `waitlist` is False."""
    session = _lock_session(session)
    employee = _lock_employee(employee)
    _check_may_join(session, employee, user)
    status = Status.ENROLLED
    if seats_taken(session) >= session.capacity:
        if not waitlist:
            raise TrainingError(
                _("%(session)s is full (%(capacity)s seats): choose another session.")
                % {"session": session, "capacity": session.capacity}
            )
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
        ),
        user,
    )


@transaction.atomic
def enrolment_decide(*, enrolment: Enrolment, user, approve: bool) -> Enrolment:
    """The supervisor approves (a seat, or the waiting list when full) or rejects a request."""
    session = _lock_session(enrolment.session)
    if approve and timezone.localdate() > session.ends_on:
        raise TrainingError(
            _("%(session)s has already ended, so the request can no longer be approved.")
            % {"session": session}
        )
    status = Status.REJECTED
    if approve:
        status = Status.ENROLLED if seats_taken(session) < session.capacity else Status.WAITLISTED
    claimed = Enrolment.objects.filter(pk=enrolment.pk, status=Status.REQUESTED).update(
        status=status, decided_by=user, decided_at=timezone.now()
    )
    enrolment.refresh_from_db()
    if claimed != 1:
        raise TrainingError(
            _("The request of %(name)s has already been decided: %(status)s.")
            % {"name": enrolment.employee.full_name, "status": enrolment.get_status_display()}
        )
    outbox.dispatch(notify_enrolment, enrolment.pk)
    return enrolment


@transaction.atomic
def enrolment_cancel(*, enrolment: Enrolment, user) -> Enrolment | None:
    """Cancel a request or a place before the session starts. When a seat frees up, the first
    on the waiting list moves up in the same transaction; returns that enrolment, if any."""
    session = _lock_session(enrolment.session)
    if timezone.localdate() >= session.starts_on:
        raise TrainingError(
            _("%(session)s has started, so the place can no longer be cancelled.")
            % {"session": session}
        )
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status not in Enrolment.ACTIVE:
        raise TrainingError(
            _("There is nothing to cancel: this enrolment is already %(status)s.")
            % {"status": enrolment.get_status_display().lower()}
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
    outbox.dispatch(notify_enrolment, first.pk)
    return first
