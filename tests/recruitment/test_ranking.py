"""The ranking of a CPNS period (DOMAIN.md 1.7-1.9), optimisation (1.10), the applicant's
explained result and the merit list."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from recruitment.models import (
    AdminResult,
    Announcement,
    Application,
    Decision,
    FinalCode,
    OptimisationOffer,
    Presence,
    SkdCode,
)
from recruitment.selectors.ranking import applicant_result
from recruitment.services.ranking import (
    RankingError,
    final_score,
    optimisation_decide,
    optimisation_propose,
    rank_period,
)
from recruitment.services.scores import ScoreError
from tests.factories import PositionFactory, UnitFactory
from tests.recruitment.factories_scores import (
    announce,
    formation,
    result_of,
    scored,
    scored_period,
)

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


# --- SKD ---------------------------------------------------------------------------------------


def test_it_passes_exactly_on_the_passing_grade_and_fails_one_below():
    period = scored_period()
    f = formation(period, quota=5)
    on = scored(f, 65, 80, 166)
    twk_below = scored(f, 64, 175, 225)
    tiu_below = scored(f, 150, 79, 225)
    tkp_below = scored(f, 150, 175, 165)
    rank_period(period=period)
    assert result_of(on).skd_passed is True
    assert result_of(on).skd_code == SkdCode.PL
    assert result_of(on).skd_total == 311
    for app in (twk_below, tiu_below, tkp_below):
        result = result_of(app)
        assert (result.skd_passed, result.skd_code, result.final_code) == (False, "TL", "TL")
        assert result.skd_rank is None


def test_it_checks_the_total_and_tiu_for_special_categories():
    period = scored_period()
    cumlaude = formation(period, category="cumlaude", quota=5)
    low_twk_high_total = scored(cumlaude, 20, 85, 206)  # 311, TIU 85: passes without TWK 65
    tiu_below = scored(cumlaude, 150, 84, 225)
    total_below = scored(cumlaude, 20, 85, 205)  # 310
    disability = formation(period, category="disabilitas", quota=5)
    on_286 = scored(disability, 10, 60, 216)
    below_286 = scored(disability, 10, 60, 215)
    rank_period(period=period)
    assert result_of(low_twk_high_total).skd_passed is True
    assert result_of(tiu_below).skd_passed is False
    assert result_of(total_below).skd_passed is False
    assert result_of(on_286).skd_passed is True
    assert result_of(below_286).skd_passed is False


def test_it_lets_everyone_tied_with_the_last_one_through_to_the_skb():
    period = scored_period()  # multiplier 3
    f = formation(period, quota=1)
    first = scored(f, 100, 100, 200)
    second = scored(f, 100, 95, 200)
    tied_a = scored(f, 90, 90, 190)
    tied_b = scored(f, 90, 90, 190)
    same_total_lower_tkp = scored(f, 95, 90, 185)  # 370 too, but TKP 185 < 190
    rank_period(period=period)
    codes = {app: result_of(app) for app in (first, second, tied_a, tied_b, same_total_lower_tkp)}
    assert [codes[a].skd_rank for a in (first, second, tied_a, tied_b)] == [1, 2, 3, 3]
    assert {codes[a].skd_code for a in (first, second, tied_a, tied_b)} == {SkdCode.PL}
    assert codes[same_total_lower_tkp].skd_rank == 5
    assert codes[same_total_lower_tkp].skd_code == SkdCode.P


def test_it_breaks_a_cutoff_tie_by_tkp_then_tiu_then_twk():
    period = scored_period(skb_multiplier=1)
    f = formation(period, quota=1)
    by_tiu = scored(f, 90, 100, 180)  # 370
    by_twk = scored(f, 100, 90, 180)  # 370: same TKP, lower TIU
    rank_period(period=period)
    assert result_of(by_tiu).skd_code == SkdCode.PL
    assert result_of(by_twk).skd_code == SkdCode.P


# --- final -------------------------------------------------------------------------------------


def test_it_computes_the_final_score_with_the_weights_of_the_period():
    assert final_score(
        skd_total=400, skb=Decimal(300), skd_weight=30, skb_weight=70, skb_max=400
    ) == Decimal("74.318")  # 30 x 400/550 = 21.8181.., 70 x 300/400 = 52.5
    period = scored_period(skd_weight=30, skb_weight=70, skb_max=400)
    f = formation(period, quota=1)
    app = scored(f, 100, 100, 200, skb=300)
    rank_period(period=period)
    result = result_of(app)
    assert result.final_score == Decimal("74.318")
    assert (result.final_rank, result.final_code) == (1, FinalCode.L)


def test_it_breaks_final_ties_down_to_gpa_and_then_age():
    period = scored_period()
    f = formation(period, quota=1)
    common = {"skb": 400}
    lower_gpa = scored(f, 100, 100, 200, gpa="3.10", **common)
    higher_gpa = scored(f, 100, 100, 200, gpa="3.90", birth_date=date(2000, 1, 1), **common)
    same_gpa_older = scored(f, 100, 100, 200, gpa="3.90", birth_date=date(1995, 1, 1), **common)
    rank_period(period=period)
    assert result_of(same_gpa_older).final_rank == 1
    assert result_of(same_gpa_older).final_code == FinalCode.L
    assert result_of(higher_gpa).final_rank == 2
    assert result_of(lower_gpa).final_rank == 3
    assert result_of(lower_gpa).final_code == FinalCode.TL


def test_it_ends_the_tie_break_on_the_registration_number():
    period = scored_period()
    f = formation(period, quota=1)
    b = scored(f, 100, 100, 200, skb=400, number="B-2")
    a = scored(f, 100, 100, 200, skb=400, number="A-1")
    rank_period(period=period)
    assert (result_of(a).final_rank, result_of(b).final_rank) == (1, 2)


def test_it_gives_th_dis_tms_and_aps():
    period = scored_period()
    f = formation(period, quota=2)
    absent_skd = scored(f, presence=Presence.ABSENT)
    disqualified = scored(f, presence=Presence.DISQUALIFIED)
    absent_skb = scored(f, 100, 100, 200, skb_presence=Presence.ABSENT)
    dis_skb = scored(f, 100, 100, 200, skb_presence=Presence.DISQUALIFIED)
    tms = scored(f, 100, 100, 200, announced_result=AdminResult.TMS)
    withdrawn = scored(f, 100, 100, 200, status=Application.Status.WITHDRAWN)
    rank_period(period=period)
    assert (result_of(absent_skd).skd_code, result_of(absent_skd).final_code) == ("TH", "TH")
    assert (result_of(disqualified).skd_code, result_of(disqualified).final_code) == (
        "DIS",
        "DIS",
    )
    assert (result_of(absent_skb).skd_code, result_of(absent_skb).final_code) == ("P/L", "TH")
    assert result_of(dis_skb).final_code == "DIS"
    assert (result_of(tms).skd_code, result_of(tms).final_code) == ("", "TMS")
    assert (result_of(withdrawn).skd_code, result_of(withdrawn).final_code) == ("", "APS")


def test_it_logs_a_decision_only_when_the_final_code_changes(hr):
    period = scored_period()
    f = formation(period, quota=1)
    app = scored(f, 100, 100, 200, skb=400)
    rank_period(period=period, actor=hr)
    decision = Decision.objects.get(application=app, kind=Decision.Kind.RANKING)
    assert (decision.before, decision.after, decision.actor) == ("", "L", hr)
    rank_period(period=period, actor=hr)
    assert Decision.objects.filter(kind=Decision.Kind.RANKING).count() == 1
    assert result_of(app).ranked_at is not None


def test_it_refuses_a_pppk_period():
    period = scored_period(procurement_type="PPPK")
    with pytest.raises(ScoreError, match=r"PPPK competency scoring .* is not supported yet"):
        rank_period(period=period)


def _fill(period, formations, per_formation):
    for f in formations:
        for i in range(per_formation):
            scored(f, 60 + i, 80 + i, 160 + i, skb=300 + i if i % 2 else None)


def test_it_ranks_with_the_same_number_of_queries_at_two_sizes():
    small, large = scored_period(), scored_period()
    _fill(small, [formation(small, quota=1)], 2)
    _fill(large, [formation(large, quota=2) for _ in range(4)], 8)
    counts = []
    for period in (small, large):
        rank_period(period=period)  # first run: codes are new, decisions are written
        with CaptureQueriesContext(connection) as queries:
            rank_period(period=period)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 8


# --- optimisation ------------------------------------------------------------------------------


def test_it_proposes_and_confirms_an_optimisation(hr):
    period = scored_period()
    unit = UnitFactory()
    nurse = PositionFactory(unit=unit, name="Perawat")
    # Same position and unit, another formation type (DOMAIN.md 1.9: L-1).
    empty = formation(period, quota=1, position=nurse, category="cumlaude")
    crowded = formation(period, quota=1, position=nurse)
    elsewhere = formation(period, quota=1, position=PositionFactory(name="Perawat"))
    other_job = formation(period, quota=1, position=PositionFactory(unit=unit, name="Bidan"))
    scored(empty, presence=Presence.ABSENT)
    scored(crowded, 100, 100, 200, skb=450)
    runner_up = scored(crowded, 100, 100, 200, skb=300)
    scored(elsewhere, 100, 100, 200, skb=450)
    scored(other_job, 100, 100, 200, skb=450)
    scored(other_job, 100, 100, 200, skb=499)
    rank_period(period=period)
    assert result_of(runner_up).final_code == FinalCode.TL

    offers = optimisation_propose(period=period)

    assert [(o.formation, o.application, o.code) for o in offers] == [
        (empty, runner_up, FinalCode.L1)
    ]
    assert optimisation_propose(period=period) == []  # the open offer fills the place
    optimisation_decide(offer=offers[0], confirm=True, actor=hr)
    result = result_of(runner_up)
    assert (result.final_code, result.placed_formation) == (FinalCode.L1, empty)
    decision = Decision.objects.get(application=runner_up, kind=Decision.Kind.OPTIMISATION)
    assert (decision.before, decision.actor) == ("TL", hr)
    rank_period(period=period)  # a new ranking keeps HR's placement
    assert result_of(runner_up).final_code == FinalCode.L1
    with pytest.raises(RankingError):
        optimisation_decide(offer=offers[0], confirm=False, actor=hr)


def test_it_gives_l2_across_units_and_moves_on_after_a_decline(hr):
    period = scored_period()
    empty = formation(period, quota=1, position=PositionFactory(name="Perawat"))
    crowded = formation(period, quota=1, position=PositionFactory(name="Perawat"))
    scored(crowded, 100, 100, 200, skb=450)
    second = scored(crowded, 100, 100, 200, skb=400)
    third = scored(crowded, 100, 100, 190, skb=400)
    rank_period(period=period)
    (offer,) = optimisation_propose(period=period)
    assert (offer.application, offer.code) == (second, FinalCode.L2)
    optimisation_decide(offer=offer, confirm=False, actor=hr)
    assert OptimisationOffer.objects.get(pk=offer.pk).status == "declined"
    (next_offer,) = optimisation_propose(period=period)
    assert next_offer.application == third
    assert empty.pk == next_offer.formation_id


# --- the applicant's result --------------------------------------------------------------------


def test_it_shows_nothing_before_the_announcement():
    period = scored_period()
    app = scored(formation(period, quota=1), 100, 100, 200)
    rank_period(period=period)
    assert applicant_result(app).stage == ""
    html = Template("{% load selection %}{% exam_result_panel application %}").render(
        Context({"application": app})
    )
    assert "Not announced yet." in html
    assert "311" not in html and "400" not in html


def test_it_explains_the_skd_result_after_the_announcement():
    period = scored_period()  # multiplier 3
    f = formation(period, quota=2)
    for i in range(3):
        scored(f, 120, 120, 200 - i)
    fourth = scored(f, 100, 100, 180)
    scored(f, 100, 100, 170)
    scored(f, 100, 100, 169)
    scored(f, 100, 100, 168)
    below = scored(f, 64, 100, 200)
    rank_period(period=period)
    announce(period, Announcement.Kind.SKD)
    info = applicant_result(Application.objects.get(pk=fourth.pk))
    assert (info.stage, info.code, info.skd_rank, info.passers, info.cutoff) == (
        "skd",
        SkdCode.PL,
        4,
        7,
        6,
    )
    assert info.why == (
        "You passed the passing grade and ranked no. 4 of 7 who passed; the best 6 go to the "
        "SKB (3 × the quota of 2, with everyone tied with the last one). You go to the SKB."
    )
    failed = applicant_result(Application.objects.get(pk=below.pk))
    assert failed.code == SkdCode.TL
    assert "TWK" in failed.why and "TIU" not in failed.why
    assert [p.passed for p in failed.parts] == [False, True, True, None]


def test_it_explains_the_final_result():
    period = scored_period()
    f = formation(period, quota=1)
    app = scored(f, 100, 100, 200, skb=400)
    rank_period(period=period)
    announce(period, Announcement.Kind.SKD)
    announce(period, Announcement.Kind.FINAL)
    info = applicant_result(Application.objects.get(pk=app.pk))
    assert (info.stage, info.code, info.final_rank) == ("final", "L", 1)
    assert "= 77.091." in info.why  # 40 x 400/550 + 60 x 400/500


# --- merit list --------------------------------------------------------------------------------


def _merit_queries(client, period):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("recruitment:merit_list", args=[period.pk]))
    assert response.status_code == 200
    return len(queries), response


def test_it_lists_the_merit_list_with_constant_queries(
    client_as, hr, django_assert_max_num_queries
):
    small, large = scored_period(), scored_period()
    _fill(small, [formation(small, quota=1)], 1)
    _fill(large, [formation(large, quota=2) for _ in range(3)], 6)
    rank_period(period=small)
    rank_period(period=large)
    client = client_as(hr)
    client.get(reverse("recruitment:merit_list", args=[small.pk]))  # warm the session
    n_small, _r = _merit_queries(client, small)
    n_large, response = _merit_queries(client, large)
    assert n_small == n_large
    assert b"REG-" in response.content
    assert response.content.count(b'/scores/"') >= 18  # a link per row to the score form


def test_it_filters_the_merit_list_by_code(client_as, hr):
    period = scored_period()
    f = formation(period, quota=1)
    winner = scored(f, 100, 100, 200, skb=450)
    loser = scored(f, 64, 100, 200)
    rank_period(period=period)
    response = client_as(hr).get(
        reverse("recruitment:merit_list", args=[period.pk]), {"final_code": "L"}
    )
    assert winner.registration_number.encode() in response.content
    assert loser.registration_number.encode() not in response.content


def test_it_exports_the_merit_list(client_as, hr):
    from io import BytesIO

    from openpyxl import load_workbook

    period = scored_period()
    f = formation(period, quota=1)
    app = scored(f, 100, 100, 200, skb=400)
    rank_period(period=period)
    response = client_as(hr).get(reverse("recruitment:merit_export", args=[period.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][2] == app.registration_number
    assert rows[2][10] == pytest.approx(77.091)
    assert rows[2][11] == "L"


def test_it_computes_the_ranking_from_the_button(client_as, hr):
    period = scored_period()
    app = scored(formation(period, quota=1), 100, 100, 200, skb=400)
    client = client_as(hr)
    url = reverse("recruitment:ranking_compute", args=[period.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "Ranking computed for 1 applications" in response.content.decode()
    assert result_of(app).final_code == "L"


def test_it_writes_the_same_results_without_postgresql(monkeypatch):
    """SQLite (make run, the demo) takes the portable bulk_update path."""
    period = scored_period()
    f = formation(period, quota=1)
    winner = scored(f, 100, 100, 200, skb=400)
    below = scored(f, 64, 100, 200)
    monkeypatch.setattr(connection, "vendor", "sqlite")
    rank_period(period=period)
    assert (result_of(winner).final_code, result_of(winner).final_score) == (
        "L",
        Decimal("77.091"),
    )
    assert result_of(below).skd_code == "TL"
