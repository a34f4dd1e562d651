import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from accounts.roles import Role
from tests.factories import UserFactory

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "").lower() in {"1", "true", "yes"}


def pytest_configure(config):
    from django.conf import settings

    # Tests render templates without collectstatic, and hash passwords fast.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    _isolate_worker(settings)
    # The page cache is on, as in production: every write moves it on by itself (tracked
    # models), so a test that reads a page after a change sees the change, and a forgotten
    # invalidation fails the test that makes it. (Redis in CI; the per-process memory cache
    # without services, which is enough for one test process.)
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    settings.COMPUTED_CACHE_SECONDS = 300
    # Tests call tasks in-process even when CI configures a broker; the one test that drives a
    # real worker turns this off for its own duration.
    from rakumpit_asn.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True


_MEDIA_ROOTS = []


def _isolate_worker(settings):
    """Each test process (pytest-xdist runs one per core; pytest-django gives each its own test
    database) also gets its own private-media folder, a temporary one that never touches the
    developer's var/private, and its own Redis database: tests clear the cache, and a clear
    empties the whole Redis database."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    media = Path(tempfile.mkdtemp(prefix=f"rakumpit-test-media-{worker}-"))
    _MEDIA_ROOTS.append(media)
    settings.PRIVATE_MEDIA_ROOT = media
    default = settings.STORAGES["default"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**default, "OPTIONS": {**default.get("OPTIONS", {}), "location": media}},
    }
    cache = settings.CACHES["default"]
    if cache["BACKEND"].endswith("RedisCache"):
        number = int(worker.removeprefix("gw") or 0)
        parts = urlsplit(cache["LOCATION"])
        # Database 0 is the cache of a running portal and 1 its Celery broker (.env.example).
        location = urlunsplit(parts._replace(path=f"/{2 + number % 14}"))
        settings.CACHES = {**settings.CACHES, "default": {**cache, "LOCATION": location}}


def pytest_unconfigure(config):
    for media in _MEDIA_ROOTS:
        shutil.rmtree(media, ignore_errors=True)


def _missing(reason):
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _services_for_markers(request):
    """`@pytest.mark.postgres` and `@pytest.mark.redis` skip without the service, except in CI
    (REQUIRE_SERVICES=1), where a missing service fails the test instead."""
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        _missing("this test needs PostgreSQL (set DATABASE_URL)")
    if request.node.get_closest_marker("redis") and not os.environ.get("REDIS_URL"):
        _missing("this test needs Redis (set REDIS_URL)")


@pytest.fixture(autouse=True)
def _page_cache_sees_the_tests_commits(request, monkeypatch):
    """A test runs inside one transaction that is never committed, so the page cache's
    generations, moved "once the transaction commits", would never move, and a page read after
    a write would be served from the cache. Here a write counts as committed when the app's own
    transaction ends (its outermost atomic block, or at once outside any): exactly when it would
    commit in production, the test's enclosing transaction aside; a rolled-back block moves
    nothing. So every test runs with the page cache on, and a write the page cache does not see
    fails the test that reads the page after it. `@pytest.mark.pagecache_on_commit` keeps the
    production behaviour (tests of the on-commit mechanism itself)."""
    if request.node.get_closest_marker("pagecache_on_commit"):
        yield
        return
    from django.db import transaction

    from core.pagecache import generations

    def app_committed(connection) -> bool:
        return all(getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)

    def flush(connection):
        """Run the page cache's callbacks waiting for a commit the test will never make."""
        pending = connection.run_on_commit
        moves = [entry for entry in pending if getattr(entry[1], "pagecache", False)]
        connection.run_on_commit = [entry for entry in pending if entry not in moves]
        for _savepoints, move, _robust in moves:
            move()

    production = generations.move_on_commit

    def move_on_commit(labels):
        production(labels)  # registered as in production, then flushed if the app committed
        connection = transaction.get_connection()
        if connection.in_atomic_block and app_committed(connection):
            flush(connection)

    original_exit = transaction.Atomic.__exit__

    def exit_atomic(self, exc_type, exc_value, traceback):
        result = original_exit(self, exc_type, exc_value, traceback)
        connection = transaction.get_connection(self.using)
        if connection.in_atomic_block and app_committed(connection):
            flush(connection)
        return result

    monkeypatch.setattr(generations, "move_on_commit", move_on_commit)
    monkeypatch.setattr(transaction.Atomic, "__exit__", exit_atomic)
    yield


@pytest.fixture
def page_cache_off(settings):
    """For query budgets: they count what rendering a page costs, not a cache hit."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    settings.COMPUTED_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _persona(*roles, **kwargs):
    return UserFactory(roles=list(roles), **kwargs)


@pytest.fixture
def applicant(db):
    return _persona(Role.APPLICANT)


@pytest.fixture
def other_applicant(db):
    return _persona(Role.APPLICANT)


@pytest.fixture
def resident(db):
    return _persona(Role.RESIDENT)


@pytest.fixture
def employee(db):
    return _persona(Role.EMPLOYEE)


@pytest.fixture
def supervisor(db):
    return _persona(Role.EMPLOYEE, Role.SUPERVISOR)


@pytest.fixture
def hr(db):
    return _persona(Role.HR, is_staff=True)


@pytest.fixture
def moderator(db):
    return _persona(Role.MODERATOR, is_staff=True)


@pytest.fixture
def admin_user(db):
    return _persona(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)


def two_factor_login(client, user):
    """Sign the test client in as the user. Staff (who must use two-factor sign-in) get a TOTP
    authenticator if they have none, and a session in which allauth has recorded the password and
    the TOTP step, as after a real sign-in (accounts.middleware.StaffTwoFactorMiddleware)."""
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.test import RequestFactory

    from accounts.middleware import requires_two_factor

    client.force_login(user)
    cached = "_role_cache" in user.__dict__
    staff = requires_two_factor(user)
    if not cached:  # the test may change the user's roles later: leave no stale cache behind
        user.__dict__.pop("_role_cache", None)
    if not staff:
        return client
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        authenticator = TOTP.activate(user, generate_totp_secret()).instance
    request = RequestFactory().get("/")
    request.user = user
    request.session = client.session
    record_authentication(request, user, "password", email=user.email)
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
    request.session.save()
    return client


@pytest.fixture
def client_as(client):
    """`client_as(user)` signs the test client in as that user and returns it; staff sessions
    count as signed in with their authenticator app (see `two_factor_login`)."""

    def _login(user):
        return two_factor_login(client, user)

    return _login
