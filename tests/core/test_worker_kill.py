"""The outbox's delivery guarantee, measured with the real thing: a Celery worker on Redis sends
queued e-mails while this test kills it with SIGKILL at random moments, WORKER_KILLS times (an
environment variable: 10 by default, what CI's 20 minutes allow; `WORKER_KILLS=20` for the
measurement in docs/operations/faults.md). Three in ten kill the whole worker, which is started
again; the others the pool child, whose parent starts a new one. Every message
must arrive (no miss), and each kill may cost at most one duplicate: the message in flight.

The "mail server" (tests/slow_mail.py) records each message before answering, then pauses, so
many kills land between "accepted" and "marked sent": the case that can send twice. The test
plays beat: it publishes the outbox job every half second, as the minute schedule would, with
OUTBOX_SENDING_STALE_SECONDS cut to 3 so a dead worker's message is recovered quickly."""

import os
import random
import time
import uuid
from collections import Counter

import pytest

from core.models import OutboxMessage
from tests.worker_helpers import Worker, beat, kill_while_sending

KILLS = int(os.environ.get("WORKER_KILLS", "10"))
WHOLE_WORKER_KILLS = max(1, KILLS * 3 // 10)  # the others kill the pool child
BATCH = 150
DEADLINE_SECONDS = 150

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _queue_messages(first: int, count: int) -> None:
    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            kind="test.kill",
            to=[f"person{n}@example.test"],
            subject=f"message {n}",
            body="Hello",
        )
        for n in range(first, first + count)
    )


def test_a_killed_worker_loses_nothing_and_sends_at_most_the_message_in_flight_twice(tmp_path):
    rng = random.Random(2026)
    queue = f"kill-test-{uuid.uuid4().hex[:8]}"
    mail_file = tmp_path / "mail.txt"
    mail_file.touch()
    worker = Worker(tmp_path, queue, SLOW_MAIL_FILE=str(mail_file), SLOW_MAIL_SECONDS="0.02")
    queued = 0
    kills = Counter()

    def sent_lines() -> int:
        return len(mail_file.read_text().splitlines())

    try:
        worker.start()
        while sum(kills.values()) < KILLS:
            pending = OutboxMessage.objects.exclude(state=OutboxMessage.State.SENT).count()
            if pending < BATCH // 2:
                _queue_messages(queued, BATCH)
                queued += BATCH
            beat(queue)
            # Kill only once the worker is really sending (its file grows), at a random moment.
            kill_while_sending(
                worker,
                rng,
                kills,
                total=KILLS,
                whole=WHOLE_WORKER_KILLS,
                progress=sent_lines,
                pause=0.6,
            )
        # Let it finish: keep playing beat until every message is sent (stale ones recovered).
        deadline = time.monotonic() + DEADLINE_SECONDS
        while OutboxMessage.objects.exclude(state=OutboxMessage.State.SENT).exists():
            assert time.monotonic() < deadline, list(
                OutboxMessage.objects.exclude(state="sent").values_list("subject", "state")[:20]
            )
            beat(queue)
            time.sleep(0.5)
    finally:
        worker.stop()

    received = Counter(mail_file.read_text().splitlines())
    expected = {f"message {n}" for n in range(queued)}
    missed = expected - set(received)
    duplicates = {subject: n for subject, n in received.items() if n > 1}
    total_kills = sum(kills.values())
    print(
        f"\n{queued} messages, {total_kills} kills ({kills['child']} pool child, "
        f"{kills['worker']} whole worker), {len(missed)} missed, "
        f"{sum(n - 1 for n in duplicates.values())} extra copies"
    )
    assert total_kills >= KILLS
    assert kills["worker"] == WHOLE_WORKER_KILLS
    assert set(received) == expected  # nothing lost, nothing invented
    assert not missed
    # At most the message in flight, per kill (one message can be in flight at two kills).
    extra_copies = sum(n - 1 for n in duplicates.values())
    assert extra_copies <= total_kills, duplicates
    assert not OutboxMessage.objects.exclude(state=OutboxMessage.State.SENT).exists()
