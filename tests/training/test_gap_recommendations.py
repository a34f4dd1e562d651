"""Review gaps to programmes: GapCompetency rows (edited by HR) map a BerAKHLAK value rated below
expectation (by its code) or an SKP indicator (by its words) to programme competencies, and the
employee's training page recommends the matching programmes. The gaps come from the performance
app through the hook training.review_gaps (registered by performance/apps.py)."""

import pytest
from django.urls import reverse

from tests.performance.factories import agreed_skp, checkpoint, cycle, final_review, team
from tests.training.factories import ProgrammeFactory, SessionFactory, employee_with_user
from training import review_gaps
from training.models import GapCompetency
from training.review_gaps import INDICATOR, VALUE, ReviewGap
from training.selectors.recommendations import recommended_programmes

pytestmark = pytest.mark.django_db


@pytest.fixture
def mapping():
    GapCompetency.objects.create(
        source=VALUE, code="berorientasi-pelayanan", competencies="Pelayanan Publik, komunikasi"
    )
    GapCompetency.objects.create(source=INDICATOR, code="laporan", competencies="pelaporan")


def _names(programmes):
    return {p.name for p in programmes}


def test_a_value_gap_finds_the_programmes_of_its_competencies(mapping):
    employee = employee_with_user()
    ProgrammeFactory(name="Prima", competencies="pelayanan publik")
    ProgrammeFactory(name="Lain", competencies="kepemimpinan")
    gap = ReviewGap(VALUE, "berorientasi-pelayanan", "Berorientasi Pelayanan")
    [programme] = recommended_programmes(employee, gaps=[gap])
    assert programme.name == "Prima"
    assert programme.reasons == ["A gap in your latest performance review: Berorientasi Pelayanan"]


def test_an_indicator_gap_matches_by_the_words_it_contains(mapping):
    employee = employee_with_user()
    ProgrammeFactory(name="Naskah", competencies="pelaporan")
    gap = ReviewGap(INDICATOR, "Laporan bulanan tepat waktu", "Laporan bulanan tepat waktu")
    assert _names(recommended_programmes(employee, gaps=[gap])) == {"Naskah"}
    # A value code is matched whole, not as words of the text.
    other = ReviewGap(VALUE, "laporan-x", "X")
    assert recommended_programmes(employee, gaps=[other]) == []


def test_without_a_row_the_gap_matches_nothing(mapping):
    employee = employee_with_user()
    ProgrammeFactory(name="Prima", competencies="pelayanan publik")
    assert recommended_programmes(employee, gaps=[ReviewGap(VALUE, "loyal", "Loyal")]) == []
    GapCompetency.objects.create(source=VALUE, code="loyal", competencies="pelayanan publik")
    assert _names(recommended_programmes(employee, gaps=[ReviewGap(VALUE, "loyal", "L")])) == {
        "Prima"
    }


def test_performance_coaching_strings_still_match(mapping):
    """performance.services.coaching passes the value's names and code as strings."""
    employee = employee_with_user()
    ProgrammeFactory(name="Prima", competencies="pelayanan publik")
    gaps = ["Berorientasi Pelayanan", "Service-oriented", "berorientasi-pelayanan"]
    assert _names(recommended_programmes(employee, gaps=gaps)) == {"Prima"}


def test_the_recommendations_run_the_same_queries_at_two_sizes(
    mapping, django_assert_max_num_queries
):
    employee = employee_with_user()
    gaps = [ReviewGap(VALUE, "berorientasi-pelayanan", "B")]
    for _ in range(2):
        SessionFactory(programme=ProgrammeFactory(competencies="pelayanan publik"))
    with django_assert_max_num_queries(7):
        assert len(recommended_programmes(employee, gaps=gaps)) == 2
    for _ in range(15):
        SessionFactory(programme=ProgrammeFactory(competencies="pelayanan publik"))
        GapCompetency.objects.create(source=VALUE, code=f"v{_}", competencies="x")
    with django_assert_max_num_queries(7):
        assert len(recommended_programmes(employee, gaps=gaps)) == 17


def test_the_training_page_recommends_for_a_below_expectation_review(
    client_as, supervisor, mapping
):
    the_cycle = cycle()
    _boss, [member] = team(supervisor, 1)
    skp = agreed_skp(member, the_cycle, by=supervisor)
    final_review(skp, checkpoint(the_cycle), by=supervisor, hasil="below", perilaku="below")
    ProgrammeFactory(name="Pelayanan Prima Rakumpit", competencies="komunikasi")
    ProgrammeFactory(name="Tata Naskah", competencies="pelaporan")
    gaps = review_gaps.gaps_for(member)
    assert {(g.source, g.code) for g in gaps} >= {
        (VALUE, "berorientasi-pelayanan"),
        (INDICATOR, "Laporan bulanan"),
    }
    text = client_as(member.user).get(reverse("training:my_training")).content.decode()
    assert "Pelayanan Prima Rakumpit" in text
    assert "Tata Naskah" in text
    assert "A gap in your latest performance review" in text


def test_a_review_that_meets_expectations_recommends_nothing_for_gaps(supervisor, mapping):
    the_cycle = cycle()
    _boss, [member] = team(supervisor, 1)
    skp = agreed_skp(member, the_cycle, by=supervisor)
    final_review(skp, checkpoint(the_cycle), by=supervisor)
    assert review_gaps.gaps_for(member) == []


def test_the_demo_maps_every_below_expectation_review_to_a_programme(demo):
    """With the demo data (a copy of the demo seeded once per test process), each final review
    with a value rated below expectation gets at least one programme for that gap (before the
    GapCompetency rows: none did)."""
    from performance.models import Rating, Review

    employees = {
        review.skp.employee
        for review in Review.objects.exclude(status=Review.Status.DRAFT)
        .filter(behaviour_ratings__rating=Rating.BELOW)
        .select_related("skp__employee__position__unit")
    }
    with_gaps = [employee for employee in employees if review_gaps.gaps_for(employee)]
    assert with_gaps
    missing = []
    for employee in with_gaps:
        found = recommended_programmes(employee, gaps=review_gaps.gaps_for(employee))
        if not any("performance review" in reason for p in found for reason in p.reasons):
            missing.append(employee.full_name)
    assert missing == []
