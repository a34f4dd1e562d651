"""The needs map at 500 units, 2,500 positions and 20,000 employees (issues: workforce needs
mapping; 23, no cold page over 150 ms and a cost that does not grow with the register).

It times GET /workforce/needs/ as HR (the whole request: filters, the positions' figures, the
summary per sector and kelurahan, the first page of 50 rows, rendering) and, in the same run, the
floor: GET /healthz through the same middleware. Reports medians and the ratio to the floor.

- cold, cache on: the workforce generation is moved on before each request (what the first HR
  visit after any change of the register or of an ABK sheet costs), for the map, a filtered map
  and one of its charts; and warm (the stored part) for comparison;
- cache off (COMPUTED_CACHE_SECONDS=0), at 1,000 and at 10,000 employees on the same 2,500
  positions: the register is replaced inside a transaction that is rolled back afterwards, so
  the data set is left as it was. At each size the rows' computation alone is timed the old way
  (needs_positions: correlated subqueries per position) and the new way (needs_rows: three
  grouped queries), so before and after come from the same run.
"""

import random
import statistics
import time
from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_assign_roles
from bench.common import machine, measure, write
from core.pagecache import invalidate
from rakumpit_asn.management import scale
from workforce.models import Employee, PlanningYear, Position, Unit
from workforce.selectors.needs import (
    NEEDS_FIELDS,
    SORTS,
    needs_positions,
    needs_rows,
    needs_summary,
)

UNITS = 500
POSITIONS_PER_UNIT = 5
EMPLOYEES = 20_000
YEAR = 2026
REGISTER_SIZES = (1_000, 10_000)
MAP = f"/workforce/needs/?year={YEAR}"
FILTERED = f"/workforce/needs/?year={YEAR}&sector=1&sort=gap&shortage_only=on"
CHART = f"/workforce/needs/chart/sector.svg?year={YEAR}&size=full"


def _seed() -> None:
    scale.needs_map(
        units=UNITS, positions_per_unit=POSITIONS_PER_UNIT, employees=EMPLOYEES, year=YEAR
    )


def _measure_cold(fn, *, repeat: int, warmup: int = 1) -> dict:
    """As bench.common.measure, with the page cache's workforce generation moved on before
    each run (outside the timing): every run finds the map's rows and part missing."""
    for _ in range(warmup):
        invalidate("workforce")
        fn()
    samples, queries = [], 0
    connection.queries_log.clear()
    for _ in range(repeat):
        invalidate("workforce")
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - start) * 1000)
        queries += len(captured.captured_queries)
    return {
        "median_ms": round(statistics.median(samples), 2),
        "p90_ms": round(sorted(samples)[int(len(samples) * 0.9) - 1], 2),
        "min_ms": round(min(samples), 2),
        "runs": repeat,
        "queries_per_run": queries // repeat,
    }


def _replace_register(size: int) -> None:
    """Inside the caller's transaction: a register of `size` employees spread over every
    position (a few on leave or transferred), then fresh planner statistics. TRUNCATE gives a
    table of that size (a DELETE would leave the old rows in it until a VACUUM); its CASCADE
    and the rows are rolled back with the transaction."""
    rng = random.Random(23)
    positions = list(Position.objects.values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {Employee._meta.db_table} CASCADE")
    statuses = [Employee.Status.ACTIVE] * 8 + [
        Employee.Status.ON_LEAVE,
        Employee.Status.TRANSFERRED,
    ]

    def employee(n):
        birth = date(rng.randint(1966, 1999), rng.randint(1, 12), rng.randint(1, 28))
        return Employee(
            full_name=f"Pegawai {n}",
            gender="F",
            birth_date=birth,
            asn_type="PNS",
            position_id=positions[n % len(positions)],
            start_date=date(max(birth.year + 22, 2000), 1, 1),
            status=rng.choice(statuses),
            retirement_date=Employee.retirement_date_for(birth, 58),
        )

    Employee.objects.bulk_create((employee(n) for n in range(size)), batch_size=5_000)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Employee._meta.db_table}")


def run() -> None:
    print("Seeding the needs-map data (once)...")
    _seed()
    hr, _ = User.objects.get_or_create(email="bench-hr@example.org", defaults={"full_name": "HR"})
    user_assign_roles(user=hr, roles=[Role.HR])
    client = Client(HTTP_HOST="127.0.0.1")
    # HR is staff: the session records the TOTP step as well (StaffTwoFactorMiddleware).
    client.cookies[settings.SESSION_COOKIE_NAME] = scale.session_key_for(hr)
    planning_year = PlanningYear.objects.get(year=YEAR)
    counts = {
        "units": Unit.objects.count(),
        "positions": Position.objects.count(),
        "employees": Employee.objects.count(),
    }

    def get(url):
        def fn():
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        return fn

    def floor():
        assert client.get("/healthz").status_code in (200, 503)

    def rows_before():
        rows = list(
            needs_positions(planning_year)
            .order_by(*SORTS["gap"])
            .values("pk", "unit__sector_id", "unit__kelurahan_id", *NEEDS_FIELDS)
        )
        needs_summary(rows)

    def rows_after():
        needs_summary(needs_rows(planning_year))

    results = {
        "floor (/healthz)": measure(floor, repeat=30),
        "needs map, cold": _measure_cold(get(MAP), repeat=15),
        "needs map, filtered, cold": _measure_cold(get(FILTERED), repeat=15),
        "sector chart, cold": _measure_cold(get(CHART), repeat=15),
        "needs map, warm (stored part)": measure(get(MAP), repeat=15),
        f"rows before (needs_positions), {counts['employees']:,} employees": measure(
            rows_before, repeat=5, warmup=1
        ),
        f"rows after (needs_rows), {counts['employees']:,} employees": measure(
            rows_after, repeat=15
        ),
    }
    with override_settings(COMPUTED_CACHE_SECONDS=0):
        for size in REGISTER_SIZES:
            with transaction.atomic():
                _replace_register(size)
                results[f"needs map, cache off, {size:,} employees"] = measure(get(MAP), repeat=15)
                results[f"rows before (needs_positions), {size:,} employees"] = measure(
                    rows_before, repeat=5, warmup=1
                )
                results[f"rows after (needs_rows), {size:,} employees"] = measure(
                    rows_after, repeat=15
                )
                transaction.set_rollback(True)
    base = results["floor (/healthz)"]["median_ms"]
    small, large = (f"{size:,} employees" for size in REGISTER_SIZES)
    growth = {
        what: results[f"{what}, {large}"]["median_ms"] / results[f"{what}, {small}"]["median_ms"]
        for what in (
            "needs map, cache off",
            "rows before (needs_positions)",
            "rows after (needs_rows)",
        )
    }
    lines = [
        "# Needs map benchmark",
        "",
        f"Data: {counts} (the register is replaced by {small} and {large} for the cache-off "
        f"cases, in a transaction rolled back). Machine: {machine()}.",
        "",
        "| case | median ms | p90 ms | queries | ratio to floor |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        ratio = r["median_ms"] / base if base else 0
        lines.append(
            f"| {name} | {r['median_ms']} | {r['p90_ms']} | {r['queries_per_run']} | {ratio:.1f}× |"
        )
    lines += ["", f"Growth from {small} to {large} (median ratio):", ""]
    lines += [f"- {what}: {ratio:.2f}×" for what, ratio in growth.items()]
    payload = {"data": counts, "machine": machine(), "results": results, "growth": growth}
    write("needs_map", payload, "\n".join(lines) + "\n")
