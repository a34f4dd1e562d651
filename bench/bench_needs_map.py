"""The needs map at 500 units and 20,000 employees (issue: workforce needs mapping).

It times GET /workforce/needs/ (the whole request: filters, the annotated positions, the summary
per sector and kelurahan, the first page of 50 rows, rendering) as HR, and in the same run the
floor: GET /healthz through the same middleware. Reports medians and the ratio to the floor.
"""

import random
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.test import Client
from tqdm import tqdm

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_assign_roles
from bench.common import machine, measure, write
from workforce.models import (
    AbkSheet,
    AbkTask,
    AsnType,
    EducationLevel,
    Employee,
    Kelurahan,
    Position,
    Sector,
    Unit,
)
from workforce.services.reference import planning_year_ensure
from workforce.validators import build_nip

UNITS = 500
POSITIONS_PER_UNIT = 5
EMPLOYEES = 20_000
YEAR = 2026
PREFIX = "Bench unit "


@transaction.atomic
def _seed() -> None:
    if Unit.objects.filter(name__startswith=PREFIX).count() >= UNITS:
        return
    rng = random.Random(7)
    year = planning_year_ensure(year=YEAR)
    sectors = list(Sector.objects.all())
    kelurahan = list(Kelurahan.objects.all())
    units = Unit.objects.bulk_create(
        Unit(
            name=f"{PREFIX}{i:04d}",
            sector=sectors[i % len(sectors)],
            kelurahan=kelurahan[i % len(kelurahan)],
            kind=Unit.Kind.TECHNICAL,
        )
        for i in range(UNITS)
    )
    positions = Position.objects.bulk_create(
        Position(
            unit=unit,
            name=f"Jabatan {j}",
            kind=Position.Kind.FUNCTIONAL,
            asn_type=AsnType.PNS if j % 2 else AsnType.PPPK,
            education_level=EducationLevel.S1,
        )
        for unit in units
        for j in range(POSITIONS_PER_UNIT)
    )
    sheets = AbkSheet.objects.bulk_create(
        AbkSheet(position=p, planning_year=year) for p in positions
    )
    AbkTask.objects.bulk_create(
        AbkTask(
            sheet=sheet,
            description=f"Tugas {k}",
            output_unit="kegiatan",
            yearly_volume=rng.randint(100, 4000),
            standard_minutes=Decimal(rng.choice([15, 30, 60, 120])),
        )
        for sheet in sheets
        for k in range(3)
    )
    batch = []
    for n in tqdm(range(EMPLOYEES), desc="employees", unit="row"):
        birth = date(rng.randint(1966, 1999), rng.randint(1, 12), rng.randint(1, 28))
        position = positions[n % len(positions)]
        start = date(max(birth.year + 22, 2000), 1, 1)
        batch.append(
            Employee(
                nip=build_nip(
                    birth, appointment=(start.year, 1), gender="F", sequence=n % 999 + 1, pppk=False
                ),
                full_name=f"Pegawai {n}",
                gender="F",
                birth_date=birth,
                asn_type=AsnType.PNS,
                position=position,
                start_date=start,
                retirement_date=Employee.retirement_date_for(birth, 58),
            )
        )
    # A rare NIP collision between random birth dates is skipped, not an error.
    Employee.objects.bulk_create(batch, batch_size=2000, ignore_conflicts=True)


def run() -> None:
    print("Seeding the needs-map data (once)...")
    _seed()
    hr, _ = User.objects.get_or_create(email="bench-hr@example.org", defaults={"full_name": "HR"})
    user_assign_roles(user=hr, roles=[Role.HR])
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(hr)
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
