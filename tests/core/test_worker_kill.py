"""The outbox's delivery guarantee, measured with the real thing: a Celery worker on Redis sends
queued e-mails while this test kills it with SIGKILL at random moments, 20 times at least: the
pool child (the parent starts a new one) and the whole worker (started again). Every message
must arrive (no miss), and each kill may cost at most one duplicate: the message in flight.

The "mail server" (tests/slow_mail.py) records each message before answering, then pauses, so
many kills land between "accepted" and "marked sent": the case that can send twice. The test
plays beat: it publishes the outbox job every half second, as the minute schedule would, with
OUTBOX_SENDING_STALE_SECONDS cut to 3 so a dead worker's message is recovered quickly."""

import os
import random
import signal
import subprocess
import sys
import time
import uuid
import warnings
from collections import Counter
from pathlib import Path

import psutil
import pytest
from celery.exceptions import AlwaysEagerIgnored
from django.conf import settings
from django.db import connection

from core.models import OutboxMessage
from rakumpit_asn.celery import app

ROOT = Path(settings.BASE_DIR)
KILLS = 20
WHOLE_WORKER_KILLS = 6  # of the 20; the others kill the pool child
BATCH = 150
DEADLINE_SECONDS = 150

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _broker_url() -> str:
    if os.environ.get("CELERY_BROKER_URL"):
        return os.environ["CELERY_BROKER_URL"]
    return os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/14"


class Worker:
    def __init__(self, tmp_path: Path, queue: str, mail_file: Path):
        self.log = tmp_path / "worker.log"
        self.queue = queue
        self.env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": _broker_url(),
            "DJANGO_SETTINGS_MODULE": "tests.kill_worker_settings",
            "SLOW_MAIL_FILE": str(mail_file),
            "SLOW_MAIL_SECONDS": "0.02",
            "OUTBOX_SENDING_STALE_SECONDS": "3",
            "EMAIL_TIMEOUT": "1",
            "LOG_FORMAT": "plain",
        }
        self.process = None
        self.starts = 0

    def start(self):
        ready_before = self._ready_count()
        self.out = self.log.open("a")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "rakumpit_asn",
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "-Q",
                self.queue,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
                f"--hostname=kill-test-{self.queue}-{self.starts}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: SIGKILL takes parent and child
        )
        self.starts += 1
        self._wait(lambda: self._ready_count() > ready_before, "the worker to start")

    def _ready_count(self) -> int:
        return self.log.read_text().count(" ready.") if self.log.exists() else 0

    def _wait(self, predicate, what):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if predicate():
                return
            if self.process.poll() is not None:
                pytest.fail(f"the worker stopped:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.1)
        pytest.fail(f"timed out waiting for {what}:\n{self.log.read_text()[-3000:]}")

    def child(self):
        children = psutil.Process(self.process.pid).children()
        return children[0] if children else None

    def kill_child(self) -> bool:
        child = self.child()
        if child is None:
            return False
        child.send_signal(signal.SIGKILL)
        # The parent notices and forks a new child.
        self._wait(lambda: (c := self.child()) is not None and c.pid != child.pid, "a new child")
        return True

    def kill_all(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.out.close()

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.out.close()


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
    worker = Worker(tmp_path, queue, mail_file)
    queued = 0
    kills = Counter()

    def beat():
        with warnings.catch_warnings(), app.connection_for_write(_broker_url()) as broker:
            warnings.simplefilter("ignore", AlwaysEagerIgnored)
            app.send_task("core.tasks.deliver_outbox", queue=queue, connection=broker)

    def sent_lines() -> int:
        return len(mail_file.read_text().splitlines())

    try:
        worker.start()
        while sum(kills.values()) < KILLS:
            pending = OutboxMessage.objects.exclude(state=OutboxMessage.State.SENT).count()
            if pending < BATCH // 2:
                _queue_messages(queued, BATCH)
                queued += BATCH
            beat()
            # Kill only once the worker is really sending (its file grows), at a random moment.
            before = sent_lines()
            deadline = time.monotonic() + 20
            while sent_lines() == before and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(rng.uniform(0.05, 0.6))
            whole_left = WHOLE_WORKER_KILLS - kills["worker"]
            if whole_left and rng.random() < whole_left / (KILLS - sum(kills.values())):
                worker.kill_all()
                kills["worker"] += 1
                worker.start()
            elif worker.kill_child():
                kills["child"] += 1
        # Let it finish: keep playing beat until every message is sent (stale ones recovered).
        deadline = time.monotonic() + DEADLINE_SECONDS
        while OutboxMessage.objects.exclude(state=OutboxMessage.State.SENT).exists():
            assert time.monotonic() < deadline, list(
                OutboxMessage.objects.exclude(state="sent").values_list("subject", "state")[:20]
            )
            beat()
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
