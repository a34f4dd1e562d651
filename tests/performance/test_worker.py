"""A real Celery worker on Redis runs the reminder job, sent through the broker twice at once;
every reminder is delivered exactly once. Runs in CI (REDIS_URL, CELERY_BROKER_URL and
REQUIRE_SERVICES=1); skipped elsewhere without Redis and PostgreSQL.

The worker is a separate process on the pytest test database (so rows are committed:
`transaction=True`), listens on a queue of its own (so no other worker takes the job), writes
e-mail to files in a temporary folder and is always stopped at the end."""

import datetime as dt
import os
import subprocess
import sys
import time
import uuid
import warnings
from pathlib import Path

import pytest
from celery.exceptions import AlwaysEagerIgnored
from django.conf import settings

from accounts.roles import Role
from performance.models import ReminderDelivery
from performance.selectors.reminders import reminders_due
from rakumpit_asn.celery import app
from tests.factories import UserFactory
from tests.performance.factories import agreed_skp, cycle, employee_for, team
from tests.worker_helpers import broker_url, database_url

ROOT = Path(settings.BASE_DIR)
TASK = "performance.tasks.send_due_reminders"
TEAM_SIZE = 25
DEADLINE_SECONDS = 90


def _wait_for(predicate, what, worker, log):
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if predicate():
            return
        if worker.poll() is not None:
            pytest.fail(f"the worker stopped ({worker.returncode}):\n{log.read_text()[-3000:]}")
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}:\n{log.read_text()[-3000:]}")


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_delivers_each_reminder_once_through_a_real_worker(supervisor, tmp_path):
    the_cycle = cycle(2026)
    boss, members = team(supervisor, TEAM_SIZE)
    boss.supervisor = employee_for(UserFactory(roles=[Role.SUPERVISOR]))
    boss.save(update_fields=["supervisor"])
    for member in members[: TEAM_SIZE // 2]:  # the others have an SKP still to agree
        agreed_skp(member, the_cycle, by=supervisor)
    # 20 Jan: the SKP deadline (31 Jan) is 11 days off; 24 Jan is 7 days before it.
    today = (the_cycle.skp_due_date - dt.timedelta(days=7)).isoformat()

    queue = f"perf-test-{uuid.uuid4().hex[:8]}"
    mail_dir, log = tmp_path / "mail", tmp_path / "worker.log"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker_url(),
        "EMAIL_URL": f"filemail:///{mail_dir}",
        "DJANGO_SETTINGS_MODULE": "rakumpit_asn.settings",
    }
    # The worker logs through Django's LOGGING (django-guid's Celery integration) to its output.
    log_file = log.open("w")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "rakumpit_asn",
            "worker",
            "--pool=prefork",
            "--concurrency=2",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
            f"--hostname=perf-test-{queue}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for(lambda: "ready." in log.read_text(), "the worker to start", worker, log)
        # Tests run tasks eagerly; send_task always goes through the broker (and says so).
        with warnings.catch_warnings(), app.connection_for_write(broker_url()) as broker:
            warnings.simplefilter("ignore", AlwaysEagerIgnored)
            for _ in range(2):  # beat firing twice, at once
                app.send_task(TASK, args=[today], queue=queue, connection=broker)
        _wait_for(lambda: log.read_text().count("succeeded in") >= 2, "both runs", worker, log)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)
        log_file.close()

    deliveries = ReminderDelivery.objects.all()
    # Everyone without an agreed SKP (13 members, the supervisor, the head) and, for each, their
    # own supervisor: what the finder says is due, each exactly once.
    expected = len(reminders_due(dt.date.fromisoformat(today)))
    assert expected == 2 * (TEAM_SIZE - TEAM_SIZE // 2) + 3
    assert deliveries.count() == expected
    assert len(set(deliveries.values_list("run_id", flat=True))) == 1  # one run claimed them all
    messages = [
        part
        for file in mail_dir.iterdir()
        for part in file.read_text().split("-" * 79)
        if "Subject:" in part
    ]
    items = [line for m in messages for line in m.splitlines() if line.startswith("- ")]
    assert len(items) == expected, items
    recipients = [line for m in messages for line in m.splitlines() if line.startswith("To: ")]
    assert len(recipients) == len(set(recipients))
    assert len(recipients) == len(set(deliveries.values_list("recipient", flat=True)))
