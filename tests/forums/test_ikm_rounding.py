"""The IKM is computed from exact fractions and rounded once, half up (docs/domain.md 5):

    converted = Σ element totals × 25 / (9 × respondents), two decimals
    index     = Σ element totals / (9 × respondents), four decimals

Every expected value below is worked out by hand in the comment beside it."""

from decimal import Decimal

import pytest
from django.urls import reverse

from forums.models import SCORE_FIELDS, IkmGradeBand, IkmResponse
from forums.selectors.ikm import band_for, ikm_compute, ikm_results
from tests.factories import UserFactory
from tests.forums.factories import IkmPeriodFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("totals", "respondents", "converted", "index", "grade"),
    [
        # Σ = 4×15,322 + 15,321 + 4×15,320 = 137,889; 137,889 × 25 / (9 × 5,000)
        # = 3,447,225 / 45,000 = 76.605 exactly -> half up 76.61 (B); index 137,889 / 45,000
        # = 3.0642 exactly
        ([15_322] * 4 + [15_321] + [15_320] * 4, 5_000, "76.61", "3.0642", "B"),
        # one point less: Σ = 137,888; 3,447,200 / 45,000 = 76.6044… -> 76.60 (C);
        # index 137,888 / 45,000 = 3.06417… -> 3.0642
        ([15_322] * 4 + [15_320] + [15_320] * 4, 5_000, "76.60", "3.0642", "C"),
        # one point more: Σ = 137,890; 3,447,250 / 45,000 = 76.6055… -> 76.61 (B)
        ([15_322] * 4 + [15_322] + [15_320] * 4, 5_000, "76.61", "3.0642", "B"),
        # exactly on the band edges: Σ = 68,949, n = 2,500: 1,723,725 / 22,500 = 76.61 (B);
        # index 68,949 / 22,500 = 3.0644
        ([7_661] * 9, 2_500, "76.61", "3.0644", "B"),
        # Σ = 3,447, n = 125: 86,175 / 1,125 = 76.60 exactly (C); index 3,447 / 1,125 = 3.064
        ([383] * 9, 125, "76.60", "3.0640", "C"),
        # Σ = 3×17,662 + 3×17,661 + 3×17,660 = 158,949; 3,973,725 / 45,000 = 88.305 exactly
        # -> 88.31 (A); index 158,949 / 45,000 = 3.5322
        ([17_662] * 3 + [17_661] * 3 + [17_660] * 3, 5_000, "88.31", "3.5322", "A"),
        # Σ = 3×13,000 + 3×12,999 + 3×12,998 = 116,991; 2,924,775 / 45,000 = 64.995 exactly
        # -> 65.00 (C); index 116,991 / 45,000 = 2.5998
        ([13_000] * 3 + [12_999] * 3 + [12_998] * 3, 5_000, "65.00", "2.5998", "C"),
        # Σ = 225, n = 8: 5,625 / 72 = 78.125 exactly -> 78.13 (B); index 225 / 72 = 3.125
        ([25] * 9, 8, "78.13", "3.1250", "B"),
        # Σ = 423, n = 32: index 423 / 288 = 1.46875 exactly -> 1.4688;
        # converted 10,575 / 288 = 36.71875 -> 36.72 (D)
        ([47] * 9, 32, "36.72", "1.4688", "D"),
        # the ends of the scale: all 4 -> 36 × 25 / 9 = 100; all 1 -> 9 × 25 / 9 = 25
        ([4] * 9, 1, "100.00", "4.0000", "A"),
        ([1] * 9, 1, "25.00", "1.0000", "D"),
    ],
)
def test_it_rounds_the_exact_value_once_half_up(totals, respondents, converted, index, grade):
    _nrr, got_index, got_converted = ikm_compute(totals, respondents)
    assert (got_converted, got_index) == (Decimal(converted), Decimal(index))
    assert str(got_converted) == converted and str(got_index) == index  # the places shown
    assert band_for(got_converted, list(IkmGradeBand.objects.all())).grade == grade


def test_it_shows_an_exactly_half_result_rounded_up(client, unit):
    # Seven residents answer 3 everywhere, one answers 4: every element totals 7×3 + 4 = 25.
    # NRR = 25 / 8 = 3.125 -> 3.13; IKM = 9 × 25 / (9 × 8) = 3.125; × 25 = 78.125 -> 78.13 (B)
    period = IkmPeriodFactory()
    for score in [3] * 7 + [4]:
        IkmResponse.objects.create(
            unit=unit, period=period, respondent=UserFactory(),
            **dict.fromkeys(SCORE_FIELDS, score),
        )  # fmt: skip
    (result,) = ikm_results()
    assert result.respondents == 8
    assert result.nrr == [Decimal("3.13")] * 9
    assert result.index == Decimal("3.1250")
    assert result.converted == Decimal("78.13") and result.grade == "B"
    page = client.get(reverse("forums:ikm_results")).content.decode()
    assert "78,13" in page or "78.13" in page
