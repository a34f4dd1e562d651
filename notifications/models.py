"""Notifications: what the portal tells a person, kept in their inbox, and how they want to be
reached. Delivery itself is the kernel's outbox (core.outbox: one row per (notification,
channel), claimed before it is sent)."""

from datetime import time

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField


class Category(models.TextChoices):
    """What a message is about: each person chooses their channels per category."""

    RECRUITMENT = "recruitment", _("My applications (status, results, appeals)")
    TRAINING = "training", _("Training")
    PERFORMANCE = "performance", _("Performance (SKP)")
    FORUMS = "forums", _("Forum answers and replies")
    PRIVACY = "privacy", _("Personal data requests")
    NEWS = "news", _("Messages from HR")
    DIGEST = "digest", _("Weekly digest")


# Recruitment messages can cost someone a job when missed: they always reach the inbox and at
# least one channel outside the portal (e-mail when the person chose none).
ESSENTIAL = frozenset({Category.RECRUITMENT})


class Notification(models.Model):
    """One message to one person: always in their inbox, whatever the other channels do."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=60)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    urgent = models.BooleanField(
        _("urgent"), default=False, help_text=_("Sent during quiet hours too.")
    )
    # Unique when given: one notification per cause (an application's status, an event...).
    key = models.CharField(_("key"), max_length=120, unique=True, null=True, blank=True)
    bulk = models.ForeignKey(
        "BulkMessage",
        verbose_name=_("bulk message"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notif_inbox"),
            models.Index(
                fields=["recipient"],
                name="notif_unread",
                condition=models.Q(read_at__isnull=True),
            ),
        ]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("notifications:open", args=[self.pk])


class Preferences(models.Model):
    """How one person wants to be reached. No row: e-mail for everything, no phone."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    # {category: [channel, ...]} among "email", "sms", "whatsapp"; a category missing: e-mail.
    channels = models.JSONField(_("channels per category"), default=dict, blank=True)
    phone = PhoneNumberField(_("phone for SMS and WhatsApp"), blank=True, region="ID")
    phone_verified_at = models.DateTimeField(_("phone verified at"), null=True, blank=True)
    # The number being verified and its code (hashed), until the code is entered.
    pending_phone = PhoneNumberField(_("phone being verified"), blank=True, region="ID")
    code_hash = models.CharField(_("code (hashed)"), max_length=128, blank=True)
    code_sent_at = models.DateTimeField(_("code sent at"), null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(_("wrong codes entered"), default=0)
    quiet_start = models.TimeField(_("quiet hours from"), default=time(21, 0))
    quiet_end = models.TimeField(_("quiet hours until"), default=time(6, 0))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification preferences")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.user)

    @property
    def phone_verified(self) -> bool:
        return bool(self.phone and self.phone_verified_at)

    def chosen(self, category: str) -> list[str]:
        value = (self.channels or {}).get(category)
        return list(value) if isinstance(value, list) else ["email"]


class BulkMessage(models.Model):
    """A message HR sent to many people at once: who sent what, to whom, how many."""

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    audience = models.CharField(_("audience"), max_length=300)
    audience_key = models.CharField(_("audience code"), max_length=120, db_index=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    per_channel = models.JSONField(_("messages per channel"), default=dict, blank=True)
    # The preview's one-time token: a double click or a resent form sends the message once.
    token = models.CharField(_("form token"), max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("bulk message")
        verbose_name_plural = _("bulk messages")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.subject} → {self.audience}"
