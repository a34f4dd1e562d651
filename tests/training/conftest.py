import pytest
from django.utils import translation

from tests.training.factories import employee_with_user


@pytest.fixture(autouse=True)
def _english_messages():
    """Services called outside a request speak the default language (Bahasa Indonesia); these
    tests match their English source text."""
    with translation.override("en"):
        yield


@pytest.fixture
def boss(supervisor):
    """The supervisor persona's employee record."""
    return employee_with_user(supervisor)


@pytest.fixture
def me(employee, boss):
    """The employee persona's record, supervised by `boss`."""
    return employee_with_user(employee, supervisor=boss)


@pytest.fixture
def stranger(db):
    """Another employee with an account, in nobody's team of ours."""
    return employee_with_user()


@pytest.fixture(autouse=True)
def _english_by_default(client):
    """These tests match the English source text: requests ask for English unless a test says
    otherwise, and services called outside a request speak English too."""
    from django.utils import translation

    client.defaults.setdefault("HTTP_ACCEPT_LANGUAGE", "en")
    with translation.override("en"):
        yield
