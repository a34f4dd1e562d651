import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages():
    """Services called outside a request speak the default language (Bahasa Indonesia); these
    tests match their English source text. Requests still choose their own language."""
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    """Pages in English too (the language a request chooses stays active in the test's thread
    afterwards, so services called after a request would otherwise speak Indonesian)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
