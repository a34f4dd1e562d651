import os

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
    # Tests call tasks in-process even when CI configures a broker; the one test that drives a
    # real worker turns this off for its own duration.
    from rakumpit_asn.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True


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


@pytest.fixture
def client_as(client):
    """`client_as(user)` signs the test client in as that user and returns it."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
