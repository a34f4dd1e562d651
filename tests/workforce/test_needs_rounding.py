"""The needs map (computed in the database) and the ABK page (computed in Python) apply the
same rounding rule and agree on every database, including SQLite, where decimal columns are
stored as floating point. Rule (docs/domain.md 2): whole people + 1 when the remainder of
workload ÷ WKE is at or above threshold × WKE, and at least 1 for any workload.

The exact need is shown with two decimals beside the rounded need, so it is cut (not rounded)
to two decimals: shown with the rule applied to it, it always gives the rounded need."""

from decimal import Decimal

import pytest

from tests.factories import PlanningYearFactory, PositionFactory, abk_with_minutes
from workforce.models import AbkTask
from workforce.selectors.needs import abk_result, needs_positions, unit_history
from workforce.services.abk import abk_required_staff

pytestmark = pytest.mark.django_db

CASES = [
    # (WKE, threshold, tasks as (volume, minutes), workload, rounded need, exact need shown)
    # 112,500 / 75,000 = 1.5: remainder 37,500 = 0.50 × 75,000 -> 1 + 1 = 2
    (75_000, "0.50", [(1, "112500")], "112500.00", 2, "1.50"),
    # the same 112,500 as 3 × 37,499.95 = 112,499.85, + 0.15 = 112,500.00 -> 2
    (75_000, "0.50", [(3, "37499.95"), (1, "0.15")], "112500.00", 2, "1.50"),
    # one hundredth below: 112,499.85 + 0.14 = 112,499.99, remainder 37,499.99 < 37,500 -> 1;
    # 112,499.99 / 75,000 = 1.49999986… shown 1.49
    (75_000, "0.50", [(3, "37499.95"), (1, "0.14")], "112499.99", 1, "1.49"),
    (75_000, "0.50", [(1, "112499.99")], "112499.99", 1, "1.49"),
    # exactly whole: 2 × 75,000 = 150,000, remainder 0 -> 2; and 4 × 37,499.95 = 149,999.80,
    # + 0.20 = 150,000.00 -> 2
    (75_000, "0.50", [(2, "75000")], "150000.00", 2, "2.00"),
    (75_000, "0.50", [(4, "37499.95"), (1, "0.20")], "150000.00", 2, "2.00"),
    # one hundredth below two: remainder 74,999.99 >= 37,500 -> 2; 1.99999986… shown 1.99
    (75_000, "0.50", [(1, "149999.99")], "149999.99", 2, "1.99"),
    # below one person: 37,500 / 75,000 = 0.5 -> 0 + 1 = 1; 37,499.99 -> 0, but at least 1
    (75_000, "0.50", [(1, "37500")], "37500.00", 1, "0.50"),
    (75_000, "0.50", [(1, "37499.99")], "37499.99", 1, "0.49"),
    # tiny workloads: 0.01 / 75,000 = 0.000000133… -> at least 1, shown 0.00
    (75_000, "0.50", [(1, "0.01")], "0.01", 1, "0.00"),
    (75_000, "0.50", [(2, "0.01"), (1, "0.03")], "0.05", 1, "0.00"),
    # a threshold that is not whole minutes: 0.29 × 74,041 = 21,471.89;
    # 3 × 31,837.60 = 95,512.80, + 0.09 = 95,512.89 = 74,041 + 21,471.89 -> 2 (exactly 1.29)
    (74_041, "0.29", [(3, "31837.60"), (1, "0.09")], "95512.89", 2, "1.29"),
    # + 0.08 = 95,512.88: remainder 21,471.88 < 21,471.89 -> 1; 1.28999986… shown 1.28
    (74_041, "0.29", [(3, "31837.60"), (1, "0.08")], "95512.88", 1, "1.28"),
    # threshold 0.99 at 72,000: 0.99 × 72,000 = 71,280; 143,280 = 72,000 + 71,280 -> 2 (1.99);
    # 143,279.99 -> 1 (1.98999986… shown 1.98)
    (72_000, "0.99", [(1, "143280")], "143280.00", 2, "1.99"),
    (72_000, "0.99", [(1, "143279.99")], "143279.99", 1, "1.98"),
    # a sheet with no tasks: no workload, nobody needed
    (75_000, "0.50", [], "0", 0, "0.00"),
]


def _sheet(position, year, tasks):
    sheet = abk_with_minutes(position, year, [])
    for i, (volume, minutes) in enumerate(tasks):
        AbkTask.objects.create(
            sheet=sheet, description=f"Task {i}", output_unit="kegiatan",
            yearly_volume=volume, standard_minutes=Decimal(minutes),
        )  # fmt: skip


@pytest.mark.parametrize(("wke", "threshold", "tasks", "workload", "rounded", "shown"), CASES)
def test_it_agrees_between_the_needs_map_and_the_abk_page(
    wke, threshold, tasks, workload, rounded, shown
):
    year = PlanningYearFactory(
        year=2026, effective_minutes=wke, rounding_threshold=Decimal(threshold)
    )
    position = PositionFactory()
    _sheet(position, year, tasks)
    row = needs_positions(year).get(pk=position.pk)
    page = abk_result(position, year)
    exact, required = abk_required_staff(
        workload_minutes=Decimal(workload), effective_minutes=wke, threshold=Decimal(threshold)
    )
    # the needs map (the database)
    assert row.workload_minutes == Decimal(workload)
    assert row.required == rounded
    assert row.required_exact == Decimal(shown)
    # the ABK page (Python)
    assert (page["workload_minutes"], page["required"]) == (Decimal(workload), rounded)
    assert page["exact"] == Decimal(shown)
    assert (exact, required) == (Decimal(shown), rounded)
    # the unit page's history (Python, per position)
    if tasks:
        (history,) = unit_history(position.unit)
        assert (history["required"], history["exact"]) == (rounded, Decimal(shown))


@pytest.mark.parametrize(("wke", "threshold", "tasks", "workload", "rounded", "shown"), CASES)
def test_it_shows_an_exact_need_that_rounds_to_the_need_beside_it(
    wke, threshold, tasks, workload, rounded, shown
):
    year = PlanningYearFactory(
        year=2026, effective_minutes=wke, rounding_threshold=Decimal(threshold)
    )
    position = PositionFactory()
    _sheet(position, year, tasks)
    row = needs_positions(year).get(pk=position.pk)
    whole, fraction = divmod(row.required_exact, 1)
    by_the_rule = int(whole) + (1 if fraction >= Decimal(threshold) else 0)
    assert row.required == (max(1, by_the_rule) if tasks else 0)


@pytest.mark.parametrize(
    ("last_task", "shown", "rounded"),
    [
        # 3 × 37,499.95 = 112,499.85; + 0.15 = 112,500.00 = 1.5 × 75,000 -> 1.50 beside 2
        ("0.15", "1.50", 2),
        # + 0.14 = 112,499.99 = 1.49999986… × 75,000 -> 1.49 beside 1 (never 1.50 beside 1)
        ("0.14", "1.49", 1),
    ],
)
def test_it_shows_the_same_need_on_the_needs_map_unit_and_abk_pages(
    client_as, hr, last_task, shown, rounded
):
    year = PlanningYearFactory(year=2026)
    position = PositionFactory(name="Perawat Batas")
    _sheet(position, year, [(3, "37499.95"), (1, last_task)])
    client = client_as(hr)
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    needs_map = client.get("/workforce/needs/?year=2026", **english).content.decode()
    assert f'title="{shown}">{rounded}</td>' in needs_map
    unit_page = client.get(f"/workforce/units/{position.unit_id}/?year=2026", **english)
    assert f'<td class="text-end">{shown}</td>' in unit_page.content.decode()
    abk_page = client.get(f"/workforce/abk/{position.pk}/2026/", **english).content.decode()
    assert f"<strong>{shown}</strong> people, rounded to <strong>{rounded}</strong>" in abk_page
