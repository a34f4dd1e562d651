"""recommended_programmes(employee, gaps=...): position, sector, competency standard and the
performance review's gaps (passed in by the performance app once it exists)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import EmployeeFactory, PositionFactory
from tests.training.factories import ProgrammeFactory, SessionFactory, enrolment
from training.models import Enrolment, Programme
from training.selectors.recommendations import recommended_programmes
from workforce.models import AsnType, Sector

pytestmark = pytest.mark.django_db


@pytest.fixture
def nurse():
    position = PositionFactory(competency_standard="Asuhan keperawatan, komunikasi efektif")
    return EmployeeFactory(position=position)


def _names(programmes):
    return {p.name for p in programmes}


def test_it_matches_position_sector_and_competency_standard(nurse):
    for_position = ProgrammeFactory(name="A", competencies="lain")
    for_position.target_positions.add(nurse.position)
    for_sector = ProgrammeFactory(name="B", competencies="lain")
    for_sector.target_sectors.add(Sector.objects.get(slug="kesehatan"))
    ProgrammeFactory(name="C", competencies="asuhan keperawatan")
    other_sector = ProgrammeFactory(name="D", competencies="lain")
    other_sector.target_sectors.add(Sector.objects.get(slug="pendidikan"))
    ProgrammeFactory(name="E", competencies="asuhan keperawatan", is_active=False)
    assert _names(recommended_programmes(nurse)) == {"A", "B", "C"}


def test_it_matches_review_gaps(nurse):
    ProgrammeFactory(name="Kepemimpinan", competencies="pengambilan keputusan")
    assert recommended_programmes(nurse) == []
    [programme] = recommended_programmes(nurse, gaps=["Pengambilan keputusan "])
    assert "performance review" in programme.reasons[0]


def test_it_leaves_out_programmes_passed_or_booked(nurse, hr):
    passed = ProgrammeFactory(competencies="komunikasi")
    enrolment(SessionFactory(programme=passed), nurse, by=hr, result="passed")
    booked = ProgrammeFactory(competencies="komunikasi")
    enrolment(SessionFactory(programme=booked), nurse, by=hr, status="requested")
    assert recommended_programmes(nurse) == []


def test_it_lists_open_sessions(nurse):
    programme = ProgrammeFactory(competencies="komunikasi")
    open_now = SessionFactory(programme=programme)
    SessionFactory(
        programme=programme,
        enrolment_opens_on=timezone.localdate() + timedelta(days=1),
    )
    [found] = recommended_programmes(nurse)
    assert found.open_sessions == [open_now]


def test_it_recommends_latsar_to_a_new_cpns_only_once(hr):
    today = timezone.localdate()
    newcomer = EmployeeFactory(
        start_date=today - timedelta(days=30), nip=f"19900517{today.year}{today.month:02d}2001"
    )
    ProgrammeFactory(kind=Programme.Kind.LATSAR, name="Latsar")
    assert _names(recommended_programmes(newcomer)) == {"Latsar"}
    veteran = EmployeeFactory()  # started 2015
    assert recommended_programmes(veteran) == []
    enrolment(
        SessionFactory(programme=Programme.objects.get(name="Latsar")),
        newcomer,
        by=hr,
        status=Enrolment.Status.ENROLLED,
    )
    assert recommended_programmes(newcomer) == []


def test_it_recommends_pppk_orientation_to_new_pppk_only(hr):
    today = timezone.localdate()
    ProgrammeFactory(kind=Programme.Kind.PPPK_ORIENTATION, name="Orientasi")
    new_pppk = EmployeeFactory(
        asn_type=AsnType.PPPK,
        start_date=today - timedelta(days=10),
        nip=f"19900517{today.year}212001",
    )
    assert _names(recommended_programmes(new_pppk)) == {"Orientasi"}
    assert recommended_programmes(EmployeeFactory()) == []


def test_it_answers_in_a_constant_number_of_queries(
    page_cache_off, nurse, django_assert_max_num_queries
):
    for i in range(5):
        programme = ProgrammeFactory(competencies="komunikasi")
        programme.target_sectors.add(Sector.objects.get(slug="kesehatan"))
        SessionFactory(programme=programme, starts_on=timezone.localdate() + timedelta(20 + i))
    with django_assert_max_num_queries(6):
        assert len(recommended_programmes(nurse)) == 5
