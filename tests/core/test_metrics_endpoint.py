"""/metrics (issue 22, core/metrics.py): staff or a local scraper only, anyone else 404; the
request, queue and outbox metrics by name; and error reporting stays off unless configured."""

import pytest
import sentry_sdk
from django.urls import reverse

from core import metrics
from core.sentry import init_sentry, strip_personal_data

pytestmark = pytest.mark.django_db

ELSEWHERE = {"REMOTE_ADDR": "203.0.113.9"}


def test_it_hides_the_metrics_from_anonymous_visitors(client):
    assert client.get(reverse("metrics"), **ELSEWHERE).status_code == 404


def test_it_hides_the_metrics_from_people_who_are_not_staff(client, resident):
    client.force_login(resident)
    assert client.get(reverse("metrics"), **ELSEWHERE).status_code == 404


def test_it_does_not_take_a_proxied_request_for_a_local_one(client):
    # A reverse proxy on this host connects from 127.0.0.1 for everybody.
    response = client.get(reverse("metrics"), HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 404


def test_it_shows_the_metrics_to_a_local_scraper(client):
    response = client.get(reverse("metrics"))  # the test client's REMOTE_ADDR is 127.0.0.1
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")


def test_it_shows_staff_the_request_queue_and_outbox_metrics(client_as, hr, settings):
    client = client_as(hr)
    client.get(reverse("home"), **ELSEWHERE)  # at least one request counted
    response = client.get(reverse("metrics"), **ELSEWHERE)
    assert response.status_code == 200
    body = response.content.decode()
    for name in (
        "django_http_requests_total_by_method_total",
        "django_http_responses_total_by_status_total",
        "django_http_requests_latency_seconds_by_view_method",
    ):
        assert f"\n{name}" in body, name
    if settings.CELERY_BROKER_URL.startswith("redis://"):
        assert "\nrakumpit_celery_broker_up 1.0" in body
        assert 'rakumpit_celery_queue_length{queue="celery"}' in body
        assert "\nrakumpit_celery_unacked_tasks " in body
    try:
        from core.models import OutboxMessage  # noqa: F401 - the lead's outbox
    except ImportError:
        assert "rakumpit_outbox_emails" not in body
    else:
        for state in ("pending", "sending", "dead"):
            assert f'rakumpit_outbox_emails{{state="{state}"}}' in body, state
        assert "\nrakumpit_outbox_oldest_pending_seconds " in body


@pytest.mark.redis
def test_it_reads_the_queue_length_from_the_broker(settings):
    import redis

    settings.CELERY_BROKER_URL = settings.CELERY_BROKER_URL or "redis://127.0.0.1:6379/13"
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.delete("celery", "celery\x06\x163")
    client.rpush("celery", "a", "b")
    client.rpush("celery\x06\x163", "c")
    try:
        families = {family.name: family for family in metrics.queue_metrics()}
    finally:
        client.delete("celery", "celery\x06\x163")
    sample = families["rakumpit_celery_queue_length"].samples[0]
    assert sample.labels == {"queue": "celery"}
    assert sample.value == 3


def test_it_reports_a_dead_broker_without_failing(settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    families = {family.name: family for family in metrics.queue_metrics()}
    assert families["rakumpit_celery_broker_up"].samples[0].value == 0
    assert "rakumpit_celery_queue_length" not in families


def test_it_reads_no_queue_without_a_broker(settings):
    settings.CELERY_BROKER_URL = ""
    assert list(metrics.queue_metrics()) == []


def test_it_has_no_error_reporting_client_without_a_dsn(settings):
    assert not settings.SENTRY_DSN
    assert not sentry_sdk.get_client().is_active()
    assert init_sentry(dsn="", environment="test") is False
    assert not sentry_sdk.get_client().is_active()


def test_it_sends_error_reports_without_bodies_cookies_or_the_user():
    event = {
        "request": {
            "url": "https://portal.example/recruitment/apply/",
            "method": "POST",
            "data": {"nik": "6271010101010001"},
            "cookies": {"sessionid": "secret"},
            "query_string": "email=a@example.org",
            "headers": {"Cookie": "sessionid=secret", "Accept-Language": "id", "X-Request-ID": "1"},
        },
        "user": {"email": "a@example.org"},
    }
    cleaned = strip_personal_data(event)
    request = cleaned["request"]
    assert "data" not in request
    assert "cookies" not in request
    assert "query_string" not in request
    assert request["headers"] == {"Accept-Language": "id", "X-Request-ID": "1"}
    assert "user" not in cleaned
    assert request["url"] == "https://portal.example/recruitment/apply/"
