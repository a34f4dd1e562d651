"""A cache must never take the site down (core/redis.py). A private Redis serves the cache
and the sessions of a signed-in applicant and of visitors; it is stopped mid-journey: every
page still answers from the database, sign-in, sign-out and writes work, and the circuit breaker
stops calling Redis; when Redis comes back, the portal uses it again and first drops what the
writes it skipped would have replaced."""

import socket
import subprocess
import time

import pybreaker
import pytest
import redis
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.models import User
from core import redis as guarded
from recruitment.models import Application
from tests.factories import PASSWORD, FormationFactory, UserFactory
from tests.recruitment.test_applications import ready_application

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    def __init__(self):
        self.port = _free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        for _ in range(100):
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("the private Redis did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def private_redis(settings):
    server = PrivateRedis()
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "core.redis.RedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": "rakumpit",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    }
    settings.REDIS_URL = server.url  # /healthz checks the cache only when one is configured
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    settings.COMPUTED_CACHE_SECONDS = 300
    guarded.BREAKER.reset_timeout = 1
    guarded.BREAKER.close()
    yield server
    if server.process.poll() is None:
        server.stop()
    # Leave the breaker as the rest of the suite expects it: closed, nothing to purge.
    guarded.BREAKER.outage.seen = False
    guarded.BREAKER.close()
    guarded.BREAKER.reset_timeout = 5


def _pages():
    formation = FormationFactory()
    return [
        reverse("home"),
        reverse("recruitment:vacancy_list"),
        formation.get_absolute_url(),
        reverse("recruitment:statistics"),
        reverse("forums:topic_list"),
        reverse("workforce:public_summary"),
        reverse("recruitment:announcement_index"),
    ]


def _sign_in(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:300]


def test_the_site_keeps_serving_without_redis_and_uses_it_again_after(private_redis, client):
    pages = _pages()
    applicant = UserFactory(roles=["applicant"])
    _sign_in(client, applicant)
    mine = reverse("recruitment:application_list")
    for url in [*pages, mine]:
        assert client.get(url).status_code == 200, url
    # The cache holds pages and the session now.
    keys = redis.Redis(port=private_redis.port).keys("rakumpit:*")
    assert any(b"cached_db" in key for key in keys)
    assert any(b"pagecache" in key for key in keys)

    private_redis.stop()

    for url in [*pages, mine]:  # signed in: the session is read from the database
        response = client.get(url)
        assert response.status_code == 200, url
    assert guarded.BREAKER.current_state == pybreaker.STATE_OPEN
    assert applicant.full_name in client.get(reverse("accounts:profile")).content.decode()

    # A write succeeds (and its page-cache invalidation is skipped without an error).
    response = client.post(
        reverse("accounts:profile"),
        {"full_name": "Nama Baru Saat Redis Mati", "preferred_language": "id"},
    )
    assert response.status_code == 302
    assert User.objects.get(pk=applicant.pk).full_name == "Nama Baru Saat Redis Mati"

    # The write that matters most at a deadline: another applicant signs in and finalises.
    application = ready_application()
    finaliser = Client()
    _sign_in(finaliser, application.applicant)
    assert finaliser.get(application.get_absolute_url()).status_code == 200
    response = finaliser.post(
        reverse("recruitment:application_finalise", args=[application.pk]), {"confirm": "on"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert finaliser.get(application.get_absolute_url()).status_code == 200

    # /healthz names the missing part, with the 503 a load balancer understands.
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]
    assert response.json()["checks"]["database"] == "ok"

    # Sign out and in again, and anonymous visitors, all without Redis.
    assert client.post(reverse("account_logout")).status_code == 302
    assert client.get(mine).status_code == 302  # signed out for real: back to the login page
    for url in pages:
        assert client.get(url).status_code == 200, url
    _sign_in(client, applicant)
    assert client.get(mine).status_code == 200

    # While the breaker is open, a cache call does not touch the network at all.
    started = time.perf_counter()
    for _ in range(200):
        assert cache.get("anything") is None
    assert guarded.BREAKER.current_state == pybreaker.STATE_OPEN
    assert time.perf_counter() - started < 1.0  # 200 calls, not 200 connection attempts

    # Redis comes back (empty or not): after the retry delay the portal uses it again, and its
    # first act is to drop the portal's keys that the skipped writes would have replaced.
    private_redis.start()
    stale = redis.Redis(port=private_redis.port)
    stale.set("rakumpit:1:pagecache:stale-page", b"old")
    time.sleep(guarded.BREAKER.reset_timeout + 0.1)
    assert client.get(reverse("home")).status_code == 200
    assert guarded.BREAKER.current_state == pybreaker.STATE_CLOSED
    assert stale.get("rakumpit:1:pagecache:stale-page") is None
    assert client.get(mine).status_code == 200
    assert any(b"cached_db" in key for key in stale.keys("rakumpit:*"))


def test_a_rate_limit_lets_requests_through_when_it_cannot_count(private_redis):
    from core import ratelimit

    rate = ratelimit.Rate(1, 60)
    assert ratelimit.hit("outage-test", rate) is None
    assert ratelimit.hit("outage-test", rate) is not None  # counted: the second is over
    private_redis.stop()
    assert ratelimit.hit("outage-test", rate) is None
    assert ratelimit.hit("outage-test", rate) is None
