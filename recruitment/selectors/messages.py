"""Who HR's bulk message to a formation's applicants reaches (notifications.views.bulk_message).
Drafts never: an unsent application is no one's business but its author's."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts import dataprotection
from recruitment.models import AdminResult, Application, Formation
from recruitment.selectors.hr import hr_status_choices

Status = Application.Status

# The audience when no status is chosen: every application that was sent, whatever became of it.
ALL_SENT = "all"


# Audiences by the announced administrative result ("result:TMS"): e.g. the applicants found
# not eligible, about their appeal window.
RESULT_PREFIX = "result:"


def message_status_choices() -> list[tuple[str, str]]:
    """The statuses HR may write to, "all sent" first, then the announced administrative
    results; never drafts."""
    return [
        (ALL_SENT, _("All except drafts")),
        *((value, label) for value, label in hr_status_choices() if value != Status.DRAFT),
        *(
            (
                f"{RESULT_PREFIX}{value}",
                _("Announced result: %(result)s (%(code)s)") % {"result": label, "code": value},
            )
            for value, label in AdminResult.choices
        ),
    ]


def formation_applicant_accounts(formation: Formation, status: str = ALL_SENT) -> QuerySet:
    """The accounts (each once, active ones only) of the formation's applications in `status`
    (ALL_SENT: every status but draft), in account order. One query, whatever their number:
    the applications are a subquery, so an applicant is never counted twice."""
    applications = Application.objects.filter(formation=formation).exclude(status=Status.DRAFT)
    if status.startswith(RESULT_PREFIX):
        applications = applications.filter(announced_result=status.removeprefix(RESULT_PREFIX))
    elif status != ALL_SENT:
        applications = applications.filter(status=status)
    accounts = get_user_model().objects.filter(
        is_active=True, pk__in=applications.values("applicant_id")
    )
    # Who restricted the processing of their applications (UU PDP) gets no message about them,
    # as with every other recruitment message (one query for the whole audience).
    restricted = dataprotection.restricted_user_ids(
        dataprotection.Category.APPLICATION, accounts.values_list("pk", flat=True)
    )
    return accounts.exclude(pk__in=restricted).order_by("pk")
