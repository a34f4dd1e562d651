"""Reads: the inbox and its unread count, a person's notification settings."""

from notifications.models import Notification, Preferences


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
