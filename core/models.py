"""The base of every model of an app whose pages are cached (see core.pagecache)."""

from django.conf import settings
from django.db import models
from django.db.models.signals import class_prepared
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.pagecache.tracking import TrackedManager, connect_model


class TrackedModel(models.Model):
    """A model whose every write moves the page cache's generations on: save() and delete()
    through model signals, update(), bulk_create() and bulk_update() through its manager's
    QuerySet. Its base manager (used by related managers and deletions) is the same tracked
    one. Nothing else to write: an app's policy (core.pagecache.register) says what moves."""

    objects = TrackedManager()

    class Meta:
        abstract = True
        base_manager_name = "objects"


class BilingualNameMixin(TrackedModel):
    """Reference data edited by HR carries its name in Bahasa Indonesia and in English; pages show
    the one that matches the active language (Indonesian when the English one is empty)."""

    name = models.CharField(_("name (Bahasa Indonesia)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)

    class Meta(TrackedModel.Meta):
        abstract = True

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        if (get_language() or "id").startswith("en") and self.name_en:
            return self.name_en
        return self.name


def _prepared(sender, **kwargs):
    if issubclass(sender, TrackedModel) and not sender._meta.abstract:
        connect_model(sender)


class_prepared.connect(_prepared, dispatch_uid="core.models.tracked", weak=False)


# --- the outbox: e-mail and background work that survive a crash or a dead broker ---------------


class OutboxMessage(models.Model):
    """One message to send through one channel (an e-mail, an SMS, a WhatsApp message), written
    in the same transaction as the claim that decided to send it (core.outbox). Delivered one at
    a time: the row is marked SENDING and committed before the channel is called, and SENT after;
    a row left SENDING by a dead worker goes back to PENDING after OUTBOX_SENDING_STALE_SECONDS
    (so at most that one message can go twice). A gateway's delivery receipt, matched by its
    message id, sets DELIVERED (or DEAD when the gateway could not deliver it)."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")
        WHATSAPP = "whatsapp", _("WhatsApp")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        DEAD = "dead", _("Failed for good")

    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    # Unique when given: the claim itself for messages with no claim row of their own (one
    # e-mail per timeline event), so a retried task cannot queue it twice.
    key = models.CharField(_("key"), max_length=120, unique=True, null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient account"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    to = models.JSONField(_("to"), default=list)
    from_email = models.CharField(_("from"), max_length=254, blank=True)
    subject = models.TextField(_("subject"))
    body = models.TextField(_("body"))
    # "plain" or "html" (the body's own type), the other versions of the body ([content,
    # mimetype] pairs, e.g. an HTML one), and extra headers: what Django's EmailMessage carries.
    content_subtype = models.CharField(_("body type"), max_length=10, default="plain")
    alternatives = models.JSONField(_("other versions"), default=list, blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    available_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # The recipient's quiet hours (local times): a message that is not urgent is never sent
    # between them, whether on its first try or a later one.
    quiet_from = models.TimeField(_("not sent from"), null=True, blank=True)
    quiet_until = models.TimeField(_("not sent until"), null=True, blank=True)
    # What the SMS/WhatsApp gateway called the message, and its delivery receipt.
    provider_id = models.CharField(_("gateway's message id"), max_length=100, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "available_at"], name="core_outbox_due"),
            models.Index(fields=["channel", "provider_id"], name="core_outbox_receipt"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} {self.kind} → {', '.join(self.to)}"


class QueuedTask(models.Model):
    """A Celery task to start once the transaction that asked for it commits (core.outbox.
    dispatch): written in that transaction, published after the commit and then deleted. When
    the broker is unreachable the row stays, and the one-minute outbox job publishes it once the
    broker is back; a row published twice runs a task that is idempotent anyway."""

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    kwargs = models.JSONField(_("keyword arguments"), default=dict)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("publish attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("queued background task")
        verbose_name_plural = _("queued background tasks")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.task
