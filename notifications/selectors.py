"""Reads: the inbox and its unread count."""

from notifications.models import Notification


def inbox(user, *, unread_only: bool = False):
    rows = Notification.objects.filter(recipient=user).only(
        "pk", "subject", "body", "url", "kind", "category", "created_at", "read_at", "urgent"
    )
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-created_at", "-pk")


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
