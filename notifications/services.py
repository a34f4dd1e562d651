"""Writes: notify people (one at a time or thousands at once), their preferences, phone
verification, bulk messages from HR.

Every message an app sends to a person goes through `notify` (or `notify_many`): in the caller's
transaction it writes the inbox row (`Notification`) and one outbox row per external channel the
person chose (core.outbox.OutboxMessage, keyed "n<notification id>:<channel>", so exactly one per
(notification, channel)); the outbox then claims each row before sending it, retries temporary
failures with a growing wait and fails a message for good after its last attempt (shown to
administrators). The inbox row is kept whatever the channels do.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import channels, outbox
from core.models import OutboxMessage
from core.ratelimit import Rate, hit
from notifications import sms
from notifications.models import ESSENTIAL, BulkMessage, Category, Notification, Preferences

logger = logging.getLogger(__name__)

Channel = OutboxMessage.Channel
PHONE_CHANNELS = (Channel.SMS, Channel.WHATSAPP)
CODE_VALID = timedelta(minutes=10)
CODE_RESEND_AFTER = timedelta(seconds=60)
# Each code is a paid message to a number not yet proven to be the person's: a few an hour.
CODE_RATE = Rate(count=5, seconds=3600)
# And per number, whoever asks: nobody can have a stranger's phone flooded with codes.
CODE_RATE_PER_NUMBER = Rate(count=3, seconds=3600)
CODE_MAX_WRONG = 5
BULK_RATE = Rate(count=5, seconds=3600)


def category_for(kind: str) -> str:
    """The category of a kind of message ("recruitment.status" → recruitment)."""
    if kind.endswith(".digest"):
        return Category.DIGEST
    prefix = kind.split(".", 1)[0]
    return prefix if prefix in Category.values else Category.NEWS


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def language_of(user) -> str:
    return getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE


def quiet_until(prefs: Preferences | None, now: datetime | None = None) -> datetime | None:
    """When the person's quiet hours (local time, WIB) end, if `now` falls inside them."""
    return outbox.quiet_end(*quiet_hours(prefs), now)


def quiet_hours(prefs: Preferences | None) -> tuple:
    if prefs is None:
        return (
            Preferences._meta.get_field("quiet_start").default,
            Preferences._meta.get_field("quiet_end").default,
        )
    return prefs.quiet_start, prefs.quiet_end


def external_channels(user, prefs: Preferences | None, category: str) -> list[str]:
    """The channels outside the portal this message goes to: the person's choice for the
    category, without a phone channel until the phone is verified or while it is not
    configured; an essential category falls back on e-mail when nothing else is left."""
    chosen = prefs.chosen(category) if prefs else [Channel.EMAIL]
    result = []
    for channel in chosen:
        if channel == Channel.EMAIL and user.email:
            result.append(Channel.EMAIL)
        elif (
            channel in PHONE_CHANNELS
            and prefs is not None
            and prefs.phone_verified
            and channels.available(channel)
        ):
            result.append(channel)
    if not result and category in ESSENTIAL and user.email:
        result.append(Channel.EMAIL)
    return result


@dataclass
class Sent:
    notification: Notification
    rows: list = field(default_factory=list)


def _rows(notification: Notification, user, prefs, message: EmailMessage | None, now=None):
    """The outbox rows of one notification (unsaved)."""
    rows = []
    category = notification.category
    language = language_of(user)
    link = absolute_url(notification.get_absolute_url())
    for channel in external_channels(user, prefs, category):
        key = f"n{notification.pk}:{channel}"
        if channel == Channel.EMAIL:
            if message is None:
                body = notification.body
                if notification.url:
                    body = f"{body}\n\n{absolute_url(notification.url)}"
                message = EmailMessage(notification.subject, body)
            message.to = [user.email]
            rows.append(outbox.email_row(message, kind=notification.kind, user_id=user.pk, key=key))
        else:
            rows.append(
                outbox.message_row(
                    channel,
                    prefs.phone.as_e164,
                    sms.short_text(notification.subject, link),
                    kind=notification.kind,
                    user_id=user.pk,
                    key=key,
                    quiet=None if notification.urgent else quiet_hours(prefs),
                    now=now,
                    language=language,
                )
            )
    return rows


def notify(
    user,
    *,
    kind: str,
    message: EmailMessage | None = None,
    subject: str = "",
    body: str = "",
    url: str = "",
    key: str | None = None,
    urgent: bool = False,
    category: str | None = None,
) -> Sent | None:
    """Tell `user`: an inbox notification and its outbox rows, in the caller's transaction. The
    subject and text come from `message` (the e-mail as the app wrote it, in the person's
    language) or are given. With `key`, a notification already written under that key is not
    written again: returns None then. Deliver with `deliver_now(sent)` after the commit."""
    if message is not None:
        subject = subject or " ".join(message.subject.split())
        body = body or message.body
    now = timezone.now()
    notification = Notification(
        recipient=user,
        kind=kind[:60],
        category=category or category_for(kind),
        subject=subject[:300],
        body=body,
        url=url[:500],
        urgent=urgent,
        key=key,
        created_at=now,
    )
    with transaction.atomic():
        if key is None:
            notification.save(force_insert=True)
        else:
            Notification.objects.bulk_create([notification], ignore_conflicts=True)
            notification = Notification.objects.filter(key=key, created_at=now).first()
            if notification is None:
                return None
        prefs = Preferences.objects.filter(user=user).first()
        rows = outbox.queue_rows(_rows(notification, user, prefs, message, now))
    return Sent(notification, rows)


def deliver_now(sent) -> outbox.DeliveryRun:
    """Send what `notify` queued (its transaction committed), for a few seconds at most; the
    outbox job sends the rest."""
    if isinstance(sent, Sent):
        sent = [sent]
    return outbox.send_queued([row for item in sent if item for row in item.rows])


@dataclass
class Entry:
    """One message of a batch for `notify_batch` (different people, different texts)."""

    user: object
    kind: str
    message: EmailMessage
    url: str = ""
    urgent: bool = False


def notify_batch(entries: list[Entry]) -> list[Sent]:
    """Tell many people each their own message (a reminder run): like `notify` without a key,
    but in a fixed number of statements for the whole batch (their preferences read at once,
    the inbox rows and the outbox rows each written in one INSERT)."""
    if not entries:
        return []
    now = timezone.now()
    with transaction.atomic():
        prefs = {
            p.user_id: p
            for p in Preferences.objects.filter(user__in=[entry.user for entry in entries])
        }
        notifications = Notification.objects.bulk_create(
            [
                Notification(
                    recipient=entry.user,
                    kind=entry.kind[:60],
                    category=category_for(entry.kind),
                    subject=" ".join(entry.message.subject.split())[:300],
                    body=entry.message.body,
                    url=entry.url[:500],
                    urgent=entry.urgent,
                    created_at=now,
                )
                for entry in entries
            ]
        )
        result = []
        rows = []
        for notification, entry in zip(notifications, entries, strict=True):
            mine = _rows(notification, entry.user, prefs.get(entry.user.pk), entry.message, now)
            rows += mine
            result.append(Sent(notification, mine))
        OutboxMessage.objects.bulk_create(rows, batch_size=1000)
    return result


def notify_many(
    users,
    *,
    kind: str,
    subject: str,
    body: str,
    url: str = "",
    category: str | None = None,
    bulk: BulkMessage | None = None,
    batch_size: int = 2000,
) -> dict[str, int]:
    """Tell many people the same thing: inbox rows and outbox rows written in bulk (a few
    statements per `batch_size` people, whatever their number). Returns the count per channel
    ("inbox", "email", "sms", "whatsapp")."""
    category = category or category_for(kind)
    counts = {"inbox": 0, Channel.EMAIL: 0, Channel.SMS: 0, Channel.WHATSAPP: 0}
    users = list(users)
    now = timezone.now()
    with transaction.atomic():
        for start in range(0, len(users), batch_size):
            batch = users[start : start + batch_size]
            prefs = {p.user_id: p for p in Preferences.objects.filter(user__in=batch)}
            notifications = Notification.objects.bulk_create(
                [
                    Notification(
                        recipient=user,
                        kind=kind[:60],
                        category=category,
                        subject=subject[:300],
                        body=body,
                        url=url[:500],
                        bulk=bulk,
                        created_at=now,
                    )
                    for user in batch
                ],
                batch_size=1000,
            )
            rows = []
            for notification, user in zip(notifications, batch, strict=True):
                rows += _rows(notification, user, prefs.get(user.pk), None, now)
            OutboxMessage.objects.bulk_create(rows, batch_size=1000)
            counts["inbox"] += len(notifications)
            for row in rows:
                counts[row.channel] += 1
    return counts


def preview(users, category: str = Category.NEWS) -> dict[str, int]:
    """How many people, and messages per channel, a message to `users` would make."""
    counts = {"inbox": 0, Channel.EMAIL: 0, Channel.SMS: 0, Channel.WHATSAPP: 0}
    users = list(users)
    prefs = {p.user_id: p for p in Preferences.objects.filter(user__in=users)}
    for user in users:
        counts["inbox"] += 1
        for channel in external_channels(user, prefs.get(user.pk), category):
            counts[channel] += 1
    return counts


class BulkAlreadySent(Exception):
    """This preview's message has been sent already (a double click, a resent form)."""

    def __init__(self, message: BulkMessage):
        super().__init__(message.pk)
        self.message = message


class BulkRateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


def send_bulk(
    sender,
    *,
    audience: str,
    audience_key: str,
    users,
    subject: str,
    body: str,
    url: str = "",
    token: str | None = None,
) -> BulkMessage:
    """HR's message to many people: recorded (who sent what to whom), then fanned out; at most
    BULK_RATE messages per sender, and once per `token` (the preview's: a second send of the
    same preview raises BulkAlreadySent). The outbox job starts once the rows are committed."""
    if token:
        earlier = BulkMessage.objects.filter(token=token).first()
        if earlier is not None:
            raise BulkAlreadySent(earlier)
    wait = hit(f"notifications:bulk:{sender.pk}", BULK_RATE)
    if wait is not None:
        raise BulkRateLimited(wait)
    users = list(users)
    with transaction.atomic():
        message = BulkMessage(
            token=token or None,
            sender=sender,
            audience=audience[:300],
            audience_key=audience_key[:120],
            subject=subject[:200],
            body=body,
            recipients=len(users),
        )
        try:
            with transaction.atomic():
                message.save(force_insert=True)
        except IntegrityError as exc:  # the same preview sent twice at the same moment
            raise BulkAlreadySent(BulkMessage.objects.get(token=token)) from exc
        counts = notify_many(
            users,
            kind="notifications.bulk",
            subject=subject,
            body=body,
            url=url,
            category=Category.NEWS,
            bulk=message,
        )
        message.per_channel = counts
        message.save(update_fields=["per_channel"])
        transaction.on_commit(outbox.kick)
    logger.info(
        "Bulk message %s by user %s to %s people (%s).", message.pk, sender.pk, len(users), counts
    )
    return message


# --- the inbox --------------------------------------------------------------------------------


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )


def mark_all_read(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- preferences and phone verification -----------------------------------------------------------


def preferences_for(user) -> Preferences:
    prefs, _created = Preferences.objects.get_or_create(user=user)
    return prefs


def preferences_save(user, *, channels_by_category: dict, quiet_start, quiet_end) -> Preferences:
    prefs = preferences_for(user)
    for category, chosen in channels_by_category.items():
        if any(c in PHONE_CHANNELS for c in chosen) and not prefs.phone_verified:
            raise ValidationError(_("Verify your phone number before choosing SMS or WhatsApp."))
        if category in ESSENTIAL and not chosen:
            raise ValidationError(_("Choose at least one channel for your applications' messages."))
    prefs.channels = {k: list(v) for k, v in channels_by_category.items()}
    prefs.quiet_start = quiet_start
    prefs.quiet_end = quiet_end
    prefs.save()
    return prefs


def _code_hash(user_id: int, phone: str, code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"{user_id}:{phone}:{code}".encode(), hashlib.sha256
    ).hexdigest()


def phone_code_send(user, *, phone, channel: str) -> outbox.DeliveryRun:
    """Send a six-digit code to `phone` by `channel` (SMS or WhatsApp), valid CODE_VALID; a
    new code at most every CODE_RESEND_AFTER. The number is used only once the code is back."""
    if channel not in PHONE_CHANNELS or not channels.available(channel):
        raise ValidationError(_("This channel is not available."))
    prefs = preferences_for(user)
    now = timezone.now()
    if prefs.code_sent_at and now - prefs.code_sent_at < CODE_RESEND_AFTER:
        seconds = int((prefs.code_sent_at + CODE_RESEND_AFTER - now).total_seconds()) + 1
        raise ValidationError(
            ngettext(
                "A code was just sent. You can ask for another in %(n)s second.",
                "A code was just sent. You can ask for another in %(n)s seconds.",
                seconds,
            )
            % {"n": seconds}
        )
    wait = hit(f"notifications:phone_code:{user.pk}", CODE_RATE) or hit(
        f"notifications:phone_code_to:{phone.as_e164}", CODE_RATE_PER_NUMBER
    )
    if wait is not None:
        minutes = max(1, (wait + 59) // 60)
        raise ValidationError(
            ngettext(
                "You have asked for the most codes allowed in an hour. Try again in %(n)s minute.",
                "You have asked for the most codes allowed in an hour. Try again in %(n)s minutes.",
                minutes,
            )
            % {"n": minutes}
        )
    code = f"{secrets.randbelow(10**6):06d}"
    e164 = phone.as_e164
    with translation.override(language_of(user)):
        text = _(
            "Rakumpit ASN Portal: your verification code is %(code)s. It is valid for 10 minutes."
        ) % {"code": code}
    with transaction.atomic():
        prefs.pending_phone = phone
        prefs.code_hash = _code_hash(user.pk, e164, code)
        prefs.code_sent_at = now
        prefs.code_attempts = 0
        prefs.save()
        rows = outbox.queue_rows(
            [
                outbox.message_row(
                    channel,
                    e164,
                    text,
                    kind="notifications.phone_code",
                    user_id=user.pk,
                    language=language_of(user),
                )
            ]
        )
    return outbox.send_queued(rows)


def phone_code_check(user, code: str) -> Preferences:
    """Accept the code sent to the pending number: the number becomes the verified one. The row
    is locked while the code is checked, so that guesses sent in parallel are each counted (at
    most CODE_MAX_WRONG of them for one code)."""
    with transaction.atomic():
        prefs = Preferences.objects.select_for_update().filter(user=user).first()
        if prefs is None or not (prefs.pending_phone and prefs.code_hash and prefs.code_sent_at):
            raise ValidationError(_("Ask for a code first."))
        if prefs.code_attempts >= CODE_MAX_WRONG:
            raise ValidationError(_("Too many wrong codes. Ask for a new code."))
        if timezone.now() - prefs.code_sent_at > CODE_VALID:
            raise ValidationError(_("This code has expired. Ask for a new code."))
        expected = _code_hash(user.pk, prefs.pending_phone.as_e164, (code or "").strip())
        right = hmac.compare_digest(expected, prefs.code_hash)
        if right:
            prefs.phone = prefs.pending_phone
            prefs.phone_verified_at = timezone.now()
            prefs.pending_phone = ""
            prefs.code_hash = ""
            prefs.code_attempts = 0
            prefs.save()
        else:
            prefs.code_attempts += 1
            prefs.save(update_fields=["code_attempts", "updated_at"])
    if not right:  # raised once the count is committed
        raise ValidationError(_("That code is not right. Check the message and try again."))
    return prefs


def phone_remove(user) -> Preferences:
    """Forget the phone number; SMS and WhatsApp are taken off every category, and e-mail takes
    their place where nothing else was left (the person wanted those messages outside the
    portal)."""
    prefs = preferences_for(user)
    prefs.phone = ""
    prefs.phone_verified_at = None
    prefs.pending_phone = ""
    prefs.code_hash = ""
    kept = {}
    for category, chosen in (prefs.channels or {}).items():
        kept[category] = [c for c in chosen if c not in PHONE_CHANNELS]
        if chosen and not kept[category]:
            kept[category] = [Channel.EMAIL]
    prefs.channels = kept
    prefs.save()
    return prefs


# --- essential messages that could not go by phone ------------------------------------------------


def fallback_to_email(row) -> bool:
    """An essential message (an application's status, result, appeal) whose SMS or WhatsApp
    failed for good goes by e-mail instead, unless another of its channels is still on its way
    or got through. Keyed like any other delivery: never twice. Returns whether it was queued."""
    if row.channel == Channel.EMAIL or not (row.key or "").startswith("n"):
        return False
    pk = row.key[1:].split(":", 1)[0]
    if not pk.isdigit():
        return False
    notification = Notification.objects.select_related("recipient").filter(pk=int(pk)).first()
    if notification is None or notification.category not in ESSENTIAL:
        return False
    user = notification.recipient
    if not user.email or not user.is_active:
        return False
    others = OutboxMessage.objects.filter(key__startswith=f"n{notification.pk}:").exclude(pk=row.pk)
    if others.exclude(state=OutboxMessage.State.DEAD).exists():
        return False
    body = notification.body
    if notification.url:
        body = f"{body}\n\n{absolute_url(notification.url)}"
    message = EmailMessage(notification.subject, body, to=[user.email])
    queued = outbox.queue_rows(
        [
            outbox.email_row(
                message,
                kind=notification.kind,
                user_id=user.pk,
                key=f"n{notification.pk}:{Channel.EMAIL}",
            )
        ]
    )
    if queued:
        logger.warning(
            "Notification %s: its %s failed for good; sent by e-mail instead.",
            notification.pk,
            row.channel,
        )
        transaction.on_commit(outbox.kick)
    return bool(queued)


def on_failed_for_good(sender, row, **kwargs) -> None:
    fallback_to_email(row)


# --- delivery receipts ----------------------------------------------------------------------------


def receipt_record(channel: str, provider_id: str, status: str, error: str = "") -> bool:
    """A gateway's delivery receipt: DELIVERED, or DEAD when it could not deliver. Returns
    False when no message of this channel has that id."""
    rows = OutboxMessage.objects.filter(channel=channel, provider_id=provider_id)
    # Only a message the gateway accepted (SENT) changes: a late or repeated receipt leaves a
    # message sent again meanwhile ("send again" clears the old id) or already settled alone.
    sent = rows.filter(state=OutboxMessage.State.SENT)
    if status == "delivered":
        updated = sent.update(state=OutboxMessage.State.DELIVERED, delivered_at=timezone.now())
        updated = updated or rows.exists()
    elif status == "failed":
        failed = list(sent)
        updated = sent.update(
            state=OutboxMessage.State.DEAD, last_error=f"Gateway receipt: {error}"[:2000]
        )
        for row in failed:
            fallback_to_email(row)
        updated = updated or rows.exists()
    else:
        updated = rows.exists()
    return bool(updated)
