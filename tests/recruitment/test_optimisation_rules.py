"""The optimisation of unfilled formations (docs/domain.md 1.9-1.10): proposals of applicants of
other formations with the same position and education level who reached the passing grade,
in the order of the final ranking's rules (never the registration number); a special formation
goes first to general applicants at the same location; the code of each placement comes from the
optimisation codes; a place given back (declined or cancelled appointment) can be offered again;
a confirmation is refused once the formation is full."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from recruitment.models import (
    Appointment,
    ExamResult,
    FinalCode,
    OptimisationCode,
    OptimisationOffer,
    Presence,
)
from recruitment.services.appointments import appointment_decline
from recruitment.services.optimisation import optimisation_codes_ensure
from recruitment.services.ranking import (
    RankingError,
    optimisation_decide,
    optimisation_propose,
    rank_period,
)
from tests.factories import PositionFactory, UnitFactory
from tests.recruitment.factories_scores import (
    application,
    formation,
    result_of,
    scored,
    scored_period,
)
from workforce.models import AsnType

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

BORN = date(1998, 4, 12)
# Better than every other applicant here: 40 x 490/550 + 60 x 480/500 = 35.6363.. + 57.6
BEST = {"twk": 120, "tiu": 150, "tkp": 220, "skb": "480"}
# 40 x 400/550 + 60 x 400/500 = 320/11 + 48 = 848/11 = 77.0909..
SAME = {"twk": 100, "tiu": 100, "tkp": 200, "skb": "400"}


def perawat(unit):
    return PositionFactory(unit=unit, name="Perawat")


def sit(f, spec, **kwargs):
    """An applicant with SKD (and SKB when the spec has one) scores."""
    return scored(
        f,
        spec["twk"],
        spec["tiu"],
        spec["tkp"],
        skb=spec.get("skb"),
        gpa=spec.get("gpa", "3.41"),
        birth_date=spec.get("birth_date", BORN),
        **kwargs,
    )


def spec(twk, tiu, tkp, skb=None, **extra):
    return {"twk": twk, "tiu": tiu, "tkp": tkp, "skb": skb, **extra}


def proposals(period):
    return [(o.formation_id, o.application_id, o.code) for o in optimisation_propose(period=period)]


def decline_all_in_turn(period, hr):
    """Propose, note who got the one offer, decline it, until nobody is left: the order in
    which the optimisation offers one place."""
    order = []
    for _round in range(10):
        offers = optimisation_propose(period=period)
        if not offers:
            return order
        assert len(offers) == 1, offers
        order.append(offers[0].application_id)
        optimisation_decide(offer=offers[0], confirm=False, actor=hr)
    raise AssertionError("the optimisation does not end")


# --- the order of the final ranking ------------------------------------------------------------

# (better, worse, from two source formations): the better is proposed for the one place; the
# worse registers first (the lower registration number). Exact scores worked out by hand.
ORDER = [
    pytest.param(
        # 40 x 397/550 + 60 x 406.67/500 = 77.67312.. (shown 77.673)
        spec(100, 100, 197, "406.67"),
        # 40 x 398/550 + 60 x 406.06/500 = 77.67265.. (shown 77.673), the higher SKD
        spec(100, 100, 198, "406.06"),
        False,
        id="false-tie-exact-score",
    ),
    pytest.param(
        spec(100, 100, 197, "406.67"), spec(100, 100, 198, "406.06"), True, id="false-tie-across"
    ),
    pytest.param(
        # both 848/11 exactly: SKD 433 + SKB 380 and SKD 400 + SKB 400; the SKD total decides,
        # before the TKP (203 < 225)
        spec(100, 130, 203, "380"),
        spec(90, 85, 225, "400"),
        True,
        id="exact-tie-skd-total-across",
    ),
    pytest.param(spec(100, 95, 205, "400"), spec(100, 100, 200, "400"), False, id="exact-tie-tkp"),
    pytest.param(spec(95, 105, 200, "400"), spec(100, 100, 200, "400"), False, id="exact-tie-tiu"),
    pytest.param(
        spec(100, 100, 200, "400", gpa="3.42"),
        spec(100, 100, 200, "400", gpa="3.41", birth_date=date(1980, 1, 1)),
        True,
        id="gpa-before-age-across",
    ),
    pytest.param(
        spec(100, 100, 200, "400", birth_date=date(1998, 4, 11)),
        spec(100, 100, 200, "400"),
        False,
        id="older-by-one-day",
    ),
]


@pytest.mark.parametrize(("better", "worse", "across"), ORDER)
def test_it_proposes_in_the_order_of_the_final_ranking(better, worse, across):
    period = scored_period()
    empty = formation(period, quota=1, position=perawat(UnitFactory()))
    crowded = formation(period, quota=1, position=perawat(UnitFactory()))
    other = formation(period, quota=1, position=perawat(UnitFactory())) if across else crowded
    sit(crowded, BEST)
    if across:
        sit(other, BEST)
    lost = sit(crowded, worse, number=f"A-{crowded.pk}")
    won = sit(other, better, number=f"B-{crowded.pk}")
    rank_period(period=period)
    assert (result_of(won).final_code, result_of(lost).final_code) == ("TL", "TL")
    assert proposals(period) == [(empty.pk, won.pk, FinalCode.L2)]


def test_it_offers_one_place_to_finalists_by_final_score_then_to_skd_passers(hr):
    period = scored_period()  # 3 x the quota go to the SKB
    empty = formation(period, quota=1, position=perawat(UnitFactory()))
    crowded = formation(period, quota=1, position=perawat(UnitFactory()))
    small = formation(period, quota=1, position=perawat(UnitFactory()))
    sit(crowded, BEST)
    # 40 x 480/550 + 60 x 400/500 = 34.909.. + 48 = 82.909..
    r1 = sit(crowded, spec(120, 140, 220, "400"))
    # 40 x 470/550 + 60 x 400/500 = 34.181.. + 48 = 82.181..
    r2 = sit(crowded, spec(110, 140, 220, "400"))
    # SKD rank 4 > 3: P, never sat the SKB, though its SKD (460) beats the finalist below
    only_skd = sit(crowded, spec(100, 140, 220))
    below_grade = sit(crowded, spec(64, 175, 225))  # TL at the SKD (TWK below 65): no offer
    sit(small, BEST)
    # 40 x 320/550 + 60 x 100/500 = 23.272.. + 12 = 35.272..: a finalist, last of them
    weak = sit(small, spec(65, 85, 170, "100"))
    rank_period(period=period)
    assert result_of(only_skd).skd_code == "P"
    assert result_of(below_grade).skd_code == "TL"
    assert decline_all_in_turn(period, hr) == [r1.pk, r2.pk, weak.pk, only_skd.pk]
    assert not OptimisationOffer.objects.filter(application=below_grade).exists()
    assert empty.optimisation_offers.count() == 4


def test_it_proposes_only_the_same_position_name_and_education_level():
    period = scored_period()
    empty = formation(period, quota=1, position=perawat(UnitFactory()))
    crowded = formation(period, quota=1, position=perawat(UnitFactory()))
    graduates = formation(period, quota=1, position=perawat(UnitFactory()), education_level="S1")
    midwives = formation(period, quota=1, position=PositionFactory(name="Bidan"))
    for f in (crowded, graduates, midwives):
        sit(f, BEST)
    sit(graduates, spec(120, 140, 220, "450"))  # better, but S1 where D3 is asked
    sit(midwives, spec(120, 140, 220, "450"))  # better, but another position
    nurse = sit(crowded, SAME)
    rank_period(period=period)
    assert proposals(period) == [(empty.pk, nurse.pk, FinalCode.L2)]


def test_it_gives_an_applicant_one_open_offer_at_a_time():
    period = scored_period()
    first = formation(period, quota=1, position=perawat(UnitFactory()))
    second = formation(period, quota=1, position=perawat(UnitFactory()))
    crowded = formation(period, quota=1, position=perawat(UnitFactory()))
    sit(crowded, BEST)
    better = sit(crowded, SAME)  # 77.0909..
    next_one = sit(crowded, {**SAME, "tkp": 190})  # 76.3636..
    rank_period(period=period)
    assert sorted(proposals(period)) == [
        (first.pk, better.pk, FinalCode.L2),
        (second.pk, next_one.pk, FinalCode.L2),
    ]


# --- the codes ---------------------------------------------------------------------------------

# (category sat, category placed in, same unit, code): docs/domain.md 1.9, L-1 another formation
# type keeping the position (same location), L-2 another formation or location. General to
# general at the same unit cannot happen: a unit has one position of a name.
CODES = [
    pytest.param("umum", "cumlaude", True, FinalCode.L1, id="umum-to-khusus-same-unit-L-1"),
    pytest.param("umum", "cumlaude", False, FinalCode.L2, id="umum-to-khusus-elsewhere-L-2"),
    pytest.param("cumlaude", "umum", True, FinalCode.L1, id="khusus-to-umum-same-unit-L-1"),
    pytest.param("cumlaude", "umum", False, FinalCode.L2, id="khusus-to-umum-elsewhere-L-2"),
    pytest.param("umum", "umum", False, FinalCode.L2, id="umum-to-umum-elsewhere-L-2"),
    pytest.param(
        "disabilitas", "cumlaude", False, FinalCode.L2, id="khusus-to-khusus-elsewhere-L-2"
    ),
    pytest.param(
        "disabilitas",
        "cumlaude",
        True,
        FinalCode.L1,
        id="khusus-to-khusus-same-unit-L-1",
    ),
]


@pytest.mark.parametrize(("source", "target", "same_unit", "code"), CODES)
def test_it_gives_the_code_of_the_move(source, target, same_unit, code, hr):
    period = scored_period()
    here = perawat(UnitFactory())
    empty = formation(period, quota=1, position=here, category=target)
    sat_in = formation(
        period, quota=1, category=source, position=here if same_unit else perawat(UnitFactory())
    )
    sit(sat_in, BEST)
    runner_up = sit(sat_in, spec(100, 100, 200, "400"))
    rank_period(period=period)
    (offer,) = optimisation_propose(period=period)
    assert (offer.formation, offer.application, offer.code) == (empty, runner_up, code)
    optimisation_decide(offer=offer, confirm=True, actor=hr)
    result = result_of(runner_up)
    assert (result.final_code, result.placed_formation) == (code, empty)


# (code HR sets, category sat, category placed in, same unit): the sub-codes of 1.9 that HR
# sets in the optimisation codes when the announcement uses them.
HR_CODES = [
    pytest.param(FinalCode.U1, "umum", "disabilitas", True, id="U-1"),
    pytest.param(FinalCode.U3, "umum", "disabilitas", False, id="U-3"),
    pytest.param(FinalCode.E1, "cumlaude", "disabilitas", True, id="E-1"),
    pytest.param(FinalCode.E2, "cumlaude", "disabilitas", False, id="E-2"),
    pytest.param(FinalCode.E3, "cumlaude", "umum", True, id="E-3"),
]


def _kind(category):
    return "umum" if category == "umum" else "khusus"


@pytest.mark.parametrize(("code", "source", "target", "same_unit"), HR_CODES)
def test_it_uses_the_code_hr_set_and_counts_it_as_a_filled_place(
    code, source, target, same_unit, hr
):
    optimisation_codes_ensure()
    updated = OptimisationCode.objects.filter(
        from_kind=_kind(source), to_kind=_kind(target), same_location=same_unit
    ).update(code=code)
    assert updated == 1
    period = scored_period()
    here = perawat(UnitFactory())
    empty = formation(period, quota=1, position=here, category=target)
    sat_in = formation(
        period, quota=1, category=source, position=here if same_unit else perawat(UnitFactory())
    )
    sit(sat_in, BEST)
    first = sit(sat_in, spec(100, 100, 200, "400"))  # 848/11 = 77.0909..
    second = sit(sat_in, spec(100, 100, 190, "400"))  # 40 x 390/550 + 48 = 76.3636..
    rank_period(period=period)
    (offer,) = optimisation_propose(period=period)
    assert (offer.application, offer.code) == (first, code)
    optimisation_decide(offer=offer, confirm=True, actor=hr)
    assert (result_of(first).final_code, result_of(first).placed_formation) == (code, empty)
    assert optimisation_propose(period=period) == []  # the placement fills the place
    rank_period(period=period)  # a new ranking keeps HR's placement
    assert result_of(first).final_code == code
    appointment_decline(application=first, actor=hr, note="Too far from home")
    assert proposals(period) == [(empty.pk, second.pk, code)]


# --- a special formation: general applicants at the same location first ------------------------


def test_it_offers_a_special_formation_to_general_applicants_at_the_same_location_first(hr):
    period = scored_period()
    here, there = UnitFactory(), UnitFactory()
    nurse_here, nurse_there = perawat(here), perawat(there)
    formation(period, quota=1, position=nurse_here, category="cumlaude")  # the empty one
    general_here = formation(period, quota=1, position=nurse_here)
    general_there = formation(period, quota=1, position=nurse_there)
    special_here = formation(period, quota=1, position=nurse_here, category="disabilitas")
    special_there = formation(period, quota=1, position=nurse_there, category="disabilitas")
    runners_up = {}
    # The lower the group, the higher the score: only the group can put them in this order.
    for name, f, tkp in (
        ("general_here", general_here, 170),  # 40 x 370/550 + 48 = 74.909..
        ("general_there", general_there, 180),  # 40 x 380/550 + 48 = 75.636..
        ("special_here", special_here, 190),  # 40 x 390/550 + 48 = 76.363..
        ("special_there", special_there, 200),  # 40 x 400/550 + 48 = 77.090..
    ):
        sit(f, BEST)
        runners_up[name] = sit(f, spec(100, 100, tkp, "400"))
    rank_period(period=period)
    order = decline_all_in_turn(period, hr)
    names = {app.pk: name for name, app in runners_up.items()}
    assert [names[pk] for pk in order] == [
        "general_here",
        "general_there",
        "special_here",
        "special_there",
    ]


def test_it_offers_a_general_formation_at_the_same_location_first_then_by_score(hr):
    period = scored_period()
    here, there = UnitFactory(), UnitFactory()
    nurse_here, nurse_there = perawat(here), perawat(there)
    formation(period, quota=1, position=nurse_here)  # the empty one, general
    special_here = formation(period, quota=1, position=nurse_here, category="cumlaude")
    general_there = formation(period, quota=1, position=nurse_there)
    special_there = formation(period, quota=1, position=nurse_there, category="cumlaude")
    for f in (special_here, general_there, special_there):
        sit(f, BEST)
    near = sit(special_here, spec(100, 100, 170, "400"))  # 74.909..
    general = sit(general_there, spec(100, 100, 180, "400"))  # 75.636..
    special = sit(special_there, spec(100, 100, 190, "400"))  # 76.363..
    rank_period(period=period)
    assert decline_all_in_turn(period, hr) == [near.pk, special.pk, general.pk]


# --- ties at the last place --------------------------------------------------------------------

# (places to fill, the runners-up, which of them are proposed)
TIES = [
    pytest.param(1, [SAME, SAME], {0, 1}, id="two-identical-for-one-place"),
    pytest.param(
        1, [SAME, {**SAME, "birth_date": date(1998, 4, 13)}], {0}, id="one-day-younger-is-out"
    ),
    pytest.param(1, [SAME, {**SAME, "gpa": "3.40"}], {0}, id="gpa-lower-by-0.01-is-out"),
    pytest.param(
        1,
        # both 848/11: the higher SKD total only (433 with TKP 203, 400 with TKP 225)
        [spec(100, 130, 203, "380"), spec(90, 85, 225, "400")],
        {0},
        id="same-exact-score-lower-skd-is-out",
    ),
    pytest.param(
        2, [spec(100, 100, 210, "400"), SAME, SAME], {0, 1, 2}, id="tie-at-the-second-place"
    ),
    pytest.param(
        2, [SAME, SAME, {**SAME, "tkp": 199}], {0, 1}, id="tie-inside-the-need-then-lower"
    ),
]


@pytest.mark.parametrize(("need", "specs", "proposed"), TIES)
def test_it_proposes_everyone_tied_at_the_last_place(need, specs, proposed):
    period = scored_period()
    empty = formation(period, quota=need, position=perawat(UnitFactory()))
    crowded = formation(period, quota=1, position=perawat(UnitFactory()))
    sit(crowded, BEST)
    apps = [sit(crowded, s) for s in specs]
    rank_period(period=period)
    offered = proposals(period)
    assert {application_id for _f, application_id, _c in offered} == {apps[i].pk for i in proposed}
    assert {formation_id for formation_id, _a, _c in offered} == {empty.pk}


def test_it_refuses_to_confirm_a_second_tied_applicant_once_the_place_is_taken(hr):
    period = scored_period()
    empty = formation(period, quota=1, position=perawat(UnitFactory()))
    crowded = formation(period, quota=1, position=perawat(UnitFactory()))
    sit(crowded, BEST)
    sit(crowded, SAME)
    sit(crowded, SAME)
    rank_period(period=period)
    first, second = optimisation_propose(period=period)
    optimisation_decide(offer=first, confirm=True, actor=hr)
    with pytest.raises(RankingError, match=r"no free place left \(1 of 1 filled\)"):
        optimisation_decide(offer=second, confirm=True, actor=hr)
    assert OptimisationOffer.objects.get(pk=second.pk).status == "proposed"
    assert result_of(second.application).final_code == FinalCode.TL
    assert ExamResult.objects.filter(placed_formation=empty).count() == 1


# --- a place given back ------------------------------------------------------------------------


def _give_back(app, how, hr):
    if how == "declined":
        appointment_decline(application=app, actor=hr, note="Did not come forward")
    else:
        result = result_of(app)
        Appointment.objects.create(
            application=app,
            formation=result.placed_formation or app.formation,
            status=Appointment.Status.CANCELLED,
            decided_at=timezone.now(),
            note="Corrected",
        )


@pytest.mark.parametrize("how", ["declined", "cancelled"])
def test_it_offers_a_place_given_back_again(how, hr):
    period = scored_period()
    here = formation(period, quota=1, position=perawat(UnitFactory()))
    crowded = formation(period, quota=1, position=perawat(UnitFactory()))
    winner_here = sit(here, BEST)
    sit(crowded, BEST)
    second = sit(crowded, SAME)  # 77.0909..
    third = sit(crowded, {**SAME, "tkp": 190})  # 76.3636..
    rank_period(period=period)
    assert optimisation_propose(period=period) == []  # every place is taken

    _give_back(winner_here, how, hr)
    (offer,) = optimisation_propose(period=period)
    assert (offer.formation, offer.application, offer.code) == (here, second, FinalCode.L2)
    optimisation_decide(offer=offer, confirm=True, actor=hr)
    assert optimisation_propose(period=period) == []
    assert result_of(winner_here).final_code == FinalCode.L  # their result stays

    # The placed applicant gives the place back in turn: it is offered to the next one.
    _give_back(second, how, hr)
    assert proposals(period) == [(here.pk, third.pk, FinalCode.L2)]


def test_it_refuses_to_confirm_a_place_once_the_formation_is_full_again(hr):
    period = scored_period()
    here = formation(period, quota=1, position=perawat(UnitFactory()))
    crowded = formation(period, quota=1, position=perawat(UnitFactory()))
    winner_here = sit(here, BEST)
    sit(crowded, BEST)
    second = sit(crowded, SAME)
    rank_period(period=period)
    appointment_decline(application=winner_here, actor=hr)
    (offer,) = optimisation_propose(period=period)
    # Before HR decides, the place is taken: a corrected result makes another applicant of the
    # formation pass (L) there.
    late = application(here)
    ExamResult.objects.create(application=late, skd_presence=Presence.PRESENT, final_code="L")
    with pytest.raises(RankingError, match=r"no free place left \(1 of 1 filled\)"):
        optimisation_decide(offer=offer, confirm=True, actor=hr)
    assert result_of(second).final_code == FinalCode.TL


# --- PPPK: the PPPK ranking's order ------------------------------------------------------------


def _pppk(f, scores, group):
    app = application(f)
    app.priority_group = group
    app.save(update_fields=["priority_group"])
    teknis, manajerial, sosiokultural, wawancara = scores
    ExamResult.objects.create(
        application=app,
        pppk_presence=Presence.PRESENT,
        teknis=teknis,
        manajerial=manajerial,
        sosiokultural=sosiokultural,
        wawancara=wawancara,
    )
    return app


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        pytest.param("thk2,non_asn,umum", ["thk2", "non_asn", "umum"], id="default-order"),
        pytest.param("umum,non_asn,thk2", ["umum", "non_asn", "thk2"], id="reversed-order"),
    ],
)
def test_it_proposes_pppk_applicants_in_the_priority_order_of_the_period(order, expected, hr):
    period = scored_period(procurement_type="PPPK", pppk_priority_order=order)

    def pppk_formation(unit):
        return formation(
            period,
            quota=1,
            asn_type=AsnType.PPPK,
            position=PositionFactory(unit=unit, name="Guru", asn_type=AsnType.PPPK),
        )

    pppk_formation(UnitFactory())  # the empty one
    crowded = pppk_formation(UnitFactory())
    _pppk(crowded, (450, 100, 80, 40), order.split(",")[0])  # 670: passes in every order
    runners_up = {
        "thk2": _pppk(crowded, (150, 40, 30, 10), "thk2"),  # 230
        "non_asn": _pppk(crowded, (300, 70, 60, 30), "non_asn"),  # 460
        "umum": _pppk(crowded, (400, 90, 70, 35), "umum"),  # 595
    }
    rank_period(period=period)
    names = {app.pk: name for name, app in runners_up.items()}
    assert [names[pk] for pk in decline_all_in_turn(period, hr)] == expected
    assert result_of(runners_up["umum"]).final_score == Decimal(595)


def test_it_keeps_a_confirmed_pppk_placement_when_the_period_is_ranked_again(hr):
    period = scored_period(procurement_type="PPPK")

    def pppk_formation(unit):
        return formation(
            period,
            quota=1,
            asn_type=AsnType.PPPK,
            position=PositionFactory(unit=unit, name="Guru", asn_type=AsnType.PPPK),
        )

    empty = pppk_formation(UnitFactory())
    crowded = pppk_formation(UnitFactory())
    _pppk(crowded, (450, 100, 80, 40), "umum")  # 670
    runner_up = _pppk(crowded, (300, 70, 60, 30), "umum")  # 460
    rank_period(period=period)
    (offer,) = optimisation_propose(period=period)
    assert (offer.formation, offer.application, offer.code) == (empty, runner_up, FinalCode.L2)
    optimisation_decide(offer=offer, confirm=True, actor=hr)
    rank_period(period=period)
    result = result_of(runner_up)
    assert (result.final_code, result.placed_formation, result.final_rank) == (
        FinalCode.L2,
        empty,
        2,
    )
    assert optimisation_propose(period=period) == []
