"""Who HR's bulk message to a unit's staff reaches (notifications.views.bulk_message)."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from accounts import dataprotection
from workforce.models import Employee, Unit


def unit_employee_accounts(unit: Unit) -> QuerySet:
    """The accounts (each once, active ones only) of the unit's active employees that have
    one, in account order: one query, whatever their number."""
    employees = Employee.objects.filter(
        position__unit=unit, status=Employee.Status.ACTIVE, user__isnull=False
    )
    accounts = get_user_model().objects.filter(is_active=True, pk__in=employees.values("user_id"))
    # Who restricted the processing of their employment records (UU PDP) is left out.
    restricted = dataprotection.restricted_user_ids(
        dataprotection.Category.EMPLOYMENT, accounts.values_list("pk", flat=True)
    )
    return accounts.exclude(pk__in=restricted).order_by("pk")
