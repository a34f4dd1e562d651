import pytest


@pytest.fixture(autouse=True)
def _english_by_default(client):
    """These tests match the English source text: requests ask for English unless a test says
    otherwise, and services called outside a request speak English too."""
    from django.utils import translation

    client.defaults.setdefault("HTTP_ACCEPT_LANGUAGE", "en")
    with translation.override("en"):
        yield
