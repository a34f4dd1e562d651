"""The notifications' personal data (UU 27/2022 PDP): a person's inbox, their channel choices
and phone number, and the bulk messages HR sent (kept: the record of who sent what)."""

from django.utils.translation import gettext as _

from core import personaldata
from core.personaldata import Erasure, Export, declare


def register() -> None:
    from notifications.models import BulkMessage, Notification, Preferences

    declare(
        Notification,
        subject="recipient",
        fields=("recipient", "subject", "body"),
        erasure=Erasure.DELETED,
        note="The person's inbox.",
    )
    declare(
        Preferences,
        subject="user",
        fields=("user", "phone", "pending_phone"),
        erasure=Erasure.DELETED,
        note="Channels chosen per kind of message and the verified phone number.",
    )
    declare(
        BulkMessage,
        subject=None,
        fields=("sender",),
        erasure=Erasure.KEPT,
        note="The record of what HR sent to whom (the sender is staff).",
    )
    personaldata.register_export("notifications", export, order=80)
    personaldata.register_eraser(erase, order=80)


def export(export: Export) -> dict | None:
    from notifications.models import Notification, Preferences

    prefs = Preferences.objects.filter(user=export.user).first()
    rows = Notification.objects.filter(recipient=export.user).order_by("created_at", "pk")
    if prefs is None and not rows.exists():
        return None
    return {
        "preferences": export.record(prefs, exclude=("id", "code_hash")) if prefs else None,
        "inbox": [export.record(n, exclude=("id", "key")) for n in rows],
    }


def erase(*, user, report, now) -> None:
    from notifications.models import Notification, Preferences

    deleted, _rows = Notification.objects.filter(recipient=user).delete()
    if deleted:
        report.deleted.append(
            _("notifications: %(count)d messages in your inbox") % {"count": deleted}
        )
    if Preferences.objects.filter(user=user).delete()[0]:
        report.deleted.append(_("notifications: your channel choices and phone number"))
