"""The outbox: what the portal must do after a change (send a message, start a background task)
is written to PostgreSQL in the same transaction as the change, so neither a dead broker nor a
killed worker can lose it, and the delivery guarantee is stated once, here.

**Messages** (`queue_email`, `queue_rows`, `send_queued`, `deliver_pending`): e-mail, SMS and
WhatsApp, each row one message through one channel (core.channels: Django's e-mail backend, or
the backend configured for SMS/WhatsApp). A task that decides to tell someone writes its claim
row (StatusNotification, ReminderDelivery, ...) and the rendered messages (`OutboxMessage`,
through notifications.services.notify: one row per (notification, channel), keyed) in one
transaction and commits. Delivery then takes one message at a time:

1. mark one PENDING row SENDING with the time, in one conditional UPDATE committed on its own
   (two workers never take the same row: the second UPDATE finds it no longer PENDING);
2. hand it to its channel (`EMAIL_TIMEOUT`, or the gateway's timeout, bounding the call); a
   channel that fails stops only its own messages for this run;
3. mark it SENT (or, on a failure, PENDING again with a growing wait; after
   `OUTBOX_MAX_ATTEMPTS`, or at once on a permanent failure such as a refused address, DEAD:
   listed to administrators in Django admin, who can send it again).

A run sends through one mail connection and stops claiming after a time budget
(`OUTBOX_RUN_SECONDS` for the outbox job, `OUTBOX_SEND_SECONDS` right after a task queued its
messages) well below its task's time limit, so the limit never interrupts a send.

**Guarantee: no message is lost, and after a crash at most the one message in flight goes
twice.** A worker killed between steps 1 and 3 leaves its one row SENDING; the outbox job
(beat, every minute) puts rows SENDING for longer than `OUTBOX_SENDING_STALE_SECONDS` (5
minutes, more than `EMAIL_TIMEOUT`) back to PENDING and sends them, whether the server had
accepted that message or not. Every other message of the batch is either SENT (not sent again)
or PENDING (sent by the next run): nothing waits for the broker's visibility timeout.

**Tasks** (`dispatch`). `dispatch(task, *args)` writes a `QueuedTask` row in the current
transaction; after the commit it is published to the broker (a short connect timeout, and a
circuit breaker so a dead broker costs one refused connection, not one per request) and then
deleted. When the broker is unreachable the row stays and the request still succeeds; the
outbox job publishes rows older than `OUTBOX_RELAY_AFTER_SECONDS` once the broker is back. A
task can therefore run twice (published, then the row's deletion lost): every dispatched task is
idempotent through its claim rows.

Why not a library: the outbox libraries for Django (django-outbox-pattern, django-transactional-
outbox) target message brokers (STOMP, Kafka) or are unmaintained; django-celery-outbox-like
packages keep the task payload but not the one-at-a-time e-mail claim that the guarantee above
needs. The whole mechanism is two tables and the functions below.
"""

from __future__ import annotations

import logging
import smtplib
import time
from dataclasses import dataclass
from datetime import timedelta

import pybreaker
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django.utils import timezone
from kombu.exceptions import KombuError

from core import channels
from core.models import OutboxMessage, QueuedTask

logger = logging.getLogger(__name__)

State = OutboxMessage.State

# Kinds whose body is a secret (a confirmation link, a password-reset key): blanked once sent.
SECRET_KINDS = ("accounts.", "notifications.phone_code")
# The message itself is refused: trying again sends nothing.
PERMANENT_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPNotSupportedError, ValueError)


def _setting(name: str, default):
    return getattr(settings, name, default)


# --- e-mail ---------------------------------------------------------------------------------------


def _row(message: EmailMessage, *, kind: str, user=None, user_id=None, key=None) -> OutboxMessage:
    now = timezone.now()
    return OutboxMessage(
        created_at=now,
        available_at=now,
        key=key,
        kind=kind,
        user_id=user.pk if user is not None else user_id,
        to=list(message.to),
        from_email=message.from_email or "",
        subject=message.subject,
        body=message.body,
        content_subtype=message.content_subtype,
        alternatives=[[str(a[0]), a[1]] for a in getattr(message, "alternatives", [])],
        headers={str(k): str(v) for k, v in (message.extra_headers or {}).items()},
    )


def queue_emails(messages, *, kind: str) -> list[OutboxMessage]:
    """Write many messages at once: `messages` holds (EmailMessage, recipient user id) pairs.
    One INSERT (PostgreSQL returns the new ids)."""
    rows = [_row(message, kind=kind, user_id=user_id) for message, user_id in messages]
    return OutboxMessage.objects.bulk_create(rows, batch_size=1000)


def queue_email(message: EmailMessage, *, kind: str, user=None, key: str | None = None):
    """Write `message` to the outbox (in the caller's transaction). With `key`, a message already
    queued under that key is not queued again: returns None then, else the new row."""
    row = _row(message, kind=kind, user=user, key=key)
    if key is None:
        row.save(force_insert=True)
        return row
    # ON CONFLICT DO NOTHING: a second task queuing the same key waits on the unique index
    # until the first commits, then inserts nothing. No pk comes back: read the row back (the
    # queued time tells ours from an older one).
    OutboxMessage.objects.bulk_create([row], ignore_conflicts=True)
    return OutboxMessage.objects.filter(key=key, created_at=row.created_at).first()


def quiet_end(start, end, now=None):
    """When quiet hours from `start` to `end` (local times of TIME_ZONE, WIB; across midnight
    when start > end) end, if `now` falls inside them; None outside them or when start == end."""
    if start is None or end is None or start == end:
        return None
    # In WIB whatever time zone is active (a request's, a task's): quiet hours are WIB hours.
    local = timezone.localtime(now or timezone.now(), timezone.get_default_timezone())
    moment = local.time()
    inside = (start <= moment < end) if start < end else (moment >= start or moment < end)
    if not inside:
        return None
    until = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if until <= local:
        until += timedelta(days=1)
    return until


def message_row(
    channel: str,
    to: str,
    text: str,
    *,
    kind: str,
    user_id=None,
    key: str | None = None,
    quiet=None,
    language: str = "",
    now=None,
) -> OutboxMessage:
    """An unsaved SMS/WhatsApp row (short text to one number), for `queue_rows`. `quiet`: the
    person's quiet hours (start, end): the message is never sent inside them, neither now nor
    when it is tried again later."""
    now = now or timezone.now()
    start, end = quiet or (None, None)
    return OutboxMessage(
        channel=channel,
        created_at=now,
        available_at=quiet_end(start, end, now) or now,
        quiet_from=start,
        quiet_until=end,
        key=key,
        kind=kind,
        user_id=user_id,
        to=[to],
        subject="",
        body=text,
        headers={"Content-Language": language} if language else {},
    )


def email_row(message: EmailMessage, *, kind: str, user_id=None, key=None) -> OutboxMessage:
    """An unsaved e-mail row, for `queue_rows`."""
    return _row(message, kind=kind, user_id=user_id, key=key)


def queue_rows(rows: list[OutboxMessage]) -> list[OutboxMessage]:
    """Write prepared rows at once (one INSERT per thousand). Rows whose key is already queued
    are skipped (ON CONFLICT DO NOTHING); returns the rows written, read back by key when keyed."""
    keyed = [row for row in rows if row.key]
    plain = [row for row in rows if not row.key]
    written = OutboxMessage.objects.bulk_create(plain, batch_size=1000) if plain else []
    if keyed:
        OutboxMessage.objects.bulk_create(keyed, batch_size=1000, ignore_conflicts=True)
        mine = {row.key: row.created_at for row in keyed}
        written += [
            row
            for row in OutboxMessage.objects.filter(key__in=list(mine))
            if row.created_at == mine[row.key]
        ]
    return written


def _backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8... minutes, at most an hour."""
    return timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


@dataclass
class DeliveryRun:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    recovered: int = 0

    def as_dict(self) -> dict:
        return {
            "sent": self.sent,
            "retried": self.retried,
            "dead": self.dead,
            "recovered": self.recovered,
        }


def recover_stale(now=None) -> int:
    """Put back the rows a dead worker left SENDING (the message in flight when it died); a row
    that has had all its attempts is failed for good instead of being tried forever."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=_setting("OUTBOX_SENDING_STALE_SECONDS", 300))
    left = OutboxMessage.objects.filter(state=State.SENDING, claimed_at__lt=stale)
    exhausted = left.filter(attempts__gte=_setting("OUTBOX_MAX_ATTEMPTS", 8))
    given_up = list(exhausted)
    exhausted.filter(pk__in=[row.pk for row in given_up]).update(
        state=State.DEAD, last_error="Left in flight by a worker on its last attempt."
    )
    for row in given_up:
        _failed(row)
    recovered = left.update(state=State.PENDING, available_at=now)
    if recovered:
        logger.warning(
            "Outbox: %s message(s) left in flight by a dead worker will be sent.", recovered
        )
    return recovered


def _claim(row: OutboxMessage) -> bool:
    """Step 1: mark this row SENDING if it is still PENDING and due. One conditional UPDATE,
    committed on its own: a second worker's UPDATE of the same row waits for the first one's
    commit, then matches nothing (so two workers never send one message)."""
    now = timezone.now()
    later = quiet_end(row.quiet_from, row.quiet_until, now)
    if later is not None:
        # A retry, a recovered or a resent message falling in the person's quiet hours waits
        # for their end (the first try was already placed after them).
        OutboxMessage.objects.filter(pk=row.pk, state=State.PENDING).update(available_at=later)
        return False
    claimed = OutboxMessage.objects.filter(
        pk=row.pk, state=State.PENDING, available_at__lte=now
    ).update(state=State.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if claimed:
        row.attempts += 1
        row.claimed_at = now
    return bool(claimed)


def _settle(row: OutboxMessage, **changes) -> None:
    """Step 3, only if the row is still this claim's (a worker slower than the stale delay must
    not overwrite a newer claim's outcome)."""
    OutboxMessage.objects.filter(pk=row.pk, state=State.SENDING, claimed_at=row.claimed_at).update(
        **changes
    )


def _error(exc: BaseException) -> str:
    """The failure as stored in last_error: a gateway's garbage answer may hold NUL bytes, which
    PostgreSQL text refuses (the update would fail and leave the row "being sent")."""
    return f"{type(exc).__name__}: {exc}".replace("\x00", "\\x00")[:2000]


# Sent (with `row`) when a message has failed for good: the notifications app answers by
# sending an essential message another way (e-mail instead of a refused SMS).
failed_for_good = Signal()


def _failed(row: OutboxMessage) -> None:
    try:
        failed_for_good.send(sender=OutboxMessage, row=row)
    except Exception:  # a receiver's failure must not stop the delivery run
        logger.exception("Outbox: a receiver of failed_for_good failed for message %s.", row.pk)


def _send_one(row: OutboxMessage, backend, run: DeliveryRun) -> bool:
    """Steps 2 and 3. Returns False when the channel failed temporarily (stop this run)."""
    try:
        backend.throttle()
        provider_id = backend.send(row)
    except (*PERMANENT_ERRORS, channels.PermanentFailure) as exc:
        _settle(row, state=State.DEAD, last_error=_error(exc))
        run.dead += 1
        logger.error("Outbox: message %s refused for good (%s).", row.pk, type(exc).__name__)
        _failed(row)
        return True
    except Exception as exc:  # the channel is down, slow or answers garbage: try again later
        error = _error(exc)
        if row.attempts >= _setting("OUTBOX_MAX_ATTEMPTS", 8):
            _settle(row, state=State.DEAD, last_error=error)
            run.dead += 1
            logger.error("Outbox: message %s failed %s times, given up.", row.pk, row.attempts)
            _failed(row)
        else:
            _settle(
                row,
                state=State.PENDING,
                available_at=timezone.now() + _backoff(row.attempts),
                last_error=error,
            )
            run.retried += 1
            logger.warning(
                "Outbox: the %s channel failed (%s), message %s waits.", row.channel, error, row.pk
            )
        return False
    sent = {"state": State.SENT, "sent_at": timezone.now(), "provider_id": provider_id or ""}
    if row.kind.startswith(SECRET_KINDS):
        # A confirmation link, a reset key or a phone code must not outlive its use.
        sent.update(body="", alternatives=[])
    _settle(row, **sent)
    run.sent += 1
    return True


def _deliver(
    rows, limit: int | None = None, seconds: float | None = None, down: set | None = None
) -> DeliveryRun:
    """Send `rows` one at a time, through one connection per channel, for at most `seconds`: a
    run stops claiming well before its task's time limit, so the limit never interrupts a send
    (which would leave the message to be sent again). What is left waits for the next run; a
    channel that fails stops only its own messages (it is added to `down`, which `rows` may read
    to leave them out)."""
    run = DeliveryRun()
    budget = seconds if seconds is not None else _setting("OUTBOX_RUN_SECONDS", 120)
    deadline = time.monotonic() + budget
    backends: dict[str, object] = {}
    down = down if down is not None else set()
    try:
        for row in rows:
            if limit is not None and run.sent + run.dead >= limit:
                break
            if time.monotonic() >= deadline:
                break
            if row.channel in down:
                continue
            backend = backends.get(row.channel)
            if backend is None:
                try:
                    backend = channels.get_backend(row.channel)
                    backend.open()
                except Exception as exc:  # unreachable or not configured: its messages wait
                    logger.warning("Outbox: the %s channel cannot be used (%s).", row.channel, exc)
                    down.add(row.channel)
                    continue
                backends[row.channel] = backend
            if _claim(row) and not _send_one(row, backend, run):
                down.add(row.channel)  # failed: this channel's others wait for the next run
    finally:
        for backend in backends.values():
            try:
                backend.close()
            except Exception:  # closing a broken connection must not hide what happened
                logger.debug("Outbox: closing a channel failed.", exc_info=True)
    return run


def send_queued(rows) -> DeliveryRun:
    """Deliver these just-queued messages now (the transaction that queued them must have
    committed), one at a time, for at most OUTBOX_SEND_SECONDS (far below any task's time
    limit). What a temporary failure or the time budget leaves waits for the outbox job."""
    rows = [row for row in rows if row is not None]
    if not rows:
        return DeliveryRun()
    return _deliver(rows, seconds=_setting("OUTBOX_SEND_SECONDS", 30))


def _due(down: set, page: int):
    """The due rows, oldest first, a page at a time, without the channels this run found down:
    a failing channel's waiting messages (which it leaves due) must not fill every batch and
    hold the other channels' messages up for as long as it is down."""
    now = timezone.now()
    after = None
    while True:
        due = OutboxMessage.objects.filter(state=State.PENDING, available_at__lte=now)
        if down:
            due = due.exclude(channel__in=list(down))
        if after is not None:
            due = due.filter(
                Q(available_at__gt=after[0]) | Q(available_at=after[0], pk__gt=after[1])
            )
        rows = list(due.order_by("available_at", "pk")[:page])
        if not rows:
            return
        yield from rows
        after = (rows[-1].available_at, rows[-1].pk)


def deliver_pending(limit: int | None = None) -> DeliveryRun:
    """The outbox job's message part: recover what dead workers left, then send what is due
    (at most `limit` sent or failed for good, OUTBOX_BATCH by default)."""
    recovered = recover_stale()
    limit = limit or _setting("OUTBOX_BATCH", 500)
    down: set[str] = set()
    run = _deliver(_due(down, page=min(limit, 200)), limit=limit, down=down)
    run.recovered = recovered
    return run


# --- tasks ----------------------------------------------------------------------------------------


def _broker_breaker() -> pybreaker.CircuitBreaker:
    return pybreaker.CircuitBreaker(
        fail_max=1,
        reset_timeout=_setting("BROKER_RETRY_SECONDS", 5),
        name="celery-broker",
    )


BROKER = _broker_breaker()
_RECONNECT_ONCE = {"max_retries": 1, "interval_start": 0, "interval_step": 0, "interval_max": 0}
BROKER_ERRORS = (KombuError, OSError, ConnectionError, TimeoutError, pybreaker.CircuitBreakerError)


def _publish(task_name: str, args, kwargs) -> None:
    from celery import current_app

    task = current_app.tasks[task_name]
    if current_app.conf.task_always_eager:
        task.apply(args=args, kwargs=kwargs, throw=True)
        return
    # One reconnection, no wait: after an outage the pooled connection is a dead socket, and the
    # first publish must open a new one instead of failing (and opening the breaker again).
    BROKER.call(
        task.apply_async, args=args, kwargs=kwargs, retry=True, retry_policy=_RECONNECT_ONCE
    )


def dispatch(task, *args, **kwargs) -> None:
    """Start `task(*args, **kwargs)` once the current transaction commits, durably (see the
    module's docstring). Without a transaction, at once. Arguments must be JSON."""
    row = QueuedTask.objects.create(task=task.name, args=list(args), kwargs=kwargs)
    transaction.on_commit(lambda: _publish_row(row.pk, task.name, row.args, row.kwargs))


def _publish_row(pk: int, task_name: str, args, kwargs) -> None:
    try:
        _publish(task_name, args, kwargs)
    except BROKER_ERRORS as exc:
        QueuedTask.objects.filter(pk=pk).update(
            attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        logger.warning(
            "Broker unreachable (%s): task %s waits in the outbox (%s).",
            type(exc).__name__,
            task_name,
            pk,
        )
        return
    except Exception as exc:  # an eager task that failed: the row stays, the job retries it
        QueuedTask.objects.filter(pk=pk).update(
            attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        logger.exception("Task %s failed; it waits in the outbox (%s).", task_name, pk)
        return
    # One DELETE in autocommit: a QuerySet's delete() wraps even a single-row delete in a
    # transaction of its own (BEGIN, DELETE, COMMIT: three round trips on every dispatching
    # request). QueuedTask has no signals, cascades or audit to run.
    QueuedTask.objects.filter(pk=pk)._raw_delete(QueuedTask.objects.db)


def kick() -> None:
    """Ask a worker to run the outbox job now (best effort: the minute job runs it anyway)."""
    try:
        # By name: core.tasks imports this module.
        _publish("core.tasks.deliver_outbox", [], {})
    except Exception:  # a dead broker or a failing eager run: the minute job sends it
        logger.warning("Could not start the outbox job now; the scheduled run will.", exc_info=True)


def relay_tasks(limit: int = 500, ids=None) -> int:
    """The outbox job's task part: publish the tasks whose publication after their commit failed
    (or has not been confirmed for OUTBOX_RELAY_AFTER_SECONDS), or these `ids` at once. Stops at
    the first broker error. Returns how many were published."""
    rows = QueuedTask.objects.all()
    if ids is None:
        before = timezone.now() - timedelta(seconds=_setting("OUTBOX_RELAY_AFTER_SECONDS", 60))
        rows = rows.filter(created_at__lt=before)
    else:
        rows = rows.filter(pk__in=ids)
    published = 0
    pks = list(rows.order_by("created_at", "pk").values_list("pk", flat=True)[:limit])
    from celery import current_app

    if current_app.conf.task_always_eager:
        # No broker (make run): the task runs here, outside any transaction of ours, so its own
        # claims commit before its sends; _publish_row keeps the row when the task fails.
        for row in QueuedTask.objects.filter(pk__in=pks).order_by("created_at", "pk"):
            _publish_row(row.pk, row.task, row.args, row.kwargs)
            published += not QueuedTask.objects.filter(pk=row.pk).exists()
        return published
    for pk in pks:
        with transaction.atomic():
            row = QueuedTask.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if row is None:
                continue
            try:
                _publish(row.task, row.args, row.kwargs)
            except BROKER_ERRORS as exc:
                row.attempts += 1
                row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                row.save(update_fields=["attempts", "last_error"])
                logger.warning(
                    "Broker still unreachable (%s: %s): %s task(s) wait.",
                    type(exc).__name__,
                    exc,
                    len(pks) - published,
                )
                break
            except Exception as exc:
                row.attempts += 1
                row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                row.save(update_fields=["attempts", "last_error"])
                logger.exception("Task %s failed again; it stays in the outbox.", row.task)
                continue
            row.delete()
            published += 1
    return published


def depth() -> dict[str, int]:
    """Messages waiting, per channel and state, and tasks waiting: for /healthz, metrics and
    the admin (`email_pending`, `sms_dead`, ..., `tasks_waiting`)."""
    from django.db.models import Count

    counts = {
        (channel, state): n
        for channel, state, n in OutboxMessage.objects.filter(
            state__in=[State.PENDING, State.SENDING, State.DEAD]
        )
        .values_list("channel", "state")
        .annotate(n=Count("pk"))
        .values_list("channel", "state", "n")
    }
    result = {}
    for channel in OutboxMessage.Channel.values:
        for state in (State.PENDING, State.SENDING, State.DEAD):
            result[f"{channel}_{state}"] = counts.get((channel, state), 0)
    result["tasks_waiting"] = QueuedTask.objects.count()
    return result


def prune(now=None) -> int:
    """Delete sent e-mails, and those failed for good, older than OUTBOX_KEEP_SENT_DAYS (they
    hold addresses and bodies: personal data kept no longer than needed to answer 'did you send
    it?')."""
    now = now or timezone.now()
    keep = timedelta(days=_setting("OUTBOX_KEEP_SENT_DAYS", 30))
    old = now - keep
    deleted, _ = (
        OutboxMessage.objects.filter(state__in=[State.SENT, State.DELIVERED, State.DEAD])
        .filter(Q(sent_at__lt=old) | Q(sent_at__isnull=True, created_at__lt=old))
        .delete()
    )
    return deleted
