"""The public vacancy list: open vacancies first and by default, each card with its registration
badge (Open / Upcoming / Closed) and its period's name; past periods only behind their tab."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.pagecache import HEADER
from recruitment.models import SelectionPeriod
from recruitment.selectors import vacancies
from recruitment.tasks import close_registrations
from tests.factories import (
    ApplicationFactory,
    FormationFactory,
    PositionFactory,
    SelectionPeriodFactory,
)

pytestmark = pytest.mark.django_db

URL = "/recruitment/vacancies/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
CARD = re.compile(r'<li class="card mb-2">(.*?)</li>', re.DOTALL)
BADGE = re.compile(
    r'<span class="badge text-bg-(?:success|info|secondary)" data-registration="\w+">([^<]+)</span>'
)


def _periods():
    now = timezone.now()
    return {
        "open": SelectionPeriodFactory(name="Seleksi Dibuka 2026"),
        "upcoming": SelectionPeriodFactory(
            name="Seleksi Berikutnya 2026",
            registration_opens_at=now + timedelta(days=3),
            registration_closes_at=now + timedelta(days=20),
        ),
        "closed": SelectionPeriodFactory(
            name="Seleksi Lalu 2025",
            year=2025,
            registration_opens_at=now - timedelta(days=400),
            registration_closes_at=now - timedelta(days=380),
            registration_closed=True,
        ),
    }


def _vacancies():
    periods = _periods()
    for state, period in periods.items():
        FormationFactory(period=period, position=PositionFactory(name=f"Jabatan {state}"))
    return periods


def cards(response) -> list[tuple[str, str, str]]:
    """(badge, position, period name) of each card, in the page's order."""
    found = []
    for card in CARD.findall(response.content.decode()):
        position = re.search(r'<a href="[^"]+">([^<]+)</a>', card).group(1)
        period = re.search(r'<p class="small mb-1 text-break">([^<]+)</p>', card).group(1)
        found.append((BADGE.search(card).group(1), position, period))
    return found


def test_it_shows_open_then_upcoming_vacancies_by_default_and_no_past_period(client):
    _vacancies()
    response = client.get(URL, **EN)
    assert cards(response) == [
        ("Open", "Jabatan open", "Seleksi Dibuka 2026"),
        ("Upcoming", "Jabatan upcoming", "Seleksi Berikutnya 2026"),
    ]
    page = response.content.decode()
    assert "Jabatan closed" not in page
    assert 'aria-current="page">Open and upcoming</a>' in page


def test_it_shows_past_periods_behind_their_tab_marked_closed(client):
    _vacancies()
    response = client.get(URL, {"status": "closed"}, **EN)
    assert cards(response) == [("Closed", "Jabatan closed", "Seleksi Lalu 2025")]
    assert 'aria-current="page">Past periods</a>' in response.content.decode()


def test_it_shows_every_state_marked_and_in_order_under_all(client):
    _vacancies()
    response = client.get(URL, {"status": "all"}, **EN)
    assert [badge for badge, _position, _period in cards(response)] == [
        "Open",
        "Upcoming",
        "Closed",
    ]


def test_it_finds_a_past_period_by_choosing_it_and_still_marks_it(client):
    periods = _vacancies()
    response = client.get(URL, {"period": periods["closed"].pk}, **EN)
    assert cards(response) == [("Closed", "Jabatan closed", "Seleksi Lalu 2025")]
    assert 'aria-current="page">All</a>' in response.content.decode()


def test_the_tabs_keep_the_other_filters_and_drop_the_page(client):
    _vacancies()
    page = client.get(URL, {"q": "jabatan", "page": "2"}, **EN).content.decode()
    assert 'href="?q=jabatan&amp;status=closed"' in page
    response = client.get(URL, {"q": "jabatan", "status": "closed"}, **EN)
    assert [c[1] for c in cards(response)] == ["Jabatan closed"]
    # The search form keeps the tab.
    assert 'type="hidden" name="status" value="closed"' in response.content.decode()


def test_it_points_to_the_past_periods_when_nothing_is_open(client):
    periods = _periods()
    FormationFactory(period=periods["closed"])
    page = client.get(URL, **EN).content.decode()
    assert "No open or upcoming formation matches." in page
    assert 'href="?status=closed"' in page
    assert "Try fewer filters." not in page


@pytest.mark.parametrize("status", ["bogus", "", "ALL", "closed'--"])
def test_it_answers_an_unknown_tab_with_the_current_vacancies(client, status):
    _vacancies()
    response = client.get(URL, {"status": status, "q": "jabatan"}, **EN)
    assert response.status_code == 200
    assert [c[0] for c in cards(response)] == ["Open", "Upcoming"]
    page = response.content.decode()
    assert "invalid" not in page and "Select a valid choice" not in page
    assert 'name="q" value="jabatan"' in page  # the other filters still apply


def test_the_badge_follows_the_registration_rule_at_its_edges():
    """Open exactly from the opening instant; closed exactly at the deadline or once the period
    is marked closed; the same answer as SelectionPeriod.is_registration_open."""
    now = timezone.now()
    cases = {
        "opens now": (now, now + timedelta(days=15), False, "open"),
        "opens in a second": (
            now + timedelta(seconds=1),
            now + timedelta(days=15),
            False,
            "upcoming",
        ),
        "closes now": (now - timedelta(days=15), now, False, "closed"),
        "closes in a second": (now - timedelta(days=15), now + timedelta(seconds=1), False, "open"),
        "marked closed early": (now - timedelta(days=15), now + timedelta(days=1), True, "closed"),
        "marked closed before it opened": (
            now + timedelta(days=1),
            now + timedelta(days=16),
            True,
            "closed",
        ),
    }
    expected = {}
    for name, (opens, closes, closed, state) in cases.items():
        period = SelectionPeriodFactory(
            name=name,
            registration_opens_at=opens,
            registration_closes_at=closes,
            registration_closed=closed,
        )
        FormationFactory(period=period)
        expected[name] = state
        assert period.is_registration_open(now) == (state == "open"), name
    found = {
        f.period.name: f.registration_state for f in vacancies.vacancy_list(status="all", now=now)
    }
    assert found == expected


def test_it_leaves_out_unpublished_periods_and_formations_in_every_tab(client):
    periods = _periods()
    SelectionPeriod.objects.filter(pk=periods["closed"].pk).update(is_published=False)
    FormationFactory(period=periods["closed"], position=PositionFactory(name="Tidak terbit"))
    FormationFactory(
        period=periods["open"], is_published=False, position=PositionFactory(name="Draf")
    )
    for status in ("current", "closed", "all"):
        page = client.get(URL, {"status": status}).content.decode()
        assert "Tidak terbit" not in page and "Draf" not in page


def test_it_shows_the_deadline_in_wib_on_each_card(client):
    periods = _vacancies()
    page = client.get(URL, {"status": "all"}, **EN).content.decode()
    closes = timezone.localtime(periods["open"].registration_closes_at)
    opens = timezone.localtime(periods["upcoming"].registration_opens_at)
    assert f"closes {closes:%-d %b %Y %H:%M} WIB" in page
    assert f"opens {opens:%-d %b %Y %H:%M} WIB" in page
    assert "registration closed" in page


@pytest.mark.parametrize(
    ("quota", "registered", "text"),
    [(1, 1, "1 place · 1 registered"), (2, 0, "2 places · 0 registered")],
)
def test_it_counts_places_in_the_singular_and_the_plural(client, quota, registered, text):
    formation = FormationFactory(quota=quota)
    for _ in range(registered):
        ApplicationFactory(formation=formation, status="submitted")
    page = client.get(URL, **EN).content.decode()
    assert text in re.sub(r"\s+", " ", page)


def _count_queries(client, status):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"status": status})
    assert response.status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("status", ["current", "closed", "all"])
def test_it_keeps_the_query_count_constant_in_every_tab(page_cache_off, client, status):
    periods = _periods()
    for period in periods.values():
        FormationFactory(period=period)
    small = _count_queries(client, status)
    for period in periods.values():
        for formation in FormationFactory.create_batch(8, period=period)[:3]:
            ApplicationFactory(formation=formation, status="submitted")
    assert _count_queries(client, status) == small


def test_a_closed_registration_shows_at_once_on_the_kept_page(
    settings, client, django_capture_on_commit_callbacks
):
    """The list is kept for anonymous visitors; the scheduled job that closes a registration at
    its deadline moves the page on, so a kept page never says "Open" for long after it."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    period = SelectionPeriodFactory()
    FormationFactory(period=period, position=PositionFactory(name="Perawat"))
    assert client.get(URL, **EN)[HEADER] == "miss"
    client.cookies.clear()
    assert client.get(URL, **EN)[HEADER] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        SelectionPeriod.objects.filter(pk=period.pk).update(
            registration_closes_at=timezone.now() - timedelta(seconds=1)
        )
        assert close_registrations() == 1
    client.cookies.clear()
    response = client.get(URL, **EN)
    assert response[HEADER] == "miss"
    assert "Perawat" not in response.content.decode()
    client.cookies.clear()
    closed = client.get(URL, {"status": "closed"}, **EN)
    assert cards(closed)[0][:2] == ("Closed", "Perawat")
