"""HR's study hours overview: it opens on the latest year that has training records, its
filters say what they are ("All sectors"), and its charts stay readable on a 390 px phone."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import EmployeeFactory
from tests.training.factories import ProgrammeFactory, enrolment, past_session
from training import charts
from training.models import Enrolment
from workforce.models import AsnType

pytestmark = pytest.mark.django_db
PHONE_CONTENT_WIDTH = 390 - 2 * 16  # the page's side padding on a phone


def _passed_in(year):
    this_year = timezone.localdate().year
    session = past_session(days_ago=365 * (this_year - year) + 5, programme=ProgrammeFactory())
    employee = EmployeeFactory(asn_type=AsnType.PNS)
    enrolment(session, employee, result=Enrolment.Result.PASSED)
    return session


def test_it_opens_on_the_latest_year_with_records(client_as, hr):
    year = timezone.localdate().year
    session = _passed_in(year - 1)
    response = client_as(hr).get(reverse("training:hr_dashboard"))
    assert session.ends_on.year < year
    text = response.content.decode()
    assert f'<option value="{session.ends_on.year}" selected>' in text
    assert f"in {session.ends_on.year}, by sector and unit" in text


def test_a_chosen_year_wins(client_as, hr):
    year = timezone.localdate().year
    _passed_in(year - 1)
    text = client_as(hr).get(reverse("training:hr_dashboard"), {"year": year}).content.decode()
    assert f"in {year}, by sector and unit" in text


def test_without_records_it_opens_on_this_year(client_as, hr):
    text = client_as(hr).get(reverse("training:hr_dashboard")).content.decode()
    assert f"in {timezone.localdate().year}, by sector and unit" in text


def test_the_sector_filter_says_all_sectors(client_as, hr):
    text = client_as(hr).get(reverse("training:hr_dashboard")).content.decode()
    assert "All sectors" in text
    assert "---------" not in text


def _font_sizes(svg: str) -> list[float]:
    return [float(size) for size in re.findall(r"font-size:\s*([0-9.]+)px", svg)]


@pytest.mark.parametrize("dimension", ["sector", "unit"])
def test_the_charts_text_is_at_least_12px_on_a_phone(client_as, hr, dimension):
    _passed_in(timezone.localdate().year)
    svg = client_as(hr).get(reverse("training:hr_chart", args=[dimension])).content.decode()
    width = float(re.search(r'<svg[^>]*viewBox="0 0 ([0-9.]+) ', svg).group(1))
    assert width == charts.WIDTH
    sizes = _font_sizes(svg)
    assert sizes
    scale = min(1.0, PHONE_CONTENT_WIDTH / width)
    assert min(sizes) * scale >= 12


def test_an_empty_chart_says_so_in_the_readers_language(client_as, hr):
    svg = (
        client_as(hr)
        .get(reverse("training:hr_chart", args=["sector"]), HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert "No PNS staff in this year" in svg
    assert "No data" not in svg


def test_the_short_list_counts_what_it_lists_in_every_sector(client_as, hr):
    """The list's count comes from the by-unit summary: it must agree with the list itself
    (fully trained, partly trained, untrained, PPPK and former staff; two sectors)."""
    from training.models import TrainingYearRule
    from workforce.models import Employee, Sector

    year = timezone.localdate().year
    TrainingYearRule.objects.update_or_create(year=year, defaults={"pns_min_jp": 20})
    full = past_session(programme=ProgrammeFactory(jp=20))
    part = past_session(programme=ProgrammeFactory(jp=8))
    education = None
    for i in range(3):
        trained, partly, untrained = (EmployeeFactory(asn_type=AsnType.PNS) for _ in range(3))
        enrolment(full, trained, result=Enrolment.Result.PASSED)
        enrolment(part, partly, result=Enrolment.Result.PASSED)
        if i == 2:  # the third trio in another sector
            education = Sector.objects.get(slug="pendidikan")
            for person in (trained, partly, untrained):
                person.position.unit.sector = education
                person.position.unit.save()
    EmployeeFactory(asn_type=AsnType.PPPK)
    EmployeeFactory(asn_type=AsnType.PNS, status=Employee.Status.RETIRED)

    for query, expected in (({}, 6), ({"sector": education.pk}, 2)):
        response = client_as(hr).get(reverse("training:hr_dashboard"), {"year": year, **query})
        page = response.context["page"]
        assert page.paginator.count == expected
        assert len(page.object_list) == expected
        assert {e.jp_done for e in page.object_list} == {0, 8}
