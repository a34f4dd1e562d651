"""The broker may die too (core/outbox.py): a private Redis is the Celery broker and is stopped
while an applicant finalises. The finalisation succeeds at once, its status e-mail task waits in
PostgreSQL (QueuedTask), the circuit breaker keeps later requests from trying the dead broker,
and once the broker is back the outbox job publishes the task, exactly once."""

import json
import time

import pybreaker
import pytest
import redis
from django.urls import reverse

from core import outbox
from core.models import QueuedTask
from rakumpit_asn.celery import app
from recruitment.models import Application
from tests.core.test_redis_outage import PrivateRedis
from tests.recruitment.test_applications import ready_application

pytestmark = [pytest.mark.redis, pytest.mark.django_db]


def _use_broker(urls: tuple, eager: bool) -> None:
    # New pools for the new URL (kombu keeps its pools per connection in a global registry).
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.broker_url, app.conf.broker_write_url = urls
    app.conf.task_always_eager = eager


@pytest.fixture
def private_broker(settings):
    server = PrivateRedis()
    server.start()
    saved = (app.conf.broker_url, app.conf.broker_write_url)
    _use_broker((server.url, server.url), eager=False)
    outbox.BROKER.reset_timeout = 1
    outbox.BROKER.close()
    yield server
    if server.process.poll() is None:
        server.stop()
    _use_broker(saved, eager=True)
    outbox.BROKER.close()
    outbox.BROKER.reset_timeout = settings.BROKER_RETRY_SECONDS


def _queued(server) -> list[str]:
    client = redis.Redis(port=server.port)
    return [json.loads(raw)["headers"]["task"] for raw in client.lrange("celery", 0, -1)]


def test_a_finalisation_succeeds_with_the_broker_down_and_its_email_task_waits(
    private_broker, client_as, django_capture_on_commit_callbacks, settings
):
    application = ready_application()
    client = client_as(application.applicant)
    private_broker.stop()

    started = time.perf_counter()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("recruitment:application_finalise", args=[application.pk]),
            {"confirm": "on"},
        )
    first = time.perf_counter() - started
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    (waiting,) = QueuedTask.objects.all()
    assert waiting.task == "recruitment.tasks.send_status_email"
    assert waiting.args == [application.pk]
    assert waiting.attempts == 1 and waiting.last_error
    assert outbox.BROKER.current_state == pybreaker.STATE_OPEN
    assert first < 2.0  # a refused connection, not a hang

    # While the breaker is open, another dispatch does not touch the network at all.
    started = time.perf_counter()
    with django_capture_on_commit_callbacks(execute=True):
        outbox.dispatch(app.tasks["core.tasks.prune_outbox"])
    assert time.perf_counter() - started < 0.2
    assert QueuedTask.objects.count() == 2
    # Nothing was published: the outbox job cannot publish either and keeps both.
    settings.OUTBOX_RELAY_AFTER_SECONDS = 0
    assert outbox.relay_tasks() == 0
    assert QueuedTask.objects.count() == 2

    # The broker comes back: after the breaker's wait, the job publishes each task once.
    private_broker.start()
    time.sleep(outbox.BROKER.reset_timeout + 0.1)
    assert outbox.relay_tasks() == 2
    assert not QueuedTask.objects.exists()
    assert sorted(_queued(private_broker)) == [
        "core.tasks.prune_outbox",
        "recruitment.tasks.send_status_email",
    ]
    assert outbox.relay_tasks() == 0
    assert len(_queued(private_broker)) == 2
