from django.db import transaction

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
