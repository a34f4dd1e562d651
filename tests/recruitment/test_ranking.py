"""The ranking of a CPNS period (docs/domain.md 1.7-1.9), optimisation (1.10), the applicant's
explained result and the merit list."""

import gc
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
    ApplicationEvent,
    Decision,
    ExamResult,
    FinalCode,
    OptimisationOffer,
    Presence,
    SkdCode,
)
from recruitment.selectors.announcements import publish_problems
from recruitment.selectors.ranking import applicant_result, boundary_ties, ranking_problems
from recruitment.services import ranking
from recruitment.services.ranking import (
    RankingError,
    final_score,
    optimisation_decide,
    optimisation_propose,
    rank_period,
)
from recruitment.services.scores import exam_result_update
from tests.factories import PositionFactory, UnitFactory
from tests.recruitment.factories_scores import (
    announce,
    application,
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


def test_it_orders_a_full_tie_by_registration_number_but_flags_it_at_the_quota():
    period = scored_period()
    f = formation(period, quota=1)
    b = scored(f, 100, 100, 200, skb=400, number="B-2")
    a = scored(f, 100, 100, 200, skb=400, number="A-1")
    summary = rank_period(period=period)
    assert (result_of(a).final_rank, result_of(b).final_rank) == (1, 2)  # display order only
    assert summary.boundary_ties == [f.pk]
    assert boundary_ties(period) == {f.pk: (1, 2)}


def test_it_does_not_flag_a_full_tie_inside_the_quota_or_broken_by_age():
    period = scored_period()
    inside = formation(period, quota=2)
    scored(inside, 100, 100, 200, skb=400)
    scored(inside, 100, 100, 200, skb=400)
    by_age = formation(period, quota=1)
    scored(by_age, 100, 100, 200, skb=400, birth_date=date(1990, 1, 1))
    scored(by_age, 100, 100, 200, skb=400, birth_date=date(1991, 1, 1))
    assert rank_period(period=period).boundary_ties == []
    assert boundary_ties(period) == {}


def test_it_warns_about_a_boundary_tie_on_the_merit_list(client_as, hr):
    period = scored_period()
    f = formation(period, quota=1)
    scored(f, 100, 100, 200, skb=400)
    scored(f, 100, 100, 200, skb=400)
    client = client_as(hr)
    response = client.post(reverse("recruitment:ranking_compute", args=[period.pk]), follow=True)
    content = response.content.decode()
    assert "1 formation has a full tie at the quota boundary" in content
    assert "ranks 1 to 2 are identical on every rule" in content
    assert content.count(">tie</span>") == 2


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


def test_it_logs_a_decision_only_when_a_code_changes(hr):
    period = scored_period()
    f = formation(period, quota=1)
    app = scored(f, 100, 100, 200, skb=400)
    rank_period(period=period, actor=hr)
    decisions = Decision.objects.filter(application=app, kind=Decision.Kind.RANKING)
    assert {(d.subject, d.before, d.after, d.actor) for d in decisions} == {
        ("skd_code", "", "P/L", hr),
        ("final_code", "", "L", hr),
    }
    rank_period(period=period, actor=hr)
    assert Decision.objects.filter(kind=Decision.Kind.RANKING).count() == 2
    assert result_of(app).ranked_at is not None
    assert not Decision.objects.filter(kind=Decision.Kind.CORRECTION).exists()


def test_it_logs_an_skd_code_change_after_the_skd_announcement_as_a_correction(hr):
    period = scored_period(skb_multiplier=1)
    f = formation(period, quota=1)
    first = scored(f, 100, 100, 200)
    second = scored(f, 100, 100, 190)
    rank_period(period=period, actor=hr)
    announce(period, Announcement.Kind.SKD)
    Application.objects.filter(pk=first.pk).update(status=Application.Status.WITHDRAWN)
    summary = rank_period(period=period, actor=hr)
    assert summary.corrections == 2
    correction = Decision.objects.get(
        application=second, kind=Decision.Kind.CORRECTION, subject="skd_code"
    )
    assert (correction.before, correction.after) == ("P", "P/L")
    assert correction.reason == "The ranking was computed again after the announcement."
    event = ApplicationEvent.objects.get(application=second, status="correction")
    assert "SKD code P → P/L" in event.note
    # The final codes are not announced yet: their changes stay ranking decisions.
    assert Decision.objects.filter(
        application=second, kind=Decision.Kind.RANKING, subject="final_code"
    ).exists()


def test_it_refuses_to_rank_after_the_final_announcement_without_a_reason(hr):
    period = scored_period()
    f = formation(period, quota=1)
    app = scored(f, 100, 100, 200, skb=400)
    rank_period(period=period, actor=hr)
    announce(period, Announcement.Kind.SKD)
    announce(period, Announcement.Kind.FINAL)
    with pytest.raises(RankingError, match="final result has been announced"):
        rank_period(period=period, actor=hr)
    ExamResult.objects.filter(application=app).update(skb=100)  # behind the services' back
    summary = rank_period(period=period, actor=hr, correction_reason="Court order 12/2025")
    assert summary.corrections == 0  # 100 still passes alone: nothing announced changed
    assert result_of(app).final_code == FinalCode.L


def test_it_logs_a_score_correction_after_the_final_announcement_and_reranks(hr):
    period = scored_period()
    f = formation(period, quota=1)
    winner = scored(f, 100, 100, 200, skb=400)
    runner_up = scored(f, 100, 100, 200, skb=390)
    rank_period(period=period, actor=hr)
    announce(period, Announcement.Kind.SKD)
    announce(period, Announcement.Kind.FINAL)
    exam_result_update(application=winner, actor=hr, reason="SKB sheet misread",
                       skd_presence="present", twk=100, tiu=100, tkp=200,
                       skb_presence="present", skb=Decimal("300"))  # fmt: skip
    assert (result_of(winner).final_code, result_of(runner_up).final_code) == ("TL", "L")
    corrections = Decision.objects.filter(kind=Decision.Kind.CORRECTION, subject="final_code")
    assert {(d.application_id, d.before, d.after, d.reason) for d in corrections} == {
        (winner.pk, "L", "TL", "SKB sheet misread"),
        (runner_up.pk, "TL", "L", "SKB sheet misread"),
    }
    event = ApplicationEvent.objects.get(application=runner_up, status="correction")
    assert "final code TL → L" in event.note and "SKB sheet misread" in event.note
    assert result_of(runner_up).ranked_at is not None


def _fill(period, formations, per_formation):
    for f in formations:
        for i in range(per_formation):
            scored(f, 60 + i, 80 + i, 160 + i, skb=300 + i if i % 2 else None)


def test_it_ranks_with_the_same_number_of_queries_at_two_sizes(page_cache_off):
    small, large = scored_period(), scored_period()
    _fill(small, [formation(small, quota=1)], 2)
    _fill(large, [formation(large, quota=2) for _ in range(4)], 8)
    counts = []
    for period in (small, large):
        with CaptureQueriesContext(connection) as first:
            rank_period(period=period)  # codes new: the rows and the decisions are written
        with CaptureQueriesContext(connection) as again:
            rank_period(period=period)  # nothing changed: nothing is written
        counts.append((len(first), len(again)))
    assert counts[0] == counts[1]
    # lock the period, announcements, missing result rows, passing grades, the results, the
    # confirmed placements, the SKB parts, their scores; then the rows written at once (a
    # scratch table made, filled by COPY (not counted), joined by one UPDATE and dropped:
    # core.db) and the decisions by one COPY
    assert counts[0] == (counts[0][1] + 3, counts[0][1])
    assert counts[0][1] <= 10


def test_a_ranking_run_again_writes_only_the_rows_whose_outcome_changed(page_cache_off):
    period = scored_period()
    place = formation(period, quota=1)
    for i in range(3):  # all three above the passing grades, ranked 3, 2, 1
        scored(place, 70 + 5 * i, 90 + 5 * i, 170 + i)
    rank_period(period=period)
    results = ExamResult.objects.filter(application__period=period)

    def stamps():
        return dict(results.values_list("pk", "updated_at"))

    before = stamps()
    rank_period(period=period)
    assert stamps() == before  # the same scores: nothing written

    # A row a score write marked as not ranked is written again, even with the same outcome.
    lowest = results.order_by("tkp").first()
    results.filter(pk=lowest.pk).update(ranked_at=None)
    rank_period(period=period)
    after = stamps()
    assert {pk for pk in before if after[pk] != before[pk]} == {lowest.pk}
    assert results.get(pk=lowest.pk).ranked_at is not None

    # The lowest becomes the best: the rows whose outcome moved are written, and only they.
    def outcomes():
        return {r.pk: (r.skd_total, r.skd_rank, r.skd_code, r.final_code) for r in results.all()}

    was = outcomes()
    results.filter(pk=lowest.pk).update(twk=100, tiu=150, tkp=225, ranked_at=None)
    rank_period(period=period)
    now, moved = outcomes(), stamps()
    changed = {pk for pk in was if now[pk] != was[pk]}
    assert changed == set(was)  # everyone's rank moved
    assert {pk for pk in after if moved[pk] != after[pk]} == changed
    assert now[lowest.pk][1] == 1


# --- optimisation ------------------------------------------------------------------------------


def test_it_pauses_the_garbage_collector_only_while_it_ranks(monkeypatch, hr):
    """The cyclic collector is off during the ranking (issue 23) and back on after it, also
    after a refusal; one a caller had turned off stays off."""
    period = scored_period()
    scored(formation(period, quota=1), 100, 100, 200, skb=400)
    during = []
    compute = ranking._compute

    def spy(*args, **kwargs):
        during.append(gc.isenabled())
        return compute(*args, **kwargs)

    monkeypatch.setattr(ranking, "_compute", spy)
    rank_period(period=period, actor=hr)
    assert during == [False]
    assert gc.isenabled()
    announce(period, Announcement.Kind.SKD)
    announce(period, Announcement.Kind.FINAL)
    with pytest.raises(RankingError):
        rank_period(period=period, actor=hr)
    assert gc.isenabled()
    gc.disable()
    try:
        rank_period(period=period, actor=hr, correction_reason="Court order 12/2025")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_it_proposes_and_confirms_an_optimisation(hr):
    period = scored_period()
    unit = UnitFactory()
    nurse = PositionFactory(unit=unit, name="Perawat")
    # Same position and unit, another formation type (docs/domain.md 1.9: L-1).
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
    event = ApplicationEvent.objects.get(application=runner_up, status="final_result")
    assert "(L-1)" in event.note and "Perawat" in event.note
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


def _two_offers_for_one_place(hr):
    period = scored_period()
    empty = formation(period, quota=1, position=PositionFactory(name="Perawat"))
    crowded = formation(period, quota=1, position=PositionFactory(name="Perawat"))
    scored(empty, presence=Presence.ABSENT)
    scored(crowded, 100, 100, 200, skb=450)
    second = scored(crowded, 100, 100, 200, skb=400)
    third = scored(crowded, 100, 100, 190, skb=400)
    rank_period(period=period)
    (offer,) = optimisation_propose(period=period)
    late = OptimisationOffer.objects.create(formation=empty, application=third, code="L-2")
    return offer, late, second


def test_it_refuses_to_confirm_an_offer_for_a_formation_filled_since(hr):
    offer, late, _second = _two_offers_for_one_place(hr)
    optimisation_decide(offer=offer, confirm=True, actor=hr)
    with pytest.raises(RankingError, match=r"no free place left \(1 of 1 filled\)"):
        optimisation_decide(offer=late, confirm=True, actor=hr)
    assert OptimisationOffer.objects.get(pk=late.pk).status == "proposed"  # rolled back
    assert result_of(late.application).final_code == FinalCode.TL
    optimisation_decide(offer=late, confirm=False, actor=hr)  # HR can still decline it


def test_it_refuses_to_confirm_an_applicant_who_passed_since(hr):
    offer, _late, second = _two_offers_for_one_place(hr)
    ExamResult.objects.filter(application=second).update(final_code=FinalCode.L)
    with pytest.raises(RankingError, match=r"already passed \(L\)"):
        optimisation_decide(offer=offer, confirm=True, actor=hr)
    assert not ApplicationEvent.objects.filter(status="final_result").exists()


# --- what the announcements wait for -----------------------------------------------------------


def test_it_blocks_the_skd_announcement_until_the_ranking_is_current(hr):
    period = scored_period()
    f = formation(period, quota=1)
    app = scored(f, 100, 100, 200)
    assert ranking_problems(formation(scored_period()).period, "skd") == [
        "The ranking has not been computed yet."
    ]
    never = (
        "1 exam result is not ranked on its current scores and status: compute the ranking again."
    )
    assert ranking_problems(period, "skd") == [never]
    rank_period(period=period)
    assert ranking_problems(period, "skd") == []
    exam_result_update(application=app, actor=hr, skd_presence="present", twk=100, tiu=100,
                       tkp=201)  # fmt: skip
    assert ranking_problems(period, "skd") == [never]
    rank_period(period=period)
    Application.objects.filter(pk=app.pk).update(status=Application.Status.WITHDRAWN)
    assert ranking_problems(period, "skd") == [never]  # a withdrawal after the ranking


def test_it_blocks_the_skd_announcement_while_attendance_is_missing():
    period = scored_period()
    f = formation(period, quota=1)
    scored(f, 100, 100, 200)
    application(f)  # MS, no result row at all
    scored(f, presence="")  # a result row without attendance
    application(f, announced_result=AdminResult.TMS)  # not at the SKD: not counted
    rank_period(period=period)
    problems = publish_problems(period, Announcement.Kind.SKD)
    assert problems == [
        "2 applicants who met the requirements after the appeals have no SKD attendance "
        "recorded: import or enter their SKD results (present with scores, absent or "
        "disqualified)."
    ]


def test_it_blocks_the_final_announcement_while_skb_attendance_is_missing():
    period = scored_period()
    f = formation(period, quota=1)
    scored(f, 100, 100, 200, skb=400)
    scored(f, 100, 100, 190)  # P/L, no SKB attendance
    scored(f, 60, 100, 190)  # TL: not expected at the SKB
    rank_period(period=period)
    announce(period, Announcement.Kind.SKD)
    assert publish_problems(period, Announcement.Kind.FINAL) == [
        "1 applicant ranked in for the SKB (P/L) has no SKB attendance recorded: import or "
        "enter their SKB result."
    ]


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
        "You passed the passing grade and ranked no. 4 of the 7 applicants who passed it. The "
        "best 6 go to the SKB (3 × the quota of 2, with everyone tied with the last one). You go "
        "to the SKB."
    )
    failed = applicant_result(Application.objects.get(pk=below.pk))
    assert failed.code == SkdCode.TL
    assert "TWK" in failed.why and "TIU" not in failed.why
    assert [p.passed for p in failed.parts] == [False, True, True, None]


def test_it_uses_the_singular_for_one_passer():
    period = scored_period(skb_multiplier=1)
    app = scored(formation(period, quota=1), 100, 100, 200)
    rank_period(period=period)
    announce(period, Announcement.Kind.SKD)
    assert applicant_result(app).why == (
        "You passed the passing grade and ranked no. 1 of the 1 applicant who passed it. The "
        "best 1 goes to the SKB (1 × the quota of 1, with everyone tied with the last one). You "
        "go to the SKB."
    )


def test_it_renders_the_result_panel_in_three_queries_at_most(
    page_cache_off, django_assert_num_queries, django_assert_max_num_queries
):
    period = scored_period()
    app = scored(formation(period, quota=1), 100, 100, 200, skb=400)
    rank_period(period=period)
    template = Template("{% load selection %}{% exam_result_panel application %}")
    # Before any announcement (the registration deadline's crowd): whether one exists, only.
    before = Application.objects.get(pk=app.pk)
    with django_assert_num_queries(1):
        assert "Not announced yet." in template.render(Context({"application": before}))
    announce(period, Announcement.Kind.SKD)
    announce(period, Announcement.Kind.FINAL)
    bare = Application.objects.get(pk=app.pk)  # nothing related loaded
    with django_assert_max_num_queries(3):
        html = template.render(Context({"application": bare}))
    assert "= 77.091." in html and "1 of 1" in html


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
    assert "SKD 400 / 550 × 100" in info.why


def test_it_explains_the_final_result_with_the_periods_own_skd_format():
    """A period whose SKD maxima differ (TKP 200): the explanation divides by its own 525."""
    period = scored_period(skd_tkp_max=200)
    f = formation(period, quota=1)
    app = scored(f, 100, 100, 200, skb=400)
    rank_period(period=period)
    announce(period, Announcement.Kind.SKD)
    announce(period, Announcement.Kind.FINAL)
    info = applicant_result(Application.objects.get(pk=app.pk))
    assert "SKD 400 / 525 × 100" in info.why
    # 40 x 400/525 + 60 x 400/500 = 30.476190... + 48 = 78.476190... -> 78.476
    assert "= 78.476." in info.why


# --- merit list --------------------------------------------------------------------------------


def _merit_queries(client, period):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("recruitment:merit_list", args=[period.pk]))
    assert response.status_code == 200
    return len(queries), response


def test_it_lists_the_merit_list_with_constant_queries(
    page_cache_off, client_as, hr, django_assert_max_num_queries
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


def test_it_shows_an_invalid_filter_instead_of_ignoring_it(client_as, hr):
    period = scored_period()
    app = scored(formation(period, quota=1), 100, 100, 200, skb=450)
    rank_period(period=period)
    client = client_as(hr)
    url = reverse("recruitment:merit_list", args=[period.pk])
    response = client.get(url, {"final_code": "XX"})
    content = response.content.decode()
    assert 'id="error_1_id_final_code"' in content  # the field's error, shown
    assert app.registration_number not in content
    export = client.get(reverse("recruitment:merit_export", args=[period.pk]), {"final_code": "XX"})
    assert export.status_code == 302 and export.url == f"{url}?final_code=XX"


def test_it_exports_text_that_looks_like_a_formula_as_quoted_text(client_as, hr):
    from io import BytesIO

    from openpyxl import load_workbook

    period = scored_period()
    app = scored(formation(period, quota=1), 100, 100, 200, skb=400)
    app.applicant.applicant_profile.name_on_ktp = '=HYPERLINK("http://evil","x")'
    app.applicant.applicant_profile.save(update_fields=["name_on_ktp"])
    rank_period(period=period)
    response = client_as(hr).get(reverse("recruitment:merit_export", args=[period.pk]))
    cell = load_workbook(BytesIO(response.content)).active.cell(row=3, column=4)
    assert cell.value == '=HYPERLINK("http://evil","x")'  # as typed, no "'" added
    assert cell.data_type == "s"
    assert cell.quotePrefix is True
    plain = load_workbook(BytesIO(response.content)).active.cell(row=3, column=3)
    assert plain.quotePrefix is False


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
