"""The one place that decides who may see an employee's training records: the employee, their
supervisor (Employee.supervisor) and HR. Anyone else gets 404 (not 403), so ids reveal nothing."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.roles import Role, has_role
from training.models import Enrolment, Session, SessionGuest
from training.selectors.catalogue import enrolment_with_details
from workforce.models import Employee

# Roles that use the training pages at all; others get 403.
TRAINING_ROLES = (Role.EMPLOYEE, Role.SUPERVISOR, Role.HR)


def is_hr(user) -> bool:
    return has_role(user, Role.HR)


def supervises(user, employee: Employee) -> bool:
    return employee.supervisor_id is not None and employee.supervisor.user_id == user.pk


def may_see(user, employee: Employee) -> bool:
    return employee.user_id == user.pk or is_hr(user) or supervises(user, employee)


def employee_for_user(user, pk: int) -> Employee:
    employee = get_object_or_404(
        Employee.objects.select_related("position__unit__sector", "supervisor", "user"), pk=pk
    )
    if not may_see(user, employee):
        raise Http404
    return employee


def own_employee(user) -> Employee | None:
    """The signed-in user's own employee record, or None when the account has none."""
    return (
        Employee.objects.select_related("position__unit__sector", "supervisor")
        .filter(user=user)
        .first()
    )


def enrolment_for_user(user, pk: int) -> Enrolment:
    enrolment = enrolment_with_details(pk)
    if enrolment is None or not may_see(user, enrolment.employee):
        raise Http404
    return enrolment


def own_enrolment(user, pk: int) -> Enrolment:
    """For what only the participant does (feedback): HR and the supervisor get 404 too."""
    enrolment = enrolment_for_user(user, pk)
    if enrolment.employee.user_id != user.pk:
        raise Http404
    return enrolment


def decidable_enrolment(user, pk: int) -> Enrolment:
    """The supervisor of the employee, or HR, decides a request."""
    enrolment = enrolment_for_user(user, pk)
    if not (is_hr(user) or supervises(user, enrolment.employee)):
        raise Http404
    return enrolment


def may_enrol(user, employee: Employee) -> bool:
    """HR enrols anyone; a supervisor the members of their team (e.g. from a recommendation)."""
    return is_hr(user) or supervises(user, employee)


def guest_invitation(user, session: Session) -> SessionGuest | None:
    """The user's invitation to the session (a resident invited as a speaker or an observer),
    or None."""
    return SessionGuest.objects.filter(session=session, user=user).first()
