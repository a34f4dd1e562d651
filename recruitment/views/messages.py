"""HR's bulk message to a formation's applicants, chosen by status (the write, preview, confirm
and send steps, the rate limit and the record are notifications.views.bulk_message's)."""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import Role, role_required
from notifications.views import bulk_message
from recruitment.selectors import hr as hr_selectors
from recruitment.selectors import messages as selectors


@role_required(Role.HR)
def hr_formation_message(request, pk):
    """?status=<status> (default: every sent application); drafts and unknown statuses: 404."""
    formation = hr_selectors.formation_get(pk)
    status = request.GET.get("status") or selectors.ALL_SENT
    labels = dict(selectors.message_status_choices())
    if status not in labels:
        raise Http404
    audience = _("Applicants for %(formation)s — status: %(status)s") % {
        "formation": formation,
        "status": labels[status],
    }
    return bulk_message(
        request,
        audience=audience,
        audience_key=f"formation:{formation.pk}:{status}",
        users=selectors.formation_applicant_accounts(formation, status),
        back_url=reverse("recruitment:hr_application_list", args=[formation.pk]),
        url=reverse("recruitment:vacancy_detail", args=[formation.pk]),
        context={"formation": formation, "status": status},
    )
