"""The outbox (core/outbox.py): a claim committed before each send, one message at a time; a
refused send waits with a growing delay and ends as "failed for good"; what a dead worker left
in flight is sent again after the stale delay (and not before); keys queue a message once; sent
copies are pruned after OUTBOX_KEEP_SENT_DAYS; dispatched tasks survive a failing run."""

from datetime import timedelta
from smtplib import SMTPRecipientsRefused, SMTPServerDisconnected
from unittest import mock

import psycopg
import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends import locmem
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core import outbox
from core.models import OutboxMessage, QueuedTask
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

State = OutboxMessage.State


def _queue(n: int = 1, **kwargs) -> list[OutboxMessage]:
    return [
        outbox.queue_email(
            EmailMessage(f"subject {i}", "body", to=[f"p{i}@example.test"]), kind="test", **kwargs
        )
        for i in range(n)
    ]


def test_it_sends_one_at_a_time_and_marks_each_sent():
    rows = _queue(3)
    run = outbox.send_queued(rows)
    assert run.sent == 3
    assert [m.subject for m in mail.outbox] == ["subject 0", "subject 1", "subject 2"]
    assert set(OutboxMessage.objects.values_list("state", "attempts")) == {(State.SENT, 1)}
    assert outbox.deliver_pending().sent == 0  # nothing twice


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_claim_is_committed_before_the_mail_server_is_called():
    (row,) = _queue(1)
    seen = []
    db = connection.settings_dict

    def look(self, messages):
        # Another connection sees what a crash right now would leave behind.
        with psycopg.connect(
            host=db["HOST"] or "127.0.0.1",
            port=db["PORT"] or 5432,
            user=db["USER"],
            dbname=db["NAME"],
            password=db["PASSWORD"] or None,
        ) as other:
            seen.append(
                other.execute(
                    "SELECT state, claimed_at IS NOT NULL FROM core_outboxmessage WHERE id = %s",
                    [row.pk],
                ).fetchone()
            )
        return len(messages)

    with mock.patch.object(locmem.EmailBackend, "send_messages", look):
        outbox.send_queued([row])
    assert seen == [("sending", True)]
    row.refresh_from_db()
    assert row.state == State.SENT and row.sent_at is not None


def test_a_temporary_failure_waits_longer_each_time_then_fails_for_good(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    (row,) = _queue(1)
    waits = []
    with mock.patch.object(
        locmem.EmailBackend, "send_messages", side_effect=SMTPServerDisconnected("gone")
    ):
        for _ in range(3):
            before = timezone.now()
            OutboxMessage.objects.filter(pk=row.pk).update(available_at=before)
            outbox.deliver_pending()
            row.refresh_from_db()
            waits.append(round((row.available_at - before).total_seconds() / 60))
    # 1 minute, then 2; the third refusal is the last attempt: failed for good.
    assert waits[:2] == [1, 2]
    assert row.state == State.DEAD and row.attempts == 3
    assert "gone" in row.last_error
    assert mail.outbox == []


def test_a_refused_address_fails_for_good_at_once_and_the_next_one_goes():
    first, second = _queue(2)
    real = locmem.EmailBackend.send_messages

    def refuse_first(self, messages):
        if messages[0].to == first.to:
            raise SMTPRecipientsRefused({first.to[0]: (550, b"no such user")})
        return real(self, messages)

    with mock.patch.object(locmem.EmailBackend, "send_messages", refuse_first):
        run = outbox.deliver_pending()
    assert (run.sent, run.dead) == (1, 1)
    assert OutboxMessage.objects.get(pk=first.pk).state == State.DEAD
    assert [m.to for m in mail.outbox] == [second.to]


def test_a_message_left_in_flight_is_sent_again_only_after_the_stale_delay(settings):
    settings.OUTBOX_SENDING_STALE_SECONDS = 300
    old, recent = _queue(2)
    now = timezone.now()
    OutboxMessage.objects.filter(pk=old.pk).update(
        state=State.SENDING, claimed_at=now - timedelta(seconds=301)
    )
    OutboxMessage.objects.filter(pk=recent.pk).update(
        state=State.SENDING, claimed_at=now - timedelta(seconds=299)
    )
    run = outbox.deliver_pending()
    assert (run.recovered, run.sent) == (1, 1)
    assert [m.to for m in mail.outbox] == [old.to]
    assert OutboxMessage.objects.get(pk=recent.pk).state == State.SENDING  # maybe still sending


def test_a_key_queues_its_message_once():
    first = _queue(1, key="event:7")[0]
    again = _queue(1, key="event:7")[0]
    assert first is not None and again is None
    assert OutboxMessage.objects.filter(key="event:7").count() == 1


def test_sent_copies_are_pruned_after_the_keep_days(settings):
    settings.OUTBOX_KEEP_SENT_DAYS = 30
    old, young, waiting = _queue(3)
    now = timezone.now()
    OutboxMessage.objects.filter(pk=old.pk).update(
        state=State.SENT, sent_at=now - timedelta(days=30, minutes=1)
    )
    OutboxMessage.objects.filter(pk=young.pk).update(
        state=State.SENT, sent_at=now - timedelta(days=29, hours=23)
    )
    assert outbox.prune(now) == 1
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {young.pk, waiting.pk}


def test_a_dispatched_task_that_fails_stays_queued_and_the_caller_succeeds(
    django_capture_on_commit_callbacks, settings
):
    from core.tasks import prune_outbox

    with (
        mock.patch("core.outbox.prune", side_effect=RuntimeError("boom")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        outbox.dispatch(prune_outbox)
    (row,) = QueuedTask.objects.all()
    assert row.attempts == 1 and "boom" in row.last_error
    settings.OUTBOX_RELAY_AFTER_SECONDS = 0
    assert outbox.relay_tasks() == 1  # runs (eagerly here) and is deleted
    assert not QueuedTask.objects.exists()


def test_a_dispatched_task_runs_after_the_commit_and_leaves_nothing(
    django_capture_on_commit_callbacks,
):
    from core.tasks import prune_outbox

    with (
        mock.patch("core.outbox.prune", return_value=0) as prune,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        outbox.dispatch(prune_outbox)
        assert QueuedTask.objects.count() == 1 and not prune.called
    assert len(callbacks) == 1 and prune.called
    assert not QueuedTask.objects.exists()


def test_the_admin_lists_filters_searches_and_sends_a_failed_message_again(client_as):
    admin = UserFactory(is_staff=True, is_superuser=True)
    (row,) = _queue(1)
    OutboxMessage.objects.filter(pk=row.pk).update(state=State.DEAD, attempts=8)
    QueuedTask.objects.create(task="core.tasks.prune_outbox", last_error="OperationalError")
    client = client_as(admin)
    url = reverse("admin:core_outboxmessage_changelist")
    assert client.get(url, {"state__exact": "dead"}).status_code == 200
    assert "subject 0" in client.get(url, {"q": "p0@example.test"}).content.decode()
    assert client.get(reverse("admin:core_queuedtask_changelist")).status_code == 200
    response = client.post(url, {"action": "send_again", "_selected_action": [row.pk]}, follow=True)
    assert response.status_code == 200
    row.refresh_from_db()
    assert (row.state, row.attempts) == (State.SENT, 1)
    assert [m.to for m in mail.outbox] == [row.to]


def test_failed_copies_are_pruned_too_and_waiting_ones_kept(settings):
    settings.OUTBOX_KEEP_SENT_DAYS = 30
    dead_old, dead_young, waiting_old = _queue(3)
    now = timezone.now()
    OutboxMessage.objects.filter(pk=dead_old.pk).update(
        state=State.DEAD, created_at=now - timedelta(days=31)
    )
    OutboxMessage.objects.filter(pk=dead_young.pk).update(
        state=State.DEAD, created_at=now - timedelta(days=29)
    )
    OutboxMessage.objects.filter(pk=waiting_old.pk).update(created_at=now - timedelta(days=40))
    assert outbox.prune(now) == 1
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {
        dead_young.pk,
        waiting_old.pk,
    }


def test_an_account_emails_secret_body_is_blanked_once_sent():
    (secret,) = _queue(1, key=None)
    OutboxMessage.objects.filter(pk=secret.pk).update(kind="accounts.password_reset_key")
    secret.kind = "accounts.password_reset_key"
    (plain,) = _queue(1)
    outbox.send_queued([secret, plain])
    assert [m.body for m in mail.outbox] == ["body", "body"]  # sent whole
    assert OutboxMessage.objects.get(pk=secret.pk).body == ""
    assert OutboxMessage.objects.get(pk=plain.pk).body == "body"


def test_a_message_left_in_flight_on_its_last_attempt_fails_for_good(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    (row,) = _queue(1)
    OutboxMessage.objects.filter(pk=row.pk).update(
        state=State.SENDING, attempts=3, claimed_at=timezone.now() - timedelta(hours=1)
    )
    assert outbox.deliver_pending().sent == 0
    row.refresh_from_db()
    assert row.state == State.DEAD
    assert mail.outbox == []


def test_a_late_worker_does_not_overwrite_a_newer_claim():
    (row,) = _queue(1)
    assert outbox._claim(row)
    # The row was recovered and claimed again by another worker meanwhile.
    newer = timezone.now() + timedelta(seconds=1)
    OutboxMessage.objects.filter(pk=row.pk).update(claimed_at=newer)
    outbox._settle(row, state=State.SENT, sent_at=timezone.now())
    fresh = OutboxMessage.objects.get(pk=row.pk)
    assert (fresh.state, fresh.claimed_at) == (State.SENDING, newer)


def test_a_run_stops_claiming_at_its_time_budget():
    rows = _queue(3)
    run = outbox._deliver(rows, seconds=0)
    assert run.sent == 0
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {State.PENDING}
    assert outbox._deliver(rows, seconds=10).sent == 3
