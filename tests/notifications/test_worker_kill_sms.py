"""The outbox's guarantee for SMS, measured with the real thing (the sibling of
tests/core/test_worker_kill.py): notifications written with `notify` for people who chose SMS,
a Celery worker on Redis sending them through the signed HTTP gateway contract to a slow local
gateway (tests/fake_gateway.py), and this test killing the worker with SIGKILL mid-batch (the
pool child, and the whole worker), then starting it again.

The gateway counts what it receives per Idempotency-Key (the outbox id) before it answers, then
pauses, so a kill can land between "the gateway has it" and "marked sent": the case that sends
twice. Every message must reach the gateway at least once, each kill may cost at most one extra
copy (the message in flight), and every notification stays in its person's inbox."""

import random
import time
import uuid
from collections import Counter
from datetime import time as clock

import pytest
from django.utils import timezone

from core import channels
from core.models import OutboxMessage
from notifications import selectors, services
from notifications.models import Notification, Preferences
from tests.factories import UserFactory
from tests.fake_gateway import FakeGateway, Reply
from tests.worker_helpers import Worker, beat, kill_while_sending

KILLS = 4
WHOLE_WORKER_KILLS = 1  # of the 4; the others kill the pool child
PEOPLE = 8
BATCH = 40
DEADLINE_SECONDS = 40
SECRET = "s3cret"
PHONE = "+6281234567890"

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _people() -> list:
    people = UserFactory.create_batch(PEOPLE)
    for person in people:
        Preferences.objects.create(
            user=person,
            phone=PHONE,
            phone_verified_at=timezone.now(),
            channels={"forums": ["sms"]},
            quiet_start=clock(0, 0),  # no quiet hours: the messages are due at once
            quiet_end=clock(0, 0),
        )
    return people


def test_a_killed_worker_loses_no_sms_and_sends_at_most_the_one_in_flight_twice(tmp_path, settings):
    rng = random.Random(2121)
    queue = f"kill-sms-{uuid.uuid4().hex[:8]}"
    mail_file = tmp_path / "mail.txt"
    mail_file.touch()
    gateway = FakeGateway(default=Reply(200, delay=0.03)).start()
    # This process writes the SMS rows (the channel must be configured to be chosen); the worker
    # sends them through the same gateway, configured by its environment.
    settings.NOTIFICATION_CHANNELS = {
        "sms": {
            "BACKEND": "core.channels.HttpGatewayBackend",
            "OPTIONS": {"url": gateway.url, "secret": SECRET, "timeout": 1},
        }
    }
    worker = Worker(
        tmp_path,
        queue,
        SLOW_MAIL_FILE=str(mail_file),
        SMS_BACKEND="http",
        SMS_GATEWAY_URL=gateway.url,
        SMS_GATEWAY_SECRET=SECRET,
        SMS_GATEWAY_TIMEOUT="1",
        SMS_PER_SECOND="1000",
    )
    people = _people()
    written = Counter()  # notifications per person
    kills = Counter()

    def notify_batch():
        for _ in range(BATCH):
            person = people[sum(written.values()) % PEOPLE]
            n = sum(written.values())
            sent = services.notify(
                person, kind="forums.reply", subject=f"Balasan {n} di forum", body=f"Isi {n}"
            )
            assert [row.channel for row in sent.rows] == ["sms"]
            written[person.pk] += 1

    try:
        worker.start()
        while sum(kills.values()) < KILLS:
            waiting = OutboxMessage.objects.exclude(state=OutboxMessage.State.SENT).count()
            if waiting < BATCH // 2:
                notify_batch()
            beat(queue)
            # Kill only once the worker is really sending (the gateway hears from it).
            kill_while_sending(
                worker,
                rng,
                kills,
                total=KILLS,
                whole=WHOLE_WORKER_KILLS,
                progress=lambda: len(gateway.requests),
                pause=0.4,
            )
        # Let it finish: keep playing beat until every message is sent (stale ones recovered).
        deadline = time.monotonic() + DEADLINE_SECONDS
        while OutboxMessage.objects.exclude(state=OutboxMessage.State.SENT).exists():
            assert time.monotonic() < deadline, list(
                OutboxMessage.objects.exclude(state="sent").values_list("pk", "state")[:20]
            )
            beat(queue)
            time.sleep(0.5)
    finally:
        worker.stop()
        gateway.stop()

    rows = list(OutboxMessage.objects.all())
    queued = sum(written.values())
    received = gateway.per_key()
    expected = {str(row.pk) for row in rows}
    duplicates = {key: n for key, n in received.items() if n > 1}
    extra_copies = sum(n - 1 for n in duplicates.values())
    total_kills = sum(kills.values())
    print(
        f"\n{queued} SMS, {total_kills} kills ({kills['child']} pool child, "
        f"{kills['worker']} whole worker), {len(expected - set(received))} missed, "
        f"{extra_copies} extra copies"
    )
    assert total_kills >= KILLS
    assert kills["worker"] == WHOLE_WORKER_KILLS
    # One SMS per notification, every one of them at the gateway, nothing invented.
    assert len(rows) == queued
    assert {row.channel for row in rows} == {"sms"}
    assert set(received) == expected
    # At most the message in flight, per kill (one message can be in flight at two kills).
    assert extra_copies <= total_kills, duplicates
    # Every copy was the documented, signed request for its own message.
    for request in gateway.requests:
        assert channels.verify(SECRET, request.body, request.headers["x-rakumpit-signature"])
        assert request.json["reference"] == request.key
        assert request.json["to"] == PHONE
    assert all(row.state == OutboxMessage.State.SENT for row in rows)
    assert all(row.provider_id == f"gw-{row.pk}" for row in rows)
    assert mail_file.read_text() == ""  # the people chose SMS only
    # The inbox shows every notification, whatever happened to the worker.
    assert Notification.objects.count() == queued
    notifications = {n.pk: n for n in Notification.objects.all()}
    assert {row.key for row in rows} == {f"n{pk}:sms" for pk in notifications}
    for person in people:
        assert selectors.inbox(person).count() == written[person.pk]
