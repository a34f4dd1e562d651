import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
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
    # A test database is thrown away: its commits need not wait for the disk (a crash of the
    # server could lose the last ones, never corrupt them). The demo seed and the transactional
    # tests commit thousands of times.
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()
    _isolate_worker(settings)
    # The page cache is on, as in production: every write moves it on by itself (tracked
    # models), so a test that reads a page after a change sees the change, and a forgotten
    # invalidation fails the test that makes it. (Redis in CI; the per-process memory cache
    # without services, which is enough for one test process.)
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    settings.COMPUTED_CACHE_SECONDS = 300
    # A finalisation's public counts too (tests/core/test_counts_lag.py turns the lag on).
    settings.PUBLIC_COUNTS_LAG_SECONDS = 0
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

    def move_on_commit(labels, lagging=()):
        production(labels, lagging)  # registered as in production, then flushed if committed
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


# --- The demo data, seeded once per test process (browser journeys and whole-demo tests) ---


@pytest.fixture(scope="session")
def demo_template(django_db_setup, django_db_blocker):
    """On PostgreSQL: the demo data seeded once per test process into the test database, then
    copied into a template database. Each journey (and each other test that needs the whole
    demo: `demo`) starts from a copy of it (CREATE DATABASE ...
    TEMPLATE is a file copy, about a second) instead of seeding again (many seconds). None on
    SQLite, where each journey seeds."""
    from django.db import connection

    if connection.vendor != "postgresql":
        yield None
        return
    from rakumpit_asn.management import demo

    name = connection.settings_dict["NAME"]
    template, clean = f"{name}_demo", f"{name}_clean"
    with django_db_blocker.unblock():
        # Seeded in the test database itself (where the settings point), which is then put
        # back as it was, for the other tests of this process; the clean copy is kept for the
        # modules that take the demo for all their tests (`demo_for_module`).
        _copy_database(clean, source=name)
        try:
            demo.seed()
            _copy_database(template, source=name)
        finally:
            _copy_database(name, source=clean)
    yield DemoDatabases(name=name, template=template, clean=clean)
    with django_db_blocker.unblock():
        _drop_database(template)
        _drop_database(clean)


@dataclass(frozen=True)
class DemoDatabases:
    name: str  # the test database
    template: str  # a copy of it with the demo seeded
    clean: str  # a copy of it as migrated, nothing seeded


def demo_users() -> dict:
    """The demo accounts by key (applicant, hr …), read from the database."""
    from accounts.demo import DEMO_ACCOUNTS, demo_email
    from accounts.models import User

    emails = {key: demo_email(key) for key, *_rest in DEMO_ACCOUNTS}
    by_email = {u.email: u for u in User.objects.filter(email__in=emails.values())}
    return {key: by_email[email] for key, email in emails.items()}


@contextmanager
def demo_for_module(demo_template):
    """For a module-scoped fixture: the test database becomes a copy of the seeded demo until
    the block ends, then is put back as it was migrated. Yields the demo accounts by key; on
    SQLite (no template) None: the caller seeds inside its own outer transaction."""
    if demo_template is None:
        yield None
        return
    _copy_database(demo_template.name, source=demo_template.template)
    try:
        yield demo_users()
    finally:
        _copy_database(demo_template.name, source=demo_template.clean)


def _admin_cursor():
    """A cursor on the server's maintenance database: a database cannot be dropped or copied
    while anyone, us included, is connected to it."""
    from django.db import connections

    connections.close_all()
    return connections["default"]._nodb_cursor()


def _drop_database(name):
    with _admin_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _copy_database(name, *, source):
    _drop_database(name)
    with _admin_cursor() as cursor:
        # A copy needs the source without connections: end the live server's idle ones.
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
            "AND pid <> pg_backend_pid()",
            [source],
        )
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    # The copy's content types may have other ids than the ones this process cached (a flush
    # recreates them): the audit trail must not point at rows that are not there.
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


@pytest.fixture
def demo(transactional_db, demo_template):
    """The demo data, fresh for each journey: the database is replaced by a copy of the seeded
    template (PostgreSQL), or seeded again (SQLite). Journeys run against a live server, so
    their writes are committed; the teardown flushes them as for any transactional test."""
    from rakumpit_asn.management import demo

    if demo_template is None:
        return demo.seed()
    _copy_database(demo_template.name, source=demo_template.template)
    return {"users": demo_users()}
