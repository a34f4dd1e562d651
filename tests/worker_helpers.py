"""A real Celery worker for the worker-kill tests (tests/core/test_worker_kill.py,
tests/notifications/test_worker_kill_sms.py): started on its own queue against the test
database, killed with SIGKILL (its pool child, or the whole worker), started again; and `beat`,
which publishes the outbox job to it as the minute schedule would."""

import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import psutil
import pytest
from celery.exceptions import AlwaysEagerIgnored
from django.conf import settings
from django.db import connection

from rakumpit_asn.celery import app

ROOT = Path(settings.BASE_DIR)


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def broker_url() -> str:
    if os.environ.get("CELERY_BROKER_URL"):
        return os.environ["CELERY_BROKER_URL"]
    return os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/14"


def beat(queue: str) -> None:
    """Publish the outbox job to the worker's queue (the tests run Celery eagerly otherwise)."""
    with warnings.catch_warnings(), app.connection_for_write(broker_url()) as broker:
        warnings.simplefilter("ignore", AlwaysEagerIgnored)
        app.send_task("core.tasks.deliver_outbox", queue=queue, connection=broker)


class Worker:
    """`Worker(tmp_path, queue, NAME=value, ...)`: the extra keywords are its environment, over
    the test's own (database, broker, settings module tests.kill_worker_settings, a message in
    flight recovered after 3 seconds)."""

    def __init__(self, tmp_path: Path, queue: str, **env: str):
        self.log = tmp_path / "worker.log"
        self.queue = queue
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": broker_url(),
            "DJANGO_SETTINGS_MODULE": "tests.kill_worker_settings",
            "OUTBOX_SENDING_STALE_SECONDS": "3",
            "EMAIL_TIMEOUT": "1",
            "LOG_FORMAT": "plain",
            **env,
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


def kill_while_sending(worker, rng, kills, *, total: int, whole: int, progress, pause: float):
    """One kill, once the worker is really sending (`progress()` moves) and at a random moment
    up to `pause` seconds later: the whole worker (then started again) for `whole` of the
    `total` kills, spread at random, else its pool child. Counts it in `kills`."""
    before = progress()
    deadline = time.monotonic() + 20
    while progress() == before and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(rng.uniform(0.05, pause))
    whole_left = whole - kills["worker"]
    if whole_left and rng.random() < whole_left / (total - sum(kills.values())):
        worker.kill_all()
        kills["worker"] += 1
        worker.start()
    elif worker.kill_child():
        kills["child"] += 1
