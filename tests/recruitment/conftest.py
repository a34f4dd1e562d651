import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages():
    """Services called outside a request speak the default language (Bahasa Indonesia); these
    tests match their English source text. Requests still choose their own language."""
    with translation.override("en"):
        yield
