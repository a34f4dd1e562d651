import pytest

from core import health

pytestmark = pytest.mark.django_db


def test_it_answers_200_with_json_when_the_database_answers(client, settings):
    settings.REDIS_URL = ""
    settings.CELERY_BROKER_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok"},
        "outbox": {
            f"{channel}_{state}": 0
            for channel in ("email", "sms", "whatsapp")
            for state in ("pending", "sending", "dead")
        }
        | {"tasks_waiting": 0},
    }
    assert "no-cache" in response["Cache-Control"]


def test_it_answers_503_naming_the_database_when_it_fails(client, monkeypatch, settings):
    settings.REDIS_URL = ""
    settings.CELERY_BROKER_URL = ""

    def broken():
        raise ConnectionError("down")

    monkeypatch.setattr(health, "check_database", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["failed"] == ["database"]
    assert body["checks"]["database"] == "error: ConnectionError"


def test_it_checks_the_broker_when_one_is_configured(client, settings):
    settings.REDIS_URL = ""
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.HEALTHZ_TIMEOUT_SECONDS = 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["broker"]


def test_it_checks_the_cache_when_redis_is_configured(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    settings.CELERY_BROKER_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]


@pytest.mark.redis
def test_it_is_healthy_with_the_real_redis_and_broker(client, settings):
    import os

    settings.REDIS_URL = os.environ["REDIS_URL"]
    settings.CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or os.environ["REDIS_URL"]
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert set(response.json()["checks"]) == {"database", "cache", "broker"}


def test_it_refuses_post(client):
    assert client.post("/healthz").status_code == 405


def test_it_counts_what_waits_in_the_outbox(client):
    from core.models import OutboxMessage, QueuedTask

    OutboxMessage.objects.create(kind="test", to=["a@example.test"], subject="s", body="b")
    OutboxMessage.objects.create(
        kind="test", to=["b@example.test"], subject="s", body="b", state=OutboxMessage.State.DEAD
    )
    OutboxMessage.objects.create(kind="test", channel="whatsapp", to=["+6281234567890"], body="b")
    OutboxMessage.objects.create(
        kind="test", to=["c@example.test"], subject="s", body="b", state=OutboxMessage.State.SENT
    )
    QueuedTask.objects.create(task="core.tasks.prune_outbox")
    body = client.get("/healthz").json()
    assert body["outbox"] == {
        "email_pending": 1,
        "email_sending": 0,
        "email_dead": 1,
        "sms_pending": 0,
        "sms_sending": 0,
        "sms_dead": 0,
        "whatsapp_pending": 1,
        "whatsapp_sending": 0,
        "whatsapp_dead": 0,
        "tasks_waiting": 1,
    }
