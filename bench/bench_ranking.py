"""The ranking of a CPNS period with 50,000 applications across 200 formations (issue: scores
and ranking). Target: `rank_period` under 5 s on PostgreSQL on the 2-core CI machine.

Cases, in the same run:
- floor: a plain SELECT of the same 50,000 result rows (the least any ranking must read);
- re-rank: `rank_period` when nothing changed (reads, ranks, writes every row, no decision);
- first rank: `rank_period` after the codes were cleared (outside the timing), so every final
  code changes and 50,000 decisions are written: the worst case.
"""

import random
import statistics
import time
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from bench.common import machine, measure, write
from recruitment.models import (
    ApplicantProfile,
    Application,
    ExamResult,
    Formation,
    SelectionPeriod,
)
from recruitment.services.periods import period_add_default_passing_grades
from recruitment.services.ranking import rank_period
from workforce.models import AsnType, EducationLevel, Kelurahan, Position, Sector, Unit

APPLICATIONS = 50_000
FORMATIONS = 200
NAME = "Bench ranking CPNS"
CATEGORIES = ["umum"] * 7 + ["cumlaude", "disabilitas", "kalimantan"]


@transaction.atomic
def _seed() -> SelectionPeriod:
    period = SelectionPeriod.objects.filter(name=NAME).first()
    if period and Application.objects.filter(period=period).count() >= APPLICATIONS:
        return period
    rng = random.Random(11)
    now = timezone.now()
    period = SelectionPeriod.objects.create(
        name=NAME,
        year=2031,
        procurement_type="CPNS",
        registration_opens_at=now - timedelta(days=60),
        registration_closes_at=now - timedelta(days=30),
        age_reference_date=now.date(),
    )
    period_add_default_passing_grades(period=period)
    sectors, kelurahan = list(Sector.objects.all()), list(Kelurahan.objects.all())
    units = Unit.objects.bulk_create(
        Unit(
            name=f"Bench ranking unit {i:03d}",
            sector=sectors[i % len(sectors)],
            kelurahan=kelurahan[i % len(kelurahan)],
            kind=Unit.Kind.TECHNICAL,
        )
        for i in range(20)
    )
    positions = Position.objects.bulk_create(
        Position(
            unit=unit,
            name=f"Jabatan ranking {j}",
            kind=Position.Kind.FUNCTIONAL,
            asn_type=AsnType.PNS,
            education_level=EducationLevel.S1,
        )
        for unit in units
        for j in range(FORMATIONS // len(units))
    )
    formations = Formation.objects.bulk_create(
        Formation(
            period=period,
            position=position,
            asn_type=AsnType.PNS,
            category=CATEGORIES[i % len(CATEGORIES)],
            quota=rng.randint(1, 5),
            education_level=EducationLevel.S1,
        )
        for i, position in enumerate(positions)
    )
    users = User.objects.bulk_create(
        (
            User(email=f"bench-rank-{n}@example.org", full_name=f"Pelamar {n}", password="!")  # noqa: S106 (unusable)
            for n in range(APPLICATIONS)
        ),
        batch_size=5000,
    )
    ApplicantProfile.objects.bulk_create(
        (
            ApplicantProfile(
                user=user,
                nik=f"9{n:015d}",
                kk_number="6271040101090001",
                name_on_ktp=f"Pelamar {n}",
                birth_place="Palangka Raya",
                birth_date=date(1990, 1, 1) + timedelta(days=rng.randint(0, 3650)),
                gender="F",
                address="Rakumpit",
                phone="0812",
                education_level=EducationLevel.S1,
                institution="Universitas Palangka Raya",
                programme="Manajemen",
                gpa=Decimal(rng.randint(280, 400)) / 100,
                graduation_year=2015,
                accreditation="baik",
            )
            for n, user in enumerate(users)
        ),
        batch_size=5000,
    )
    applications = Application.objects.bulk_create(
        (
            Application(
                applicant=user,
                period=period,
                formation=formations[n % FORMATIONS],
                budget_year=period.year,
                status="withdrawn" if n % 97 == 0 else "submitted",
                registration_number=f"B31-{n:06d}",
                announced_result="TMS" if n % 53 == 0 else "MS",
                submitted_at=now,
            )
            for n, user in enumerate(users)
        ),
        batch_size=5000,
    )

    def result(app):
        roll = rng.random()
        presence = "absent" if roll < 0.04 else "disqualified" if roll < 0.05 else "present"
        scores = {}
        if presence == "present":
            scores = {
                "twk": rng.randrange(40, 151, 5),
                "tiu": rng.randrange(50, 176, 5),
                "tkp": rng.randint(130, 225),
            }
        skb = {}
        if presence == "present" and rng.random() < 0.5:
            skb = {"skb_presence": "present", "skb": Decimal(rng.randint(2000, 50000)) / 100}
        return ExamResult(application=app, skd_presence=presence, **scores, **skb)

    ExamResult.objects.bulk_create((result(app) for app in applications), batch_size=5000)
    return period


def _first_rank(period, repeat: int) -> dict:
    samples, queries_per_run = [], 0
    for _ in range(repeat):
        ExamResult.objects.filter(application__period=period).update(final_code="")
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            rank_period(period=period)
            samples.append((time.perf_counter() - start) * 1000)
        queries_per_run = len(queries.captured_queries)
    return {
        "median_ms": round(statistics.median(samples), 2),
        "min_ms": round(min(samples), 2),
        "runs": repeat,
        "queries_per_run": queries_per_run,
    }


def run() -> None:
    print("Seeding the ranking data (once)...")
    period = _seed()
    counts = {
        "applications": Application.objects.filter(period=period).count(),
        "formations": Formation.objects.filter(period=period).count(),
    }

    def floor():
        list(
            ExamResult.objects.filter(application__period=period).values_list(
                "pk", "twk", "tiu", "tkp", "skb"
            )
        )

    def rerank():
        rank_period(period=period)

    results = {
        "floor (SELECT of the same rows)": measure(floor, repeat=7),
        "rank_period, nothing changed": measure(rerank, repeat=5, warmup=1),
        "rank_period, every code new (50k decisions)": _first_rank(period, repeat=3),
    }
    base = results["floor (SELECT of the same rows)"]["median_ms"]
    lines = [
        "# Ranking benchmark",
        "",
        f"Data: {counts}. Machine: {machine()}.",
        "",
        "| case | median s | queries | ratio to floor |",
        "|---|---:|---:|---:|",
    ]
    for name, r in results.items():
        ratio = r["median_ms"] / base if base else 0
        lines.append(
            f"| {name} | {r['median_ms'] / 1000:.2f} | {r['queries_per_run']} | {ratio:.1f}× |"
        )
    payload = {"data": counts, "machine": machine(), "results": results}
    write("ranking", payload, "\n".join(lines) + "\n")
