"""Reads for residents invited to sessions."""

from django.db.models import QuerySet
from django.utils import timezone

from training.models import SessionGuest


def invitations_of(user) -> list[SessionGuest]:
    """The user's invitations, upcoming sessions first (soonest first), then past ones (latest
    first), with each session's programme (one query). Each has `is_past`."""
    today = timezone.localdate()
    rows = list(
        SessionGuest.objects.filter(user=user)
        .select_related("session__programme")
        .order_by("session__starts_on", "pk")
    )
    upcoming = [row for row in rows if row.session.ends_on >= today]
    past = [row for row in reversed(rows) if row.session.ends_on < today]
    for row in past:
        row.is_past = True
    for row in upcoming:
        row.is_past = False
    return upcoming + past


def guests_to_tell() -> QuerySet[SessionGuest]:
    """Invitations whose e-mail has not been sent yet."""
    return SessionGuest.objects.filter(notified_at__isnull=True)
