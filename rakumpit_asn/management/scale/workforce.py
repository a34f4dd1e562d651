"""Units, positions with ABK sheets, employees: the needs map's data."""

# ruff: noqa: S311 (seeded generators make repeatable test data; nothing here is a secret)
from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from django.db import transaction

from rakumpit_asn.management.scale._base import Built, _bulk
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
from workforce.services.reference import planning_year_ensure, reference_data_ensure
from workforce.validators import build_nip

NEEDS_PREFIX = "Bench unit "


@transaction.atomic
def needs_map(
    *,
    units: int = 500,
    positions_per_unit: int = 5,
    employees: int = 20_000,
    year: int = 2026,
    prefix: str = NEEDS_PREFIX,
    quiet: bool = False,
) -> Built:
    existing = Unit.objects.filter(name__startswith=prefix)
    if existing.exists():
        return Built(
            "needs map",
            False,
            {
                "units": existing.count(),
                "employees": Employee.objects.filter(position__unit__in=existing).count(),
            },
        )
    rng = random.Random(7)
    planning_year = planning_year_ensure(year=year)
    reference_data_ensure()  # a database emptied since its migration (a flushed test database)
    sectors = list(Sector.objects.all())
    kelurahan = list(Kelurahan.objects.all())
    made_units = Unit.objects.bulk_create(
        Unit(
            name=f"{prefix}{i:04d}",
            sector=sectors[i % len(sectors)],
            kelurahan=kelurahan[i % len(kelurahan)],
            kind=Unit.Kind.TECHNICAL,
        )
        for i in range(units)
    )
    positions = Position.objects.bulk_create(
        Position(
            unit=unit,
            name=f"Jabatan {j}",
            kind=Position.Kind.FUNCTIONAL,
            asn_type=AsnType.PNS if j % 2 else AsnType.PPPK,
            education_level=EducationLevel.S1,
        )
        for unit in made_units
        for j in range(positions_per_unit)
    )
    sheets = AbkSheet.objects.bulk_create(
        AbkSheet(position=p, planning_year=planning_year) for p in positions
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

    def employee(n):
        birth = date(rng.randint(1966, 1999), rng.randint(1, 12), rng.randint(1, 28))
        start = date(max(birth.year + 22, 2000), 1, 1)
        return Employee(
            nip=build_nip(
                birth, appointment=(start.year, 1), gender="F", sequence=n % 999 + 1, pppk=False
            ),
            full_name=f"Pegawai {n}",
            gender="F",
            birth_date=birth,
            asn_type=AsnType.PNS,
            position=positions[n % len(positions)],
            start_date=start,
            retirement_date=Employee.retirement_date_for(birth, 58),
        )

    # A rare NIP collision between random birth dates is skipped, not an error.
    _bulk(
        Employee,
        (employee(n) for n in range(employees)),
        total=employees,
        desc="employees",
        quiet=quiet,
        ignore_conflicts=True,
    )
    return Built(
        "needs map",
        True,
        {
            "units": len(made_units),
            "positions": len(positions),
            "employees": Employee.objects.filter(position__unit__in=made_units).count(),
        },
    )
