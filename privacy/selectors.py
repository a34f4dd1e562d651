"""Reads of the privacy app."""

from django.conf import settings
from django.db.models import BooleanField, Case, Q, Value, When
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.today import PROVIDER_CAP, Task
from core.personaldata import summary_rows
from privacy.models import Consent, DataRequest, Restriction


def has_current_consent(user, purpose: str) -> bool:
    """True when the user has a live consent to `purpose` under the current notice version.
    Other apps ask through `accounts.dataprotection.has_current_consent`."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Consent.objects.filter(
        user=user,
        purpose=purpose,
        notice_version=settings.PRIVACY_NOTICE_VERSION,
        withdrawn_at__isnull=True,
    ).exists()


def restricted_user_ids(category: str, user_ids) -> set[int]:
    """Which of these users have a live restriction on `category` or on their whole account.
    Other apps ask through `accounts.dataprotection.restricted_user_ids`."""
    return set(
        Restriction.objects.filter(
            user_id__in=list(user_ids),
            category__in={category, Restriction.Category.ACCOUNT},
            lifted_at__isnull=True,
        ).values_list("user_id", flat=True)
    )


def restrictions_for_user(user):
    """The restrictions in force on the person's data, for their "My data" page."""
    return Restriction.objects.filter(user=user, lifted_at__isnull=True).order_by(
        "category", "created_at", "pk"
    )


def can_lift_restriction(user) -> bool:
    return Restriction.objects.filter(user=user, reason="request", lifted_at__isnull=True).exists()


class Answers:
    """What `accounts.dataprotection` asks, answered from this app's records."""

    restricted_user_ids = staticmethod(restricted_user_ids)
    has_current_consent = staticmethod(has_current_consent)


def consents_for_user(user):
    return Consent.objects.filter(user=user).order_by("-given_at", "-pk")


def requests_for_user(user):
    return DataRequest.objects.filter(user=user).order_by("-submitted_at", "-pk")


def request_for_owner(user, pk: int) -> DataRequest:
    """The user's own request; anyone else's is a 404."""
    return get_object_or_404(DataRequest, pk=pk, user=user)


def requests_for_hr(*, status: str = "", overdue: bool = False, now=None):
    now = now or timezone.now()
    requests = DataRequest.objects.select_related("user", "handled_by").annotate(
        overdue=Case(
            When(Q(status__in=DataRequest.OPEN, due_at__lt=now), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )
    if status in DataRequest.Status.values:
        requests = requests.filter(status=status)
    if overdue:
        requests = requests.filter(overdue=True)
    # Open ones first, the most urgent at the top.
    return requests.order_by(
        Case(When(status__in=DataRequest.OPEN, then=Value(0)), default=Value(1)),
        "due_at",
        "pk",
    )


def my_data_summary(user) -> list[dict]:
    """What the portal holds about the user, by category: a label and a count (each app says
    its own, core.personaldata.register_summary)."""
    return summary_rows(user)


def today_requests(user) -> list:
    """HR's "Today": the open data-protection requests, the soonest due first (each is due 72
    hours after it arrives, UU PDP). One query."""
    open_requests = list(
        DataRequest.objects.filter(status__in=DataRequest.OPEN)
        .only("pk", "kind", "due_at", "submitted_at")
        .order_by("due_at", "pk")[:PROVIDER_CAP]
    )
    return [
        Task(
            label=request.get_kind_display(),
            url=reverse("privacy:request_answer", args=[request.pk]),
            due=request.due_at,
            waiting_since=request.submitted_at,
            detail=_("Request no. %(number)s") % {"number": request.pk},
        )
        for request in open_requests
    ]
