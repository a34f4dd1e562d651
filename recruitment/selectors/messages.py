"""Who HR's bulk message to a formation's applicants reaches (notifications.views.bulk_message).
Drafts never: an unsent application is no one's business but its author's."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from recruitment.models import Application, Formation
from recruitment.selectors.hr import hr_status_choices

Status = Application.Status

# The audience when no status is chosen: every application that was sent, whatever became of it.
ALL_SENT = "all"


def message_status_choices() -> list[tuple[str, str]]:
    """The statuses HR may write to, "all sent" first; never drafts."""
    return [
        (ALL_SENT, _("All except drafts")),
        *((value, label) for value, label in hr_status_choices() if value != Status.DRAFT),
    ]


def formation_applicant_accounts(formation: Formation, status: str = ALL_SENT) -> QuerySet:
    """The accounts (each once, active ones only) of the formation's applications in `status`
    (ALL_SENT: every status but draft), in account order. One query, whatever their number:
    the applications are a subquery, so an applicant is never counted twice."""
    applications = Application.objects.filter(formation=formation).exclude(status=Status.DRAFT)
    if status != ALL_SENT:
        applications = applications.filter(status=status)
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=applications.values("applicant_id"))
        .order_by("pk")
    )
