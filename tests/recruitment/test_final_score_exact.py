"""The CPNS final score (docs/domain.md 1.8): an exact fraction, SKD weight x SKD / SKD maximum +
SKB weight x SKB share, ranked on the exact value and rounded once (3 decimals, half up) for
display; exact ties fall to the SKD total, TKP, TIU, TWK, the GPA and then the older applicant.

Every expected value below is worked out by hand from that rule and the period's rule values
(the derivation is in the comment beside it), never read from the code's output."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from recruitment.models import FinalCode, SkbPart, SkbScore
from recruitment.selectors.ranking import boundary_ties
from recruitment.services.rank_rules import (
    display_score,
    final_rule_key,
    final_score,
    final_score_exact,
    skb_ratio,
)
from recruitment.services.ranking import rank_period
from tests.recruitment.factories_scores import formation, result_of, scored, scored_period

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


# --- the exact score ---------------------------------------------------------------------------

# skd total, SKB, SKD weight, SKB weight, SKB maximum, the exact final score (SKD maximum 550)
EXACT = [
    # 40 x 400/550 = 320/11; 60 x 400/500 = 48 = 528/11; 848/11 = 77.0909...
    pytest.param(400, "400", 40, 60, 500, Fraction(848, 11), id="default-weights"),
    # 40 x 311/550 = 12440/550 = 1244/55; the SKB part is 0
    pytest.param(311, "0", 40, 60, 500, Fraction(1244, 55), id="no-skb"),
    pytest.param(550, "500", 40, 60, 500, Fraction(100), id="both-maxima"),
    pytest.param(0, "0", 40, 60, 500, Fraction(0), id="zero"),
    # 30 x 400/550 = 240/11 = 480/22; 70 x 300/400 = 105/2 = 1155/22; 1635/22 = 74.31818...
    pytest.param(400, "300", 30, 70, 400, Fraction(1635, 22), id="weights-30-70-skb-max-400"),
    # 40 x 440/550 = 32; 60 x 300.15/400 = 45.0225; 77.0225 = 30809/400
    pytest.param(440, "300.15", 40, 60, 400, Fraction(30809, 400), id="skb-with-cents"),
    # 40 x 397/550 = 1588/55; 60 x 406.67/500 = 48.8004 = 122001/2500;
    # (1588 x 500 + 122001 x 11) / 27500 = 2136011/27500 = 77.673127...
    pytest.param(397, "406.67", 40, 60, 500, Fraction(2136011, 27500), id="near-77.673"),
]


@pytest.mark.parametrize(("skd", "skb", "skd_weight", "skb_weight", "skb_max", "expected"), EXACT)
def test_it_computes_the_final_score_as_an_exact_fraction(
    skd, skb, skd_weight, skb_weight, skb_max, expected
):
    ratio = skb_ratio(skb=Decimal(skb), skb_max=skb_max)
    exact = final_score_exact(
        skd_total=skd, skd_max=550, ratio=ratio, skd_weight=skd_weight, skb_weight=skb_weight
    )
    assert isinstance(exact, Fraction)
    assert exact == expected


def test_it_weighs_the_skb_parts_by_their_weights_and_maxima():
    # CAT 60 % of 500, interview 40 % of 100: 0.6 x 411.12/500 + 0.4 x 80/100
    # = 0.493344 + 0.32 = 0.813344 = 50834/62500
    ratio = skb_ratio(parts=[(60, Decimal("411.12"), 500), (40, Decimal("80"), 100)])
    assert ratio == Fraction(813344, 1000000) == Fraction(50834, 62500)


# --- rounded once, for display -----------------------------------------------------------------

DISPLAY = [
    pytest.param(Fraction(848, 11), "77.091", id="77.0909..-up"),
    pytest.param(Fraction(1244, 55), "22.618", id="22.6181..-down"),
    pytest.param(Fraction(1635, 22), "74.318", id="74.3181..-down"),
    pytest.param(Fraction(2136011, 27500), "77.673", id="77.67312..-down"),
    # Exactly on a half: up, also where half-even would go down (the digit before is even).
    pytest.param(Fraction(770225, 10000), "77.023", id="77.0225-half-up"),
    pytest.param(Fraction(770245, 10000), "77.025", id="77.0245-half-up"),
    pytest.param(Fraction(1, 2000), "0.001", id="0.0005-half-up"),
    # Just below or above the half.
    pytest.param(Fraction(770225, 10000) - Fraction(1, 10**9), "77.022", id="below-half"),
    pytest.param(Fraction(770225, 10000) + Fraction(1, 10**9), "77.023", id="above-half"),
    # Rounded once: a value a hair below the half must not first round to the half (28 digits
    # of a Decimal division) and then up.
    pytest.param(Fraction(770225, 10000) - Fraction(1, 10**30), "77.022", id="1e-30-below-half"),
    pytest.param(Fraction(1, 2000) - Fraction(1, 10**40), "0.000", id="1e-40-below-0.0005"),
    pytest.param(Fraction(999995, 10000), "100.000", id="carry-to-100"),
    pytest.param(Fraction(100), "100.000", id="100"),
    pytest.param(Fraction(0), "0.000", id="0"),
]


@pytest.mark.parametrize(("value", "shown"), DISPLAY)
def test_it_rounds_the_exact_score_once_half_up_to_three_decimals(value, shown):
    result = display_score(value)
    assert result == Decimal(shown)
    assert str(result) == shown  # three decimals, as stored in final_score (3 dp)


def test_it_shows_the_final_score_of_one_skb_score_rounded_once():
    # 40 x 440/550 + 60 x 300.15/400 = 32 + 45.0225 = 77.0225: half up
    shown = final_score(
        skd_total=440, skb=Decimal("300.15"), skd_weight=40, skb_weight=60, skb_max=400
    )
    assert str(shown) == "77.023"


# --- the order of the rules, as a key ----------------------------------------------------------


def _row(exact, twk, tiu, tkp, *, gpa="3.41", born=date(1998, 4, 12)):
    return {
        "_exact": exact,
        "skd_total": twk + tiu + tkp,
        "twk": twk,
        "tiu": tiu,
        "tkp": tkp,
        "application__applicant__applicant_profile__gpa": Decimal(gpa) if gpa else None,
        "application__applicant__applicant_profile__birth_date": born,
    }


TIE = Fraction(848, 11)
KEY_ORDER = [
    # The smallest difference that the exact scores of two applicants can have here: 13/27500.
    pytest.param(
        _row(Fraction(2136011, 27500), 100, 100, 197),
        _row(Fraction(1067999, 13750), 100, 100, 198),
        id="exact-score-before-skd-total",
    ),
    # SKD 433 before 400, although its TKP (203 < 225) is lower
    pytest.param(_row(TIE, 100, 130, 203), _row(TIE, 90, 85, 225), id="skd-total-before-tkp"),
    pytest.param(_row(TIE, 100, 95, 205), _row(TIE, 100, 100, 200), id="tkp-before-tiu"),
    pytest.param(_row(TIE, 95, 105, 200), _row(TIE, 100, 100, 200), id="tiu-before-twk"),
    pytest.param(
        _row(TIE, 100, 100, 200, gpa="3.42"),
        _row(TIE, 100, 100, 200, gpa="3.41", born=date(1980, 1, 1)),
        id="gpa-before-age",
    ),
    pytest.param(
        _row(TIE, 100, 100, 200, gpa="3.41"), _row(TIE, 100, 100, 200, gpa=None), id="no-gpa-last"
    ),
    pytest.param(
        _row(TIE, 100, 100, 200, born=date(1998, 4, 11)),
        _row(TIE, 100, 100, 200, born=date(1998, 4, 12)),
        id="older-by-one-day",
    ),
]


@pytest.mark.parametrize(("better", "worse"), KEY_ORDER)
def test_it_orders_by_the_rules_of_1_8_in_their_order(better, worse):
    assert final_rule_key(better) < final_rule_key(worse)


def test_it_has_no_rule_left_for_applicants_equal_on_every_rule():
    assert final_rule_key(_row(TIE, 100, 100, 200)) == final_rule_key(_row(TIE, 100, 100, 200))


# --- the ranking on exact scores (rank_period, PostgreSQL) -------------------------------------

# (period's rule values, winner, loser, the winner's and the loser's displayed score). Scores:
# (twk, tiu, tkp, SKB), plus GPA and birth date where they decide. The loser registers first
# (a lower registration number), so that the registration number would favour the wrong one.
BORN = date(1998, 4, 12)
FINAL_ORDER = [
    pytest.param(
        {},
        # 40 x 397/550 + 60 x 406.67/500 = 28.87272.. + 48.8004 = 77.67312.. -> 77.673
        {"scores": (100, 100, 197), "skb": "406.67"},
        # 40 x 398/550 + 60 x 406.06/500 = 28.94545.. + 48.7272 = 77.67265.. -> 77.673
        # The winner is higher by 13/27500 (0.00047); the loser has the higher SKD total.
        {"scores": (100, 100, 198), "skb": "406.06"},
        ("77.673", "77.673"),
        id="false-tie-exact-beats-higher-skd",
    ),
    pytest.param(
        {"skd_weight": 30, "skb_weight": 70, "skb_max": 400},
        # 30 x 400/550 + 70 x 300/400 = 21.81818.. + 52.5 = 74.31818.. -> 74.318
        {"scores": (100, 100, 200), "skb": "300"},
        # 30 x 405/550 + 70 x 298.44/400 = 22.09090.. + 52.227 = 74.31790.. -> 74.318
        # The winner is higher by 3/11000 (0.00027); the loser has the higher SKD total.
        {"scores": (100, 100, 205), "skb": "298.44"},
        ("74.318", "74.318"),
        id="false-tie-period-weights-30-70-skb-max-400",
    ),
    pytest.param(
        {},
        # 40 x 433/550 + 60 x 380/500 = 1732/55 + 2508/55 = 4240/55 = 848/11
        {"scores": (100, 130, 203), "skb": "380"},
        # 40 x 400/550 + 60 x 400/500 = 1600/55 + 2640/55 = 4240/55 = 848/11: an exact tie;
        # the loser has the higher TKP (225 > 203): the SKD total comes first
        {"scores": (90, 85, 225), "skb": "400"},
        ("77.091", "77.091"),
        id="exact-tie-higher-skd-total-lower-tkp",
    ),
    pytest.param(
        {},
        {"scores": (100, 95, 205), "skb": "400"},  # SKD 400 as well: 848/11
        {"scores": (100, 100, 200), "skb": "400"},
        ("77.091", "77.091"),
        id="exact-tie-same-skd-higher-tkp-lower-tiu",
    ),
    pytest.param(
        {},
        {"scores": (95, 105, 200), "skb": "400"},
        {"scores": (100, 100, 200), "skb": "400"},
        ("77.091", "77.091"),
        id="exact-tie-same-tkp-higher-tiu-lower-twk",
    ),
    pytest.param(
        {},
        {"scores": (100, 100, 200), "skb": "400", "gpa": "3.42", "birth_date": BORN},
        {"scores": (100, 100, 200), "skb": "400", "gpa": "3.41", "birth_date": date(1990, 1, 1)},
        ("77.091", "77.091"),
        id="same-scores-gpa-by-0.01-before-age",
    ),
    pytest.param(
        {},
        {"scores": (100, 100, 200), "skb": "400", "birth_date": date(1998, 4, 11)},
        {"scores": (100, 100, 200), "skb": "400", "birth_date": BORN},
        ("77.091", "77.091"),
        id="same-scores-and-gpa-older-by-one-day",
    ),
]


def _sit(f, spec, number):
    twk, tiu, tkp = spec["scores"]
    return scored(
        f,
        twk,
        tiu,
        tkp,
        skb=spec["skb"],
        gpa=spec.get("gpa", "3.41"),
        birth_date=spec.get("birth_date", BORN),
        number=number,
    )


@pytest.mark.parametrize(("rules", "winner", "loser", "shown"), FINAL_ORDER)
def test_it_ranks_on_the_exact_score_then_the_tie_break_rules(rules, winner, loser, shown):
    period = scored_period(**rules)
    f = formation(period, quota=1)
    lost = _sit(f, loser, f"A-{f.pk}")
    won = _sit(f, winner, f"B-{f.pk}")
    summary = rank_period(period=period)
    first, second = result_of(won), result_of(lost)
    assert (first.final_rank, first.final_code) == (1, FinalCode.L)
    assert (second.final_rank, second.final_code) == (2, FinalCode.TL)
    assert (str(first.final_score), str(second.final_score)) == shown
    assert (first.boundary_tie, second.boundary_tie) == (False, False)
    assert summary.boundary_ties == []


def test_it_ranks_skb_parts_on_the_exact_score_and_shows_each_rounded_once():
    period = scored_period()
    f = formation(period, quota=1)
    cat = SkbPart.objects.create(formation=f, kind="cat", code="cat", weight=60, max_score=500)
    interview = SkbPart.objects.create(
        formation=f, kind="interview", code="wawancara", weight=40, max_score=100
    )
    # 40 x 398/550 + 60 x (0.6 x 410.10/500 + 0.4 x 80/100) = 28.94545.. + 60 x 0.81212
    # = 28.94545.. + 48.7272 = 77.67265.. -> 77.673; the SKB of 100: 81.212
    loser = scored(f, 100, 100, 198, skb_presence="present", number=f"A-{f.pk}")
    # 40 x 397/550 + 60 x (0.6 x 411.12/500 + 0.4 x 80/100) = 28.87272.. + 60 x 0.813344
    # = 28.87272.. + 48.80064 = 77.67336.. -> 77.673 (higher by 49/68750); SKB: 81.3344 -> 81.334
    winner = scored(f, 100, 100, 197, skb_presence="present", number=f"B-{f.pk}")
    for app, cat_score in ((loser, "410.10"), (winner, "411.12")):
        result = result_of(app)
        SkbScore.objects.create(result=result, part=cat, score=Decimal(cat_score))
        SkbScore.objects.create(result=result, part=interview, score=Decimal("80"))
    rank_period(period=period)
    won, lost = result_of(winner), result_of(loser)
    assert (won.final_code, lost.final_code) == (FinalCode.L, FinalCode.TL)
    assert (str(won.final_score), str(lost.final_score)) == ("77.673", "77.673")
    assert (str(won.skb_weighted), str(lost.skb_weighted)) == ("81.334", "81.212")


def test_it_stores_a_score_exactly_on_the_half_rounded_up():
    period = scored_period(skb_max=400)
    # 40 x 440/550 + 60 x 300.15/400 = 32 + 45.0225 = 77.0225 -> 77.023
    app = scored(formation(period, quota=1), 100, 140, 200, skb="300.15")
    rank_period(period=period)
    assert str(result_of(app).final_score) == "77.023"


def test_it_flags_applicants_equal_on_every_rule_across_the_quota():
    period = scored_period()
    f = formation(period, quota=2)
    # 40 x 450/550 + 60 x 450/500 = 360/11 + 54 = 954/11 = 86.7272.. -> 86.727
    best = scored(f, 100, 130, 220, skb="450", number=f"A-{f.pk}")
    # Both 848/11 (77.091) by different paths: SKD 433 with SKB 380, SKD 400 with SKB 400; the
    # SKD total then decides (433 before 400), so these two are not a full tie ...
    not_tied = scored(f, 100, 130, 203, skb="380", number=f"B-{f.pk}")
    # ... but these two are equal on every rule, across the quota of 2: ranks 3 and 4.
    tied_z = scored(f, 100, 100, 200, skb="400", number=f"Z-{f.pk}")
    tied_c = scored(f, 100, 100, 200, skb="400", number=f"C-{f.pk}")
    summary = rank_period(period=period)
    assert summary.boundary_ties == []  # ranks 2 and 3 differ: the quota boundary is clean
    assert [result_of(a).final_rank for a in (best, not_tied, tied_c, tied_z)] == [1, 2, 3, 4]

    f_two = formation(period, quota=3)
    scored(f_two, 100, 130, 220, skb="450", number=f"A-{f_two.pk}")
    scored(f_two, 100, 130, 203, skb="380", number=f"B-{f_two.pk}")
    z = scored(f_two, 100, 100, 200, skb="400", number=f"Z-{f_two.pk}")
    c = scored(f_two, 100, 100, 200, skb="400", number=f"C-{f_two.pk}")
    summary = rank_period(period=period)
    assert summary.boundary_ties == [f_two.pk]
    assert boundary_ties(period) == {f_two.pk: (3, 4)}
    # The registration number only orders the display: C before Z, and both are flagged.
    assert [(result_of(a).final_rank, result_of(a).final_code) for a in (c, z)] == [
        (3, FinalCode.L),
        (4, FinalCode.TL),
    ]
    assert (result_of(c).boundary_tie, result_of(z).boundary_tie) == (True, True)
    assert result_of(tied_c).boundary_tie is False  # the first formation's tie is inside no cut
