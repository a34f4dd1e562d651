"""Reads: the inbox and its unread count, a person's notification settings."""

from django.db.models import Q

from notifications.models import BulkMessage, Notification, Preferences


def inbox(user, *, unread_only: bool = False):
    rows = Notification.objects.filter(recipient=user).only(
        "pk", "subject", "body", "url", "kind", "category", "created_at", "read_at", "urgent"
    )
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-created_at", "-pk")


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def preferences_of(user) -> Preferences:
    """The person's settings, or the defaults (unsaved) when they never saved any: reading the
    settings page writes nothing."""
    prefs = Preferences.objects.filter(user=user).first()
    return prefs if prefs is not None else Preferences(user=user)


def bulk_history(audience_key: str, limit: int = 5) -> list:
    """The latest bulk messages to the same group (a formation's applicants, whatever the
    status chosen; a unit's employees), newest first: HR sees what already went out."""
    group = ":".join(audience_key.split(":")[:2])
    return list(
        BulkMessage.objects.filter(Q(audience_key=group) | Q(audience_key__startswith=f"{group}:"))
        .select_related("sender")
        .order_by("-created_at", "-pk")[:limit]
    )
