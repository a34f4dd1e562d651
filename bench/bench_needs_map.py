"""The needs map at 500 units and 20,000 employees (issue: workforce needs mapping).

It times GET /workforce/needs/ (the whole request: filters, the annotated positions, the summary
per sector and kelurahan, the first page of 50 rows, rendering) as HR, and in the same run the
floor: GET /healthz through the same middleware. Reports medians and the ratio to the floor.
"""

from django.conf import settings
from django.test import Client

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_assign_roles
from bench.common import machine, measure, write
from rakumpit_asn.management import scale
from workforce.models import Employee, Position, Unit

UNITS = 500
POSITIONS_PER_UNIT = 5
EMPLOYEES = 20_000
YEAR = 2026


def _seed() -> None:
    scale.needs_map(
        units=UNITS, positions_per_unit=POSITIONS_PER_UNIT, employees=EMPLOYEES, year=YEAR
    )


def run() -> None:
    print("Seeding the needs-map data (once)...")
    _seed()
    hr, _ = User.objects.get_or_create(email="bench-hr@example.org", defaults={"full_name": "HR"})
    user_assign_roles(user=hr, roles=[Role.HR])
    client = Client(HTTP_HOST="127.0.0.1")
    # HR is staff: the session records the TOTP step as well (StaffTwoFactorMiddleware).
    client.cookies[settings.SESSION_COOKIE_NAME] = scale.session_key_for(hr)
    counts = {
        "units": Unit.objects.count(),
        "positions": Position.objects.count(),
        "employees": Employee.objects.count(),
    }

    def needs_map():
        response = client.get(f"/workforce/needs/?year={YEAR}")
        assert response.status_code == 200, response.status_code

    def needs_map_filtered():
        response = client.get(f"/workforce/needs/?year={YEAR}&sector=1&sort=gap&shortage_only=on")
        assert response.status_code == 200, response.status_code

    def floor():
        assert client.get("/healthz").status_code in (200, 503)

    results = {
        "floor (/healthz)": measure(floor, repeat=30),
        "needs map": measure(needs_map, repeat=15),
        "needs map, filtered": measure(needs_map_filtered, repeat=15),
    }
    base = results["floor (/healthz)"]["median_ms"]
    lines = [
        "# Needs map benchmark",
        "",
        f"Data: {counts}. Machine: {machine()}.",
        "",
        "| case | median ms | p90 ms | queries | ratio to floor |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        ratio = r["median_ms"] / base if base else 0
        lines.append(
            f"| {name} | {r['median_ms']} | {r['p90_ms']} | {r['queries_per_run']} | {ratio:.1f}× |"
        )
    payload = {"data": counts, "machine": machine(), "results": results}
    write("needs_map", payload, "\n".join(lines) + "\n")
