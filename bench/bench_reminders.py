"""The daily performance reminder job at 20,000 employees (issue 7: target under 30 s, with a
query count that does not grow per employee).

Data: 1,000 supervisors with 19 team members each (20,000 employees, each with an account and
an agreed SKP for the year), all under one head of office. The job runs on the day 7 days before
the first quarter's review deadline, so every employee's review is due: 20,000 reminders, one
e-mail per supervisor per batch, rendered and handed to an in-memory mail backend. Each run
first deletes the previous run's delivery rows (one query), so every run claims and sends all.

Baseline, in the same run: the same job for a cycle with 100 employees.
"""

import random
from datetime import date, timedelta

from django.core import mail
from django.db import transaction
from django.test.utils import override_settings
from tqdm import tqdm

from accounts.models import User
from bench.common import machine, measure, write
from performance.defaults import rules_ensure
from performance.models import Checkpoint, Indicator, ReminderDelivery, Skp
from performance.selectors.reminders import reminders_due
from performance.services.cycles import cycle_ensure
from performance.services.reminders import reminders_send
from workforce.models import AsnType, EducationLevel, Employee, Kelurahan, Position, Sector, Unit
from workforce.validators import build_nip

EMPLOYEES = 20_000
BASELINE = 100
TEAM = 20  # a supervisor and 19 members
BIG_YEAR, SMALL_YEAR = 2026, 2031  # far apart: the job only looks at the year around today


def _position(name: str) -> Position:
    unit, _ = Unit.objects.get_or_create(
        name=name,
        defaults={
            "sector": Sector.objects.order_by("pk").first(),
            "kelurahan": Kelurahan.objects.order_by("pk").first(),
            "kind": Unit.Kind.TECHNICAL,
        },
    )
    position, _ = Position.objects.get_or_create(
        unit=unit,
        name="Pelaksana",
        defaults={
            "kind": Position.Kind.EXECUTOR,
            "asn_type": AsnType.PNS,
            "education_level": EducationLevel.S1,
        },
    )
    return position


@transaction.atomic
def _seed(year: int, count: int, tag: str) -> None:
    the_cycle = cycle_ensure(year=year)
    if Skp.objects.filter(cycle=the_cycle).count() >= count:
        return
    rng = random.Random(year)
    position = _position(f"Bench reminders {tag}")
    users = User.objects.bulk_create(
        (
            User(email=f"bench-{tag}-{n}@example.org", full_name=f"Pegawai {tag} {n}")
            for n in tqdm(range(count), desc=f"users ({tag})", unit="row")
        ),
        batch_size=2000,
    )
    nips = set(Employee.objects.values_list("nip", flat=True))

    def employee(n, supervisor=None):
        while True:
            birth = date(rng.randint(1966, 1999), rng.randint(1, 12), rng.randint(1, 28))
            nip = build_nip(
                birth, appointment=(2020, 1), gender="F", sequence=rng.randint(1, 999), pppk=False
            )
            if nip not in nips:
                nips.add(nip)
                break
        return Employee(
            nip=nip,
            full_name=users[n].full_name,
            gender="F",
            birth_date=birth,
            asn_type=AsnType.PNS,
            position=position,
            start_date=date(2020, 1, 1),
            retirement_date=Employee.retirement_date_for(birth, 58),
            user=users[n],
            supervisor=supervisor,
        )

    head = Employee.objects.bulk_create([employee(0)])[0]
    bosses = Employee.objects.bulk_create(
        [employee(n, head) for n in range(TEAM, count, TEAM)], batch_size=2000
    )
    members = [
        employee(n, bosses[n // TEAM - 1] if n >= TEAM else head)
        for n in tqdm(range(1, count), desc=f"employees ({tag})", unit="row")
        if n % TEAM
    ]
    Employee.objects.bulk_create(members, batch_size=2000)
    everyone = Employee.objects.filter(position=position)
    skps = Skp.objects.bulk_create(
        (Skp(employee=e, cycle=the_cycle, status=Skp.Status.AGREED) for e in everyone),
        batch_size=2000,
    )
    Indicator.objects.bulk_create(
        (Indicator(skp=s, description="Layanan", target="100") for s in skps), batch_size=2000
    )


def run() -> None:
    print("Seeding the reminder data (once)...")
    rules_ensure()
    _seed(SMALL_YEAR, BASELINE, "small")
    _seed(BIG_YEAR, EMPLOYEES, "big")

    def job(year):
        first = Checkpoint.objects.get(cycle__year=year, kind="periodic", number=1)
        today = first.due_date - timedelta(days=7)
        # Every due date the day's reminders name: on a database with other data of the same
        # year (the demo accounts of bench_pages), some are for other checkpoints.
        due_dates = {r.due_date for r in reminders_due(today)} | {first.due_date}

        def fn():
            ReminderDelivery.objects.filter(due_date__in=due_dates).delete()
            mail.outbox = []
            run = reminders_send(today=today)
            assert run.claimed == run.found > 0, run

        return fn

    counts = {"employees": Employee.objects.count(), "skps": Skp.objects.count()}
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        results = {
            f"baseline: job, {BASELINE} employees": measure(job(SMALL_YEAR), repeat=7, warmup=1),
            f"job, {EMPLOYEES:,} employees": measure(job(BIG_YEAR), repeat=3, warmup=1),
        }
    base = results[f"baseline: job, {BASELINE} employees"]["median_ms"]
    lines = [
        "# Performance reminder job benchmark",
        "",
        f"Data: {counts}. Machine: {machine()}. Target: under 30 s at {EMPLOYEES:,} employees.",
        "",
        "| case | median ms | p90 ms | queries | ratio to baseline |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        ratio = r["median_ms"] / base if base else 0
        lines.append(
            f"| {name} | {r['median_ms']} | {r['p90_ms']} | {r['queries_per_run']} | {ratio:.1f}× |"
        )
    write(
        "reminders",
        {"data": counts, "machine": machine(), "results": results},
        "\n".join(lines) + "\n",
    )
