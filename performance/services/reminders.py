"""The daily reminder job: e-mail each person once per (reminder kind, object, due date, days
before), however often the job runs.

How a delivery happens exactly once. The reminders are split into batches; for each batch, in
one transaction:

1. INSERT the ReminderDelivery rows with ON CONFLICT DO NOTHING (`bulk_create(...,
   ignore_conflicts=True)`), tagged with this batch's fresh claim id;
2. read back the rows carrying that claim id: exactly the ones this batch inserted;
3. notify each recipient once (notifications.notify: the inbox notification listing their
   items, and one outbox row per channel they chose, core.outbox);
4. commit.

Then the outbox sends the batch's messages one at a time, each marked as being sent (committed)
before the mail server is called and as sent after. A second run at the same moment (beat firing
twice, two workers, a retry) inserting the same keys waits on PostgreSQL's unique index until the
first commits, then inserts nothing and queues nothing. Both runs insert in the same sorted
order, so they cannot deadlock. A worker killed before the commit leaves no claim (the next run
claims again); killed after it, the messages are in the outbox and the outbox job sends them:
none is lost, and at most the one message in flight when the worker died can reach its person
twice (core.outbox). A refused mail server leaves the messages queued with a growing wait.
"""

import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from notifications import services as notifications
from performance.models import ReminderDelivery
from performance.selectors.reminders import Reminder, reminders_due

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000


@dataclass
class ReminderRun:
    found: int = 0
    claimed: int = 0
    emails: int = 0


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _message(recipient: list[Reminder]) -> EmailMessage:
    first = recipient[0]
    with translation.override(first.language or settings.LANGUAGE_CODE):
        context = {
            "name": first.name or first.email,
            "items": [
                {
                    "kind": r.get_kind_display(),
                    "about": r.about,
                    "due_date": r.due_date,
                    "days_left": r.offset_days,
                    "url": _absolute(r.path),
                }
                for r in recipient
            ],
            "portal_url": _absolute("/performance/"),
        }
        subject = render_to_string("performance/email/reminder_subject.txt", context)
        body = render_to_string("performance/email/reminder_body.txt", context)
    return EmailMessage(" ".join(subject.split()), body, to=[first.email])


def _claim_and_queue(batch: list[Reminder]) -> tuple[int, list]:
    claim = str(uuid.uuid4())
    with transaction.atomic():
        ReminderDelivery.objects.bulk_create(
            [
                ReminderDelivery(
                    recipient_id=r.recipient_id,
                    kind=r.kind,
                    object_key=r.object_key,
                    due_date=r.due_date,
                    offset_days=r.offset_days,
                    run_id=claim,
                )
                for r in batch
            ],
            ignore_conflicts=True,
        )
        mine = set(
            ReminderDelivery.objects.filter(run_id=claim).values_list(
                "recipient_id", "kind", "object_key", "due_date", "offset_days"
            )
        )
        by_recipient = defaultdict(list)
        for reminder in batch:
            if reminder.key in mine:
                by_recipient[reminder.recipient_id].append(reminder)
        users = get_user_model().objects.in_bulk(list(by_recipient))
        sent = notifications.notify_batch(
            [
                notifications.Entry(
                    users[user_id],
                    kind="performance.reminder",
                    message=_message(items),
                    url=_link(items),
                )
                for user_id, items in by_recipient.items()
                if user_id in users
            ]
        )
    return len(mine), sent


def _link(items: list[Reminder]) -> str:
    """The page of the one thing reminded, or the person's performance page listing them all."""
    paths = {r.path for r in items}
    return paths.pop() if len(paths) == 1 and items[0].path else reverse("performance:mine")


def reminders_send(*, today: date | None = None, batch_size: int = BATCH_SIZE) -> ReminderRun:
    """Find today's reminders (WIB) and send the ones nobody has sent yet."""
    today = today or timezone.localdate()
    reminders = [r for r in reminders_due(today) if r.email]
    run = ReminderRun(found=len(reminders))
    for batch in _chunks(reminders, batch_size):
        claimed, sent = _claim_and_queue(batch)
        notifications.deliver_now(sent)
        run.claimed += claimed
        run.emails += sum(row.channel == "email" for item in sent for row in item.rows)
    logger.info(
        "Performance reminders for %s: %s due, %s newly claimed, %s e-mails.",
        today,
        run.found,
        run.claimed,
        run.emails,
    )
    return run
