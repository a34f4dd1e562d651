from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from forums.models import SCORE_FIELDS, IkmGradeBand, IkmResponse
from forums.selectors.ikm import band_for, ikm_compute, ikm_results
from forums.services import ForumError
from forums.services.ikm import ikm_response_create
from tests.factories import UserFactory
from tests.forums.factories import IkmPeriodFactory

pytestmark = pytest.mark.django_db


def test_it_computes_the_worked_example():
    # Four respondents. Element totals / 4 = NRR: 3.25 3.00 2.50 4.00 3.00 3.50 3.75 2.75 2.25
    totals = [13, 12, 10, 16, 12, 14, 15, 11, 9]
    nrr, index, converted = ikm_compute(totals, 4)
    assert nrr[0] == Decimal("3.25") and nrr[8] == Decimal("2.25")
    # Σ NRR = 28.00; × 1/9 = 3.1111; × 25 = 77.78 -> B (76.61–88.30)
    assert index == Decimal("3.1111")
    assert converted == Decimal("77.78")
    assert band_for(converted, list(IkmGradeBand.objects.all())).grade == "B"


@pytest.mark.parametrize(
    ("value", "grade"),
    [
        ("100.00", "A"),
        ("88.31", "A"),
        ("88.30", "B"),
        ("76.61", "B"),
        ("76.60", "C"),
        ("65.00", "C"),
        ("64.99", "D"),
        ("25.00", "D"),
    ],
)
def test_it_grades_on_the_band_edges_from_the_database(value, grade):
    assert band_for(Decimal(value), list(IkmGradeBand.objects.all())).grade == grade


def test_it_has_the_nine_elements_and_four_bands_seeded():
    from forums.models import IkmElement

    assert IkmElement.objects.count() == 9
    assert list(IkmGradeBand.objects.values_list("grade", flat=True)) == ["A", "B", "C", "D"]


def test_it_aggregates_per_unit_and_period(unit):
    period = IkmPeriodFactory()
    for scores in ([4] * 9, [3] * 9, [2] * 9, [3] * 9):
        IkmResponse.objects.create(
            unit=unit, period=period, respondent=UserFactory(),
            **dict(zip(SCORE_FIELDS, scores, strict=True)),
        )  # fmt: skip
    (result,) = ikm_results()
    assert result.respondents == 4
    assert result.converted == Decimal("75.00") and result.grade == "C"


def test_it_allows_one_response_per_resident_unit_and_period(resident, unit):
    period = IkmPeriodFactory()
    scores = dict.fromkeys(SCORE_FIELDS, 3)
    ikm_response_create(respondent=resident, unit=unit, period=period, scores=scores, address="a")
    with pytest.raises(ForumError):
        ikm_response_create(
            respondent=resident, unit=unit, period=period, scores=scores, address="a"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        IkmResponse.objects.create(unit=unit, period=period, respondent=resident, **scores)


def test_it_refuses_scores_outside_1_to_4_in_the_database(resident, unit):
    period = IkmPeriodFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        IkmResponse.objects.create(
            unit=unit, period=period, respondent=resident,
            **{**dict.fromkeys(SCORE_FIELDS, 3), "u5": 5},
        )  # fmt: skip


def test_it_takes_the_survey_through_the_page(client_as, resident, unit):
    period = IkmPeriodFactory()
    data = {"unit": unit.pk, "period": period.pk, "website": "", **dict.fromkeys(SCORE_FIELDS, 4)}
    client = client_as(resident)
    assert client.get(reverse("forums:ikm_survey")).status_code == 200
    response = client.post(reverse("forums:ikm_survey"), data)
    assert response.status_code == 302
    assert IkmResponse.objects.get().u1 == 4
    page = client.get(reverse("forums:ikm_results")).content.decode()
    assert ("100,00" in page or "100.00" in page) and unit.name in page
    chart = client.get(reverse("forums:ikm_chart"))
    assert chart["Content-Type"].startswith("image/svg+xml") and b"<script" not in chart.content
