from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import two_factor_login
from tests.factories import (
    EmployeeFactory,
    PlanningYearFactory,
    PositionFactory,
    UnitFactory,
    abk_with_minutes,
)
from workforce.models import Employee, Kelurahan, PlanningYear, Sector
from workforce.selectors.needs import needs_positions, needs_summary
from workforce.services.abk import abk_required_staff

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("minutes", "wke", "threshold", "exact", "rounded"),
    [
        # the exact need is cut to the two decimals it is shown with
        (0, 75_000, "0.50", "0.00", 0),  # no workload, nobody needed
        (54_300, 75_000, "0.50", "0.72", 1),  # docs/domain.md's worked example: 0.724
        (10_000, 75_000, "0.50", "0.13", 1),  # 0.1333…: any workload needs one person
        (112_500, 75_000, "0.50", "1.50", 2),  # exactly on the threshold rounds up
        (112_499, 75_000, "0.50", "1.49", 1),  # 1.4999866…
        (112_500, 75_000, "0.60", "1.50", 1),  # a stricter threshold
        (72_000 * 3, 72_000, "0.50", "3.00", 3),  # another WKE (Perka BKN 19/2011)
    ],
)
def test_it_computes_the_abk_need_with_the_rounding_rule(minutes, wke, threshold, exact, rounded):
    fraction, whole = abk_required_staff(
        workload_minutes=Decimal(minutes), effective_minutes=wke, threshold=Decimal(threshold)
    )
    assert fraction == Decimal(exact)
    assert whole == rounded


def test_it_computes_required_current_and_gap_in_the_database():
    year = PlanningYearFactory(year=2026)
    position = PositionFactory()
    abk_with_minutes(position, year, [100_000, 50_000])  # 150,000 / 75,000 = 2.0
    EmployeeFactory(position=position)
    EmployeeFactory(position=position, status=Employee.Status.ON_LEAVE)
    EmployeeFactory(position=position, status=Employee.Status.TRANSFERRED)
    row = needs_positions(year).get(pk=position.pk)
    assert row.workload_minutes == Decimal("150000")
    assert row.required_exact == Decimal("2.00")
    assert row.required == 2
    assert row.current == 2  # on leave still holds the post; transferred does not
    assert row.gap == 0


def test_it_uses_the_wke_and_threshold_of_the_year():
    year = PlanningYearFactory(year=2025, effective_minutes=72_000)
    position = PositionFactory()
    abk_with_minutes(position, year, [108_000])  # 1.5 at 72,000
    assert needs_positions(year).get(pk=position.pk).required == 2
    PlanningYear.objects.filter(pk=year.pk).update(rounding_threshold=Decimal("0.75"))
    year.refresh_from_db()
    assert needs_positions(year).get(pk=position.pk).required == 1


@pytest.mark.parametrize(
    ("wke", "threshold", "workloads"),
    [
        (75_000, "0.50", ["1", "37499.99", "37500", "74999.99", "75000", "112500", "149999.99"]),
        # docs/domain.md's 1,234 h variant with a threshold where floats go wrong
        (74_040, "0.26", ["981770.40", "981770.39", "19250.40", "19250.39", "74040"]),
        (72_000, "0.99", ["143999.99", "143280", "143279.99"]),
    ],
)
def test_it_agrees_with_the_python_rule_at_the_edges(wke, threshold, workloads):
    year = PlanningYearFactory(
        year=2026, effective_minutes=wke, rounding_threshold=Decimal(threshold)
    )
    for minutes in workloads:
        position = PositionFactory()
        abk_with_minutes(position, year, [minutes])
        _exact, expected = abk_required_staff(
            workload_minutes=Decimal(minutes),
            effective_minutes=wke,
            threshold=Decimal(threshold),
        )
        assert needs_positions(year).get(pk=position.pk).required == expected, minutes


def test_it_rounds_exactly_where_floating_point_would_not():
    _exact, rounded = abk_required_staff(
        workload_minutes=Decimal("981770.40"), effective_minutes=74_040, threshold=Decimal("0.26")
    )
    assert rounded == 14  # 13.26 people exactly: on the threshold rounds up


def test_it_survives_the_largest_workload_the_form_accepts():
    year = PlanningYearFactory(year=2026)
    position = PositionFactory()
    sheet = abk_with_minutes(position, year, [])
    from workforce.models import MAX_STANDARD_MINUTES, MAX_YEARLY_VOLUME, AbkTask

    for i in range(3):
        AbkTask.objects.create(sheet=sheet, description=f"t{i}", output_unit="x",
                               yearly_volume=MAX_YEARLY_VOLUME,
                               standard_minutes=MAX_STANDARD_MINUTES)  # fmt: skip
    row = needs_positions(year).get(pk=position.pk)
    assert row.required == 3 * MAX_YEARLY_VOLUME * 100_000 // 75_000


def test_it_counts_retirements_on_a_leap_day():
    year = PlanningYearFactory(year=2028)
    position = PositionFactory(retirement_age=58)
    EmployeeFactory(position=position, birth_date=date(1975, 1, 10))  # retires Feb 2033
    row = needs_positions(year, today=date(2028, 2, 29)).get(pk=position.pk)
    assert row.retiring == 1  # the horizon is 28 Feb 2033, not an error


def test_it_counts_shortages_and_surpluses_separately_per_sector_and_kelurahan():
    year = PlanningYearFactory(year=2026)
    health = Sector.objects.get(slug="kesehatan")
    short = PositionFactory(unit=UnitFactory(sector=health))
    abk_with_minutes(short, year, [225_000])  # needs 3, has 1
    EmployeeFactory(position=short)
    over = PositionFactory(unit=UnitFactory(sector=health))
    abk_with_minutes(over, year, [75_000])  # needs 1, has 2
    EmployeeFactory(position=over)
    EmployeeFactory(position=over)
    summary = needs_summary(needs_positions(year))
    sector, totals = summary.by_sector[0]
    assert sector == health
    assert (totals.required, totals.current, totals.shortage, totals.surplus) == (4, 3, 2, 1)
    kelurahan, _ = summary.by_kelurahan[0]
    assert kelurahan == Kelurahan.objects.get(slug="mungku-baru")


def test_it_counts_retirements_within_five_years():
    year = PlanningYearFactory(year=2026)
    position = PositionFactory(retirement_age=58)
    EmployeeFactory(position=position, birth_date=date(1970, 1, 10))  # retires Feb 2028
    EmployeeFactory(position=position, birth_date=date(1990, 5, 17))
    row = needs_positions(year, today=date(2026, 11, 28)).get(pk=position.pk)
    assert row.retiring == 1


def test_it_filters_by_sector_kelurahan_and_asn_type():
    year = PlanningYearFactory(year=2026)
    education = Sector.objects.get(slug="pendidikan")
    pager = Kelurahan.objects.get(slug="pager")
    school = PositionFactory(unit=UnitFactory(sector=education, kelurahan=pager), asn_type="PPPK")
    PositionFactory()
    assert list(needs_positions(year, sector=education)) == [school]
    assert list(needs_positions(year, kelurahan=pager)) == [school]
    assert list(needs_positions(year, asn_type="PPPK")) == [school]


def _needs_map_queries(client, hr):
    two_factor_login(client, hr)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/workforce/needs/?year=2026")
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_it_keeps_the_needs_map_query_count_constant(page_cache_off, client, hr):
    year = PlanningYearFactory(year=2026)
    for _ in range(2):
        position = PositionFactory()
        abk_with_minutes(position, year, [80_000])
        EmployeeFactory(position=position)
    small = _needs_map_queries(client, hr)
    for _ in range(25):
        position = PositionFactory()
        abk_with_minutes(position, year, [80_000])
        EmployeeFactory.create_batch(2, position=position)
    assert _needs_map_queries(client, hr) == small


def test_it_keeps_the_unit_page_query_count_constant(page_cache_off, client, hr):
    year = PlanningYearFactory(year=2026)
    unit = UnitFactory()
    position = PositionFactory(unit=unit)
    abk_with_minutes(position, year, [80_000])
    two_factor_login(client, hr)
    with CaptureQueriesContext(connection) as small:
        client.get(f"/workforce/units/{unit.pk}/?year=2026")
    for _ in range(10):
        position = PositionFactory(unit=unit)
        abk_with_minutes(position, year, [80_000, 1000])
        EmployeeFactory.create_batch(2, position=position)
    with CaptureQueriesContext(connection) as large:
        response = client.get(f"/workforce/units/{unit.pk}/?year=2026")
    assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
