from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import Role
from workforce.models import Employee, Position


def employee_fill_derived(employee: Employee) -> Employee:
    """Derived fields, set before every save: the projected retirement date."""
    employee.retirement_date = Employee.retirement_date_for(
        employee.birth_date, employee.position.retirement_age
    )
    return employee


@transaction.atomic
def employee_save(*, employee: Employee) -> Employee:
    employee_fill_derived(employee)
    employee.full_clean()
    employee.save()
    return employee


@transaction.atomic
def position_set_retirement_age(*, position: Position, retirement_age: int) -> Position:
    """Changing the retirement age moves every holder's projected retirement date."""
    position.retirement_age = retirement_age
    position.full_clean()
    position.save(update_fields=["retirement_age"])
    employees = list(position.employees.all())
    for employee in employees:
        employee.position = position
        employee_fill_derived(employee)
    Employee.objects.bulk_update(employees, ["retirement_date"])
    return position


@dataclass(frozen=True)
class Hire:
    """One new employee from a selection: who, on which position, from when."""

    user_id: int
    full_name: str
    gender: str
    birth_date: date
    asn_type: str
    position: Position
    start_date: date
    nip: str | None = None
    contract_ends_on: date | None = None


class HireError(Exception):
    pass


@transaction.atomic
def employees_hire(*, hires: list[Hire]) -> list[Employee]:
    """Put the people a selection appointed on the register, linked to their accounts, which
    gain the Employee role: a constant number of queries however many (the needs map's current
    staff counts them at once). A NIP already on the register, or an account that is already an
    employee, refuses the whole batch."""
    if not hires:
        return []
    nips = [hire.nip for hire in hires if hire.nip]
    taken = set(Employee.objects.filter(nip__in=nips).values_list("nip", flat=True))
    if taken or len(set(nips)) != len(nips):
        raise HireError(
            _("This NIP is already on the employee register: %(nips)s")
            % {"nips": ", ".join(sorted(taken) or nips)}
        )
    users = [hire.user_id for hire in hires]
    already = set(Employee.objects.filter(user_id__in=users).values_list("user_id", flat=True))
    if already:
        raise HireError(_("These accounts are already linked to an employee record."))
    employees, problems = [], []
    for hire in hires:
        employee = Employee(
            nip=hire.nip or None,
            full_name=hire.full_name,
            gender=hire.gender,
            birth_date=hire.birth_date,
            asn_type=hire.asn_type,
            position=hire.position,
            start_date=hire.start_date,
            contract_ends_on=hire.contract_ends_on,
            user_id=hire.user_id,
        )
        employee_fill_derived(employee)
        # Each record's own rules (the NIP against the birth date, gender and type); the
        # uniqueness is checked above for the whole batch, at once.
        try:
            # The position and the account were read by the caller: no query per row for them.
            employee.full_clean(
                exclude=["position", "user"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            problems.extend(f"{hire.full_name}: {message}" for message in error.messages)
        employees.append(employee)
    if problems:
        raise HireError(" ".join(problems))
    created = Employee.objects.bulk_create(employees)
    # Created by the migration; get_or_create as accounts.services.user_assign_roles does.
    group, _created = Group.objects.get_or_create(name=Role.EMPLOYEE)
    membership = get_user_model().groups.through
    membership.objects.bulk_create(
        [membership(user_id=user_id, group_id=group.pk) for user_id in users],
        ignore_conflicts=True,
    )
    return created


@transaction.atomic
def employee_cancel_appointment(*, employee: Employee) -> Employee:
    """An appointment undone by a correction: the record stays (with who and when, in the
    audit trail) but no longer counts as staff, and the account loses the Employee role."""
    employee.status = Employee.Status.CANCELLED
    employee.save(update_fields=["status"])
    if employee.user_id:
        employee.user.groups.remove(*Group.objects.filter(name=Role.EMPLOYEE))
    return employee
