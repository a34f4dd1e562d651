"""The IKM results page shows one survey period at a time (the newest by default) and the units
fifty to a page, its chart the same units (issue 23: 500 units over three periods made a table
of 1,500 rows)."""

import re
from datetime import date

import pytest
from django.urls import reverse

from forums.models import SCORE_FIELDS, IkmResponse
from forums.views.ikm import PER_PAGE
from tests.factories import UnitFactory, UserFactory
from tests.forums.factories import IkmPeriodFactory

pytestmark = pytest.mark.django_db
URL = reverse("forums:ikm_results")


def _rate(unit, period, score=3):
    IkmResponse.objects.create(
        unit=unit, period=period, respondent=UserFactory(), **dict.fromkeys(SCORE_FIELDS, score)
    )


def _rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [name.strip() for name in re.findall(r'<th scope="row">([^<]+)', body)]


@pytest.fixture
def periods():
    old = IkmPeriodFactory(name="Semester I", starts_on=date(2026, 1, 1), ends_on=date(2026, 6, 30))
    new = IkmPeriodFactory(
        name="Semester II", starts_on=date(2026, 7, 1), ends_on=date(2026, 12, 31)
    )
    IkmPeriodFactory(name="Tanpa responden", starts_on=date(2027, 1, 1), ends_on=date(2027, 6, 30))
    return old, new


def test_it_shows_the_newest_period_with_responses_and_offers_the_others(client, periods):
    old, new = periods
    _rate(UnitFactory(name="Puskesmas Lama"), old)
    _rate(UnitFactory(name="Kantor Baru"), new, score=4)
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _rows(html) == ["Kantor Baru"]
    assert "Semester II: 1 unit rated" in html
    options = re.findall(r'<option value="(\d+)"( selected)?>([^<]+)</option>', html)
    # A period nobody rated is not offered; the shown one is selected.
    assert [(label, bool(sel)) for _pk, sel, label in options] == [
        ("Semester II", True),
        ("Semester I", False),
    ]
    html = client.get(URL, {"period": old.pk}).content.decode()
    assert _rows(html) == ["Puskesmas Lama"]
    assert f'src="{reverse("forums:ikm_chart")}?period={old.pk}&amp;page=1"' in html


@pytest.mark.parametrize("bad", ["999999", "abc", ""])
def test_a_wrong_period_is_an_error_and_the_newest_is_shown(client, periods, bad):
    _old, new = periods
    _rate(UnitFactory(name="Kantor Baru"), new)
    response = client.get(URL, {"period": bad}, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_period"' in html and "is-invalid" in html
    assert _rows(html) == ["Kantor Baru"]


def test_the_units_come_fifty_to_a_page_and_the_chart_draws_the_same(client, periods):
    _old, new = periods
    names = [f"Unit {n:03d}" for n in range(PER_PAGE + 3)]
    for name in names:
        _rate(UnitFactory(name=name), new)
    first = client.get(URL).content.decode()
    assert _rows(first) == names[:PER_PAGE]
    second = client.get(URL, {"period": new.pk, "page": 2}).content.decode()
    assert _rows(second) == names[PER_PAGE:]
    chart = client.get(reverse("forums:ikm_chart"), {"period": new.pk, "page": 2})
    svg = chart.content.decode()
    assert all(name in svg for name in names[PER_PAGE:]) and names[0] not in svg


def test_without_any_response_it_says_so(client, periods):
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No survey response yet." in html and "<table" not in html
