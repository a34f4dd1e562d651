"""The ranking of a PPPK period (docs/domain.md 1.12): per formation, among those who sat the whole
competency test (and reached the period's passing grades when it sets them), the priority group
in the period's order, then the total, then the period's tie-break order; the best `quota` pass
(L). Applicants equal on every rule across the quota are flagged for HR.

Totals are worked out by hand: technical + managerial + socio-cultural + interview (maxima 450,
100, 80 and 40 by default)."""

from datetime import date
from decimal import Decimal

import pytest

from recruitment.models import (
    AdminResult,
    Application,
    ExamResult,
    FinalCode,
    Presence,
)
from recruitment.selectors.ranking import boundary_ties
from recruitment.services.ranking import rank_period
from tests.factories import PositionFactory
from tests.recruitment.factories_scores import application, formation, result_of, scored_period
from workforce.models import AsnType

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

BORN = date(1990, 5, 2)


def pppk_period(**rules):
    return scored_period(procurement_type="PPPK", age_min=20, age_max=59, **rules)


def pppk_formation(period, *, quota=1, category="umum", position=None):
    return formation(
        period,
        quota=quota,
        category=category,
        asn_type=AsnType.PPPK,
        position=position or PositionFactory(asn_type=AsnType.PPPK),
    )


def sat(f, scores=(None, None, None, None), *, group="umum", presence=Presence.PRESENT, **kwargs):
    """An application with its competency test: (technical, managerial, socio-cultural,
    interview)."""
    kwargs.setdefault("birth_date", BORN)
    app = application(f, **kwargs)
    Application.objects.filter(pk=app.pk).update(priority_group=group)
    teknis, manajerial, sosiokultural, wawancara = scores
    ExamResult.objects.create(
        application=app,
        pppk_presence=presence,
        teknis=teknis,
        manajerial=manajerial,
        sosiokultural=sosiokultural,
        wawancara=wawancara,
    )
    return app


def _outcome(app):
    result = result_of(app)
    return result.final_rank, result.final_code


# --- the order: priority group, total, tie-break order -----------------------------------------

# (period's rule values, winner, loser): each (scores, extra), the loser registered first.
ORDER = [
    pytest.param(
        {},
        ((200, 50, 40, 20), {"group": "thk2"}),  # 310
        ((450, 100, 80, 40), {"group": "umum"}),  # 670, the maximum
        id="thk2-before-umum-whatever-the-total",
    ),
    pytest.param(
        {},
        ((200, 50, 40, 20), {"group": "thk2"}),  # 310
        ((400, 90, 70, 35), {"group": "non_asn"}),  # 595
        id="thk2-before-non_asn",
    ),
    pytest.param(
        {},
        ((200, 50, 40, 20), {"group": "non_asn"}),  # 310
        ((400, 90, 70, 35), {"group": "umum"}),  # 595
        id="non_asn-before-umum",
    ),
    pytest.param(
        {"pppk_priority_order": "umum,non_asn,thk2"},
        ((200, 50, 40, 20), {"group": "umum"}),
        ((400, 90, 70, 35), {"group": "thk2"}),
        id="order-reversed-umum-first",
    ),
    pytest.param(
        {"pppk_priority_order": "non_asn,thk2,umum"},
        ((200, 50, 40, 20), {"group": "non_asn"}),
        ((400, 90, 70, 35), {"group": "thk2"}),
        id="order-changed-non_asn-before-thk2",
    ),
    pytest.param(
        {"pppk_priority_order": "non_asn,thk2"},
        ((200, 50, 40, 20), {"group": "thk2"}),
        ((400, 90, 70, 35), {"group": "umum"}),
        id="a-group-left-out-of-the-order-comes-last",
    ),
    pytest.param(
        {},
        ((300, 70, 60, 31), {}),  # 461
        ((305, 70, 60, 25), {}),  # 460, with the higher technical score
        id="same-group-total-by-one-point-before-teknis",
    ),
    pytest.param(
        {},
        ((305, 70, 60, 25), {}),  # 460, technical 305
        ((300, 75, 60, 25), {}),  # 460, technical 300, managerial + socio-cultural 135 > 130
        id="equal-total-teknis-before-manajerial-sosiokultural",
    ),
    pytest.param(
        {},
        ((300, 60, 80, 20), {}),  # 460, managerial + socio-cultural 140
        ((300, 79, 60, 21), {}),  # 460, 139: the higher managerial and interview do not count
        id="equal-total-and-teknis-manajerial-plus-sosiokultural-as-a-sum",
    ),
    pytest.param(
        {"pppk_tie_break": "manajerial_sosiokultural,teknis,wawancara,older"},
        ((300, 80, 60, 20), {}),  # 460, managerial + socio-cultural 140
        ((305, 75, 60, 20), {}),  # 460, 135, with the higher technical score
        id="tie-break-order-changed-manajerial-sosiokultural-first",
    ),
    pytest.param(
        {"pppk_tie_break": "wawancara,teknis,manajerial_sosiokultural,older"},
        ((295, 70, 60, 35), {}),  # 460, interview 35
        ((305, 70, 60, 25), {}),  # 460, interview 25, technical 305
        id="tie-break-order-changed-wawancara-first",
    ),
    pytest.param(
        {},
        ((300, 70, 60, 30), {"birth_date": date(1990, 5, 1)}),
        ((300, 70, 60, 30), {"birth_date": BORN}),
        id="equal-on-every-score-older-by-one-day",
    ),
    pytest.param(
        {"pppk_tie_break": "teknis,manajerial_sosiokultural,wawancara,gpa,older"},
        ((300, 70, 60, 30), {"gpa": "3.42"}),
        ((300, 70, 60, 30), {"gpa": "3.41", "birth_date": date(1980, 1, 1)}),
        id="gpa-in-the-order-before-older",
    ),
]


@pytest.mark.parametrize(("rules", "winner", "loser"), ORDER)
def test_it_orders_by_priority_group_total_and_the_periods_tie_break(rules, winner, loser):
    period = pppk_period(**rules)
    f = pppk_formation(period, quota=1)
    lost = sat(f, loser[0], number=f"A-{f.pk}", **loser[1])
    won = sat(f, winner[0], number=f"B-{f.pk}", **winner[1])
    summary = rank_period(period=period)
    assert _outcome(won) == (1, FinalCode.L)
    assert _outcome(lost) == (2, FinalCode.TL)
    assert result_of(won).final_score == Decimal(sum(winner[0]))
    assert result_of(lost).final_score == Decimal(sum(loser[0]))
    assert summary.boundary_ties == []
    assert (result_of(won).skd_code, result_of(won).skd_rank) == ("", None)  # no SKD in PPPK


def test_it_changes_the_result_when_the_period_changes_its_priority_order():
    period = pppk_period()
    f = pppk_formation(period, quota=1)
    thk2 = sat(f, (200, 50, 40, 20), group="thk2")  # 310
    umum = sat(f, (400, 90, 70, 35), group="umum")  # 595
    rank_period(period=period)
    assert (_outcome(thk2), _outcome(umum)) == ((1, FinalCode.L), (2, FinalCode.TL))
    period.pppk_priority_order = "umum,thk2,non_asn"
    period.save(update_fields=["pppk_priority_order"])
    rank_period(period=period)
    assert (_outcome(umum), _outcome(thk2)) == ((1, FinalCode.L), (2, FinalCode.TL))


# --- passing grades ----------------------------------------------------------------------------

GRADES = {
    "pppk_passing_grade": True,
    "pppk_teknis_min": 200,
    "pppk_manajerial_sosiokultural_min": 130,
    "pppk_wawancara_min": 20,
}

# (scores, passes) with the minima of GRADES: technical 200, managerial + socio-cultural 130,
# interview 20; exactly on a minimum passes.
GRADE_EDGES = [
    pytest.param((200, 70, 60, 20), True, id="exactly-on-every-minimum"),
    pytest.param((205, 71, 60, 21), True, id="one-above-every-minimum"),
    pytest.param((199, 100, 80, 40), False, id="teknis-one-below"),
    pytest.param((195, 100, 80, 40), False, id="teknis-one-answer-below"),
    pytest.param((450, 69, 60, 40), False, id="manajerial-sosiokultural-one-below"),
    pytest.param((450, 70, 59, 40), False, id="sosiokultural-makes-the-sum-one-below"),
    pytest.param((450, 100, 80, 19), False, id="wawancara-one-below"),
]


@pytest.mark.parametrize(("scores", "passes"), GRADE_EDGES)
def test_it_ranks_only_who_reaches_every_minimum(scores, passes):
    period = pppk_period(**GRADES)
    f = pppk_formation(period, quota=5)
    app = sat(f, scores)
    rank_period(period=period)
    result = result_of(app)
    assert result.final_code == (FinalCode.L if passes else FinalCode.TL)
    assert result.final_rank == (1 if passes else None)  # below a minimum: not ranked at all
    assert result.final_score == Decimal(sum(scores))


def test_it_ranks_everyone_who_sat_the_test_when_the_period_has_no_passing_grade():
    period = pppk_period(**{**GRADES, "pppk_passing_grade": False})
    f = pppk_formation(period, quota=1)
    low = sat(f, (5, 25, 20, 0))  # 50: far below every minimum, still ranked
    high = sat(f, (195, 69, 60, 19))  # 343
    rank_period(period=period)
    assert (_outcome(high), _outcome(low)) == ((1, FinalCode.L), (2, FinalCode.TL))


def test_it_does_not_check_a_minimum_left_empty():
    period = pppk_period(**{**GRADES, "pppk_wawancara_min": None})
    app = sat(pppk_formation(period, quota=1), (200, 70, 60, 0))
    rank_period(period=period)
    assert _outcome(app) == (1, FinalCode.L)


def test_it_gives_the_place_of_a_priority_applicant_below_a_minimum_to_the_next():
    period = pppk_period(**GRADES)
    f = pppk_formation(period, quota=1)
    below = sat(f, (450, 100, 80, 19), group="thk2")  # interview one below
    umum = sat(f, (200, 70, 60, 20), group="umum")  # exactly on every minimum
    rank_period(period=period)
    assert _outcome(below) == (None, FinalCode.TL)
    assert _outcome(umum) == (1, FinalCode.L)


# --- the quota ---------------------------------------------------------------------------------


def test_it_passes_the_best_quota_in_the_priority_order():
    period = pppk_period()
    f = pppk_formation(period, quota=2)
    a = sat(f, (400, 90, 70, 35), group="umum")  # 595
    b = sat(f, (400, 90, 70, 36), group="umum")  # 596
    c = sat(f, (150, 40, 30, 10), group="thk2")  # 230
    d = sat(f, (400, 90, 70, 34), group="umum")  # 594
    e = sat(f, (160, 40, 30, 10), group="non_asn")  # 240
    rank_period(period=period)
    # thk2 (230), non_asn (240), then umum by total 596, 595, 594: quota 2
    assert [_outcome(x) for x in (c, e, b, a, d)] == [
        (1, FinalCode.L),
        (2, FinalCode.L),
        (3, FinalCode.TL),
        (4, FinalCode.TL),
        (5, FinalCode.TL),
    ]


def test_it_ranks_each_formation_on_its_own_quota():
    period = pppk_period()
    one, two = pppk_formation(period, quota=1), pppk_formation(period, quota=2)
    first = sat(one, (300, 70, 60, 30))  # 460
    second = sat(one, (300, 70, 60, 29))  # 459
    weak = sat(two, (100, 30, 20, 10))  # 160: alone in its formation, within its quota
    rank_period(period=period)
    assert [_outcome(x) for x in (first, second, weak)] == [
        (1, FinalCode.L),
        (2, FinalCode.TL),
        (1, FinalCode.L),
    ]


# --- full ties at the quota boundary -----------------------------------------------------------


def test_it_flags_applicants_equal_on_every_rule_across_the_quota():
    period = pppk_period()
    f = pppk_formation(period, quota=2)
    best = sat(f, (300, 70, 60, 31), number=f"A-{f.pk}")  # 461
    tied_z = sat(f, (300, 70, 60, 30), number=f"Z-{f.pk}")  # 460
    tied_c = sat(f, (300, 70, 60, 30), number=f"C-{f.pk}")  # 460, same birth date and group
    summary = rank_period(period=period)
    assert summary.boundary_ties == [f.pk]
    assert boundary_ties(period) == {f.pk: (2, 3)}
    # The registration number only keeps the display stable.
    assert [_outcome(x) for x in (best, tied_c, tied_z)] == [
        (1, FinalCode.L),
        (2, FinalCode.L),
        (3, FinalCode.TL),
    ]
    assert [result_of(x).boundary_tie for x in (best, tied_c, tied_z)] == [False, True, True]


# (period's rule values, the two applicants' differences, quota 1): whether it is a full tie.
BOUNDARY = [
    pytest.param({}, ({}, {}), True, id="identical"),
    pytest.param({}, ({"birth_date": date(1990, 5, 1)}, {}), False, id="one-day-older-is-a-rule"),
    pytest.param(
        {"pppk_tie_break": "teknis,manajerial_sosiokultural,wawancara"},
        ({"birth_date": date(1990, 5, 1)}, {}),
        True,
        id="age-is-no-rule-of-this-period",
    ),
    pytest.param({}, ({"gpa": "3.90"}, {}), True, id="gpa-is-no-rule-by-default"),
    pytest.param({}, ({"group": "non_asn"}, {}), False, id="another-priority-group"),
]


@pytest.mark.parametrize(("rules", "extras", "tied"), BOUNDARY)
def test_it_flags_a_boundary_tie_only_when_the_periods_rules_end(rules, extras, tied):
    period = pppk_period(**rules)
    f = pppk_formation(period, quota=1)
    first = sat(f, (300, 70, 60, 30), **extras[0])
    second = sat(f, (300, 70, 60, 30), **extras[1])
    summary = rank_period(period=period)
    assert summary.boundary_ties == ([f.pk] if tied else [])
    assert {result_of(first).boundary_tie, result_of(second).boundary_tie} == {tied}
    assert sorted(_outcome(x) for x in (first, second)) == [(1, FinalCode.L), (2, FinalCode.TL)]
    if not tied:
        assert _outcome(first) == (1, FinalCode.L)


def test_it_does_not_flag_a_full_tie_inside_the_quota():
    period = pppk_period()
    f = pppk_formation(period, quota=2)
    sat(f, (300, 70, 60, 30))
    sat(f, (300, 70, 60, 30))
    sat(f, (300, 70, 60, 29))
    assert rank_period(period=period).boundary_ties == []
    assert boundary_ties(period) == {}


# --- absent, disqualified, not scored yet, TMS, withdrawn ----------------------------------------


def test_it_gives_th_dis_tms_aps_and_leaves_unscored_rows_without_a_code():
    period = pppk_period()
    f = pppk_formation(period, quota=1)
    absent = sat(f, presence=Presence.ABSENT, group="thk2")
    disqualified = sat(f, (450, 100, 80, 40), presence=Presence.DISQUALIFIED, group="thk2")
    incomplete = sat(f, (450, 100, 80, None), group="thk2")  # the interview is not in yet
    no_attendance = sat(f, presence="", group="thk2")
    tms = sat(f, (450, 100, 80, 40), announced_result=AdminResult.TMS, group="thk2")
    withdrawn = sat(f, (450, 100, 80, 40), status=Application.Status.WITHDRAWN, group="thk2")
    scored_one = sat(f, (100, 30, 20, 10), group="umum")  # 160, the only one ranked
    summary = rank_period(period=period)
    assert [_outcome(x) for x in (absent, disqualified, incomplete, no_attendance)] == [
        (None, FinalCode.TH),
        (None, FinalCode.DIS),
        (None, ""),
        (None, ""),
    ]
    assert [_outcome(x) for x in (tms, withdrawn)] == [(None, FinalCode.TMS), (None, FinalCode.APS)]
    assert _outcome(scored_one) == (1, FinalCode.L)
    assert result_of(incomplete).final_score is None
    assert (summary.total, summary.unscored) == (7, 2)
    assert summary.final == {"TH": 1, "DIS": 1, "TMS": 1, "APS": 1, "L": 1}
    assert summary.skd == {}


def test_it_ranks_the_rest_again_once_a_missing_score_arrives():
    period = pppk_period()
    f = pppk_formation(period, quota=1)
    waiting = sat(f, (450, 100, 80, None))
    other = sat(f, (300, 70, 60, 30))  # 460
    rank_period(period=period)
    assert (_outcome(waiting), _outcome(other)) == ((None, ""), (1, FinalCode.L))
    ExamResult.objects.filter(application=waiting).update(wawancara=40)  # 670
    rank_period(period=period)
    assert (_outcome(waiting), _outcome(other)) == ((1, FinalCode.L), (2, FinalCode.TL))
