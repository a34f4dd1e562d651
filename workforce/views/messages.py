"""HR's bulk message to a unit's active employees (the write, preview, confirm and send steps,
the rate limit and the record are notifications.views.bulk_message's)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.roles import Role, role_required
from notifications.views import bulk_message
from workforce.models import Unit
from workforce.selectors import messages as selectors


@role_required(Role.HR)
def unit_message(request, pk):
    unit = get_object_or_404(Unit, pk=pk)
    return bulk_message(
        request,
        audience=_("Active employees of %(unit)s") % {"unit": unit.name},
        audience_key=f"unit:{unit.pk}",
        users=selectors.unit_employee_accounts(unit),
        back_url=unit.get_absolute_url(),
        context={"unit": unit},
    )
