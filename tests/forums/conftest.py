import pytest
from django.core.cache import cache

from tests.factories import UnitFactory
from tests.forums.factories import TopicFactory


@pytest.fixture(autouse=True)
def _no_rate_limit_leaks():
    cache.clear()


@pytest.fixture
def unit(db):
    return UnitFactory(name="Puskesmas Uji")


@pytest.fixture
def topic(db, resident):
    return TopicFactory(author=resident)


def form_data(**overrides):
    from workforce.models import Kelurahan, Sector

    data = {
        "title": "Ambulans untuk puskesmas",
        "body": "Kami butuh ambulans.",
        "sector": Sector.objects.get(slug="kesehatan").pk,
        "kelurahan": Kelurahan.objects.get(slug="mungku-baru").pk,
        "unit": "",
        "website": "",
    }
    data.update(overrides)
    return data


@pytest.fixture(autouse=True)
def _english_by_default(client):
    """These tests match the English source text: requests ask for English unless a test says
    otherwise, and services called outside a request speak English too."""
    from django.utils import translation

    client.defaults.setdefault("HTTP_ACCEPT_LANGUAGE", "en")
    with translation.override("en"):
        yield
