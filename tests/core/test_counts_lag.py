"""A finalisation adds one to "N registered" on the public pages within
PUBLIC_COUNTS_LAG_SECONDS, not on every request (core.pagecache.counts_lag): the first one moves
the public pages on at once and opens a window; those within the window leave the kept pages
alone, and what is kept during the window lives only until it closes. Everything else moves at
once: the private generations of the same finalisation, and any other change."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.pagecache import HEADER
from core.pagecache.generations import current, lag_timeout, lagged_key, pinned, window_key
from recruitment.services.applications import application_finalise
from tests.factories import ApplicationFactory
from tests.recruitment.test_applications import ready_application

pytestmark = pytest.mark.django_db
LAG = 30  # seconds: longer than any test takes; a window's end is its key's expiry, done by hand
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def lag(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    settings.PUBLIC_COUNTS_LAG_SECONDS = LAG
    cache.delete_many([window_key("recruitment"), lagged_key("recruitment")])


def _registered(client, formation) -> tuple[str, str]:
    client.cookies.clear()
    response = client.get(
        reverse("recruitment:vacancy_list"), {"period": formation.period_id}, **EN
    )
    assert response.status_code == 200
    [count] = re.findall(r"(\d+) registered", re.sub(r"\s+", " ", response.content.decode()))
    return count, response[HEADER]


def _close_window():
    """What the window key's expiry does after PUBLIC_COUNTS_LAG_SECONDS."""
    cache.delete(window_key("recruitment"))


def _finalise(formation):
    application = ready_application(formation=formation)
    return application_finalise(application=application, user=application.applicant)


def test_a_burst_of_finalisations_is_counted_within_the_lag(client, lag):
    formation = ApplicationFactory().formation  # a draft: not counted
    assert _registered(client, formation) == ("0", "miss")

    _finalise(formation)  # the first: at once, and the window opens
    assert _registered(client, formation) == ("1", "miss")

    private_before = current(["recruitment:all"])
    _finalise(formation)  # within the window: the kept page stays
    assert _registered(client, formation) == ("1", "hit")
    assert current(["recruitment:all"]) != private_before  # HR's pages moved at once

    _close_window()  # the first read after it moves the public pages on
    assert _registered(client, formation) == ("2", "miss")

    _finalise(formation)  # a new window: at once again
    assert _registered(client, formation) == ("3", "miss")


def test_any_other_change_moves_the_public_pages_at_once_even_in_a_window(client, lag):
    formation = ApplicationFactory().formation
    _finalise(formation)
    assert _registered(client, formation) == ("1", "miss")
    formation.position.name = "Perawat Ahli Pertama (diubah)"
    formation.position.save()
    client.cookies.clear()
    response = client.get(
        reverse("recruitment:vacancy_list"), {"period": formation.period_id}, **EN
    )
    assert response[HEADER] == "miss"
    assert "Perawat Ahli Pertama (diubah)" in response.content.decode()


def test_without_a_lag_every_finalisation_shows_at_once(client, lag, settings):
    settings.PUBLIC_COUNTS_LAG_SECONDS = 0
    formation = ApplicationFactory().formation
    for n in ("1", "2"):
        _finalise(formation)
        assert _registered(client, formation) == (n, "miss")


def test_a_change_left_unmoved_in_a_window_moves_the_generation_at_the_first_read_after_it(lag):
    """Readers of pinned generations (open data's ETags, values kept under them) keep what they
    stored for minutes: the last finalisation of a burst must still reach them within the lag,
    even when nothing changes after it."""
    formation = ApplicationFactory().formation
    _finalise(formation)  # opens the window
    opened = pinned(["recruitment"])
    _finalise(formation)  # inside it: not moved yet
    assert pinned(["recruitment"]) == opened
    _close_window()
    moved = pinned(["recruitment"])
    assert moved != opened  # the first read after the window moved it
    assert pinned(["recruitment"]) == moved  # once


def test_what_is_kept_while_a_window_is_open_lives_no_longer_than_the_window(settings):
    settings.PUBLIC_COUNTS_LAG_SECONDS = 5
    assert lag_timeout(60, [True]) == 5
    assert lag_timeout(3, [True]) == 3
    assert lag_timeout(60, [False]) == 60
