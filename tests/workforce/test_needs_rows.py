"""The needs map's rows (selectors.needs.needs_rows: three grouped queries, the rule applied in
Python) give exactly the figures, the order and the filtering of needs_positions (the annotated
queryset the export, the unit page and the open data read), and the map's queries do not grow
with the register."""

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
from tests.workforce.test_needs_rounding import CASES, _sheet
from workforce.models import AbkSheet, AbkTask, Employee, Kelurahan, Position, Sector
from workforce.selectors.needs import (
    NEEDS_FIELDS,
    SORTS,
    needs_positions,
    needs_rows,
    needs_summary,
)

pytestmark = pytest.mark.django_db

ROW = ("pk", "unit_id", "unit__sector_id", "unit__kelurahan_id", *NEEDS_FIELDS)
TODAY = date(2026, 11, 28)


def test_it_gives_the_figures_of_needs_positions_at_every_rounding_edge():
    # one planning year per case: their WKE and thresholds differ
    for n, (wke, threshold, tasks, _workload, rounded, shown) in enumerate(CASES):
        year = PlanningYearFactory(
            year=2000 + n, effective_minutes=wke, rounding_threshold=Decimal(threshold)
        )
        position = PositionFactory()
        _sheet(position, year, tasks)
        (row,) = (row for row in needs_rows(year) if row["pk"] == position.pk)
        assert row == needs_positions(year).values(*ROW).get(pk=position.pk), (wke, tasks)
        assert (row["required"], row["required_exact"]) == (rounded, Decimal(shown))


@pytest.fixture
def mixed():
    """Two sectors and two kelurahan, PNS and PPPK, a position without a sheet and one with an
    empty sheet, holders active, on leave, transferred and retired, some retiring within five
    years of TODAY: every figure and filter of the map has something to tell apart."""
    year = PlanningYearFactory(year=2026)
    health = Sector.objects.get(slug="kesehatan")
    education = Sector.objects.get(slug="pendidikan")
    pager = Kelurahan.objects.get(slug="pager")
    mungku = Kelurahan.objects.get(slug="mungku-baru")
    units = [
        UnitFactory(sector=sector, kelurahan=kelurahan)
        for sector in (health, education)
        for kelurahan in (pager, mungku)
    ]
    workloads = [[225_000], [75_000], ["112499.99"], [], None, [150_000, 37_500], [1], [300_000]]
    statuses = [
        Employee.Status.ACTIVE,
        Employee.Status.ON_LEAVE,
        Employee.Status.TRANSFERRED,
        Employee.Status.RETIRED,
    ]
    for n, minutes in enumerate(workloads):
        position = PositionFactory(
            unit=units[n % len(units)], asn_type="PPPK" if n % 3 == 0 else "PNS"
        )
        if minutes is not None:
            abk_with_minutes(position, year, minutes)
        for k in range(n % 4):
            EmployeeFactory(
                position=position,
                status=statuses[(n + k) % len(statuses)],
                birth_date=date(1970, 3, 1) if k % 2 else date(1990, 5, 17),  # retires 2028
            )
    return year, health, pager


def test_it_sorts_filters_and_counts_as_needs_positions(mixed):
    year, health, pager = mixed
    for sort in SORTS:
        for filters in ({}, {"sector": health}, {"kelurahan": pager}, {"asn_type": "PPPK"}):
            for shortage_only in (False, True):
                positions = needs_positions(year, today=TODAY, **filters)
                if shortage_only:
                    positions = positions.filter(gap__gt=0)
                expected = list(positions.order_by(*SORTS[sort]).values(*ROW))
                rows = needs_rows(
                    year, sort=sort, shortage_only=shortage_only, today=TODAY, **filters
                )
                assert rows == expected, (sort, filters, shortage_only)
    everything = needs_rows(year, today=TODAY)
    # the data tell every figure apart
    assert {row["retiring"] for row in everything} == {0, 1}
    assert {row["has_sheet"] for row in everything} == {False, True}
    assert min(row["gap"] for row in everything) < 0 < max(row["gap"] for row in everything)
    assert needs_summary(needs_rows(year, today=TODAY)) == needs_summary(
        needs_positions(year, today=TODAY)
    )


def _needs_map_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_it_keeps_the_needs_map_queries_constant_as_the_register_grows(page_cache_off, client, hr):
    year = PlanningYearFactory(year=2026)
    two_factor_login(client, hr)
    for _ in range(2):
        position = PositionFactory()
        abk_with_minutes(position, year, [80_000])
        EmployeeFactory(position=position)
    with CaptureQueriesContext(connection) as rows:
        needs_rows(year)
    assert len(rows.captured_queries) == 3  # positions, workloads, holders
    small = _needs_map_queries(client, "/workforce/needs/?year=2026")
    # two pages of positions and a register thirty times larger (in bulk: a cheap test)
    unit = UnitFactory()
    positions = Position.objects.bulk_create(
        PositionFactory.build(unit=unit, name=f"Bidan {n:02d}") for n in range(53)
    )
    sheets = AbkSheet.objects.bulk_create(
        AbkSheet(position=position, planning_year=year) for position in positions
    )
    AbkTask.objects.bulk_create(
        AbkTask(sheet=sheet, description="Task", output_unit="x", yearly_volume=1,
                standard_minutes=Decimal(80_000))
        for sheet in sheets
    )  # fmt: skip
    Employee.objects.bulk_create(
        EmployeeFactory.build(position=positions[n % 7]) for n in range(58)
    )
    assert _needs_map_queries(client, "/workforce/needs/?year=2026") == small
    assert _needs_map_queries(client, "/workforce/needs/?year=2026&page=2") == small
