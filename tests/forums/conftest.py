import pytest
from django.core.cache import cache

from tests.factories import UnitFactory
from tests.forums.factories import TopicFactory


@pytest.fixture(autouse=True)
def _no_rate_limit_leaks():
    cache.clear()


@pytest.fixture
def steady_clock(monkeypatch):
    """The rate limiter's clock held in the middle of an hour: its windows are aligned on the
    clock, so a test counting up to a limit must not straddle the top of the hour (it did, at
    17:00, and every counter started again)."""
    from datetime import UTC, datetime
    from types import SimpleNamespace

    from core import ratelimit

    moment = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
    monkeypatch.setattr(ratelimit, "timezone", SimpleNamespace(now=lambda: moment))
    return moment


@pytest.fixture(autouse=True)
def _forum_consent(request):
    """Taking part in the forums needs the person's consent to the current privacy notice.
    These tests are about other rules, so everyone created during a test has agreed, as a
    real resident would have on their first post; tests/forums/test_consent.py turns this off
    (`without_forum_consent`) to test the consent itself."""
    from django.conf import settings
    from django.db.models.signals import post_save

    from accounts.models import User
    from privacy.models import Consent, Purpose

    if "without_forum_consent" in request.fixturenames:
        yield
        return

    def agree(sender, instance, created, raw=False, **kwargs):
        if created and not raw:
            Consent.objects.create(
                user=instance,
                purpose=Purpose.FORUM,
                notice_version=settings.PRIVACY_NOTICE_VERSION,
            )

    post_save.connect(agree, sender=User, dispatch_uid="tests.forum_consent")
    yield
    post_save.disconnect(sender=User, dispatch_uid="tests.forum_consent")


@pytest.fixture
def without_forum_consent():
    """Marks a test that checks the forum consent itself (see _forum_consent)."""


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
