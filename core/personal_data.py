"""The kernel's own personal data: copies of the e-mails in the outbox (core/outbox.py)."""

from django.utils.translation import gettext as _

from core import personaldata
from core.personaldata import Erasure


def register() -> None:
    from core.models import OutboxMessage

    personaldata.declare(
        OutboxMessage,
        subject="user",
        fields=("user", "to", "subject", "body"),
        erasure=Erasure.DELETED,
        note="A copy of each e-mail until it is sent, kept OUTBOX_KEEP_SENT_DAYS after.",
    )
    personaldata.register_eraser(erase, order=90)


def erase(*, user, report, now) -> None:
    """The sent or failed copies go; a message still waiting is sent first (it may be the
    answer to this very request), then pruned with the others."""
    from core.models import OutboxMessage

    deleted, _rows = OutboxMessage.objects.filter(
        user=user,
        state__in=[
            OutboxMessage.State.SENT,
            OutboxMessage.State.DELIVERED,
            OutboxMessage.State.DEAD,
        ],
    ).delete()
    if deleted:
        report.deleted.append(
            _("messages: %(count)d copies of e-mails, SMS and WhatsApp messages sent to you")
            % {"count": deleted}
        )
