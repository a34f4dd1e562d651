"""Builders of large data sets, shared by `manage.py seed_scale` and the benchmarks in bench/.

Never imported by the running portal: only by that command and by bench/.

Every builder is bulk-inserted (no per-row save, no signals, no audit entries) and safe to run
again: it looks for its own rows (by a name prefix or a period name) and, when they are there,
creates nothing and returns what exists. Each runs in one transaction, so an interrupted run
leaves nothing half-made. Progress bars (tqdm) go to stderr; `quiet=True` hides them.

The volumes are arguments; the defaults are the scale issue's ("Scale and speed"): 200
formations, 50,000 applicants, 20,000 employees, 20,000 topics with 200,000 comments.
"""

# ruff: noqa: S311 (seeded generators make repeatable test data; nothing here is a secret)
from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from accounts.models import User
from forums.models import Comment, Topic
from performance.defaults import rules_ensure
from performance.models import Checkpoint, Indicator, PredikatRule, Rating, Review, Skp
from performance.services.cycles import cycle_ensure
from recruitment.models import (
    ApplicantProfile,
    Application,
    ApplicationEvent,
    Document,
    DocumentRequirement,
    ExamResult,
    Formation,
    Milestone,
    SelectionPeriod,
)
from recruitment.services.periods import (
    default_required_slugs,
    period_add_default_documents,
    period_add_default_passing_grades,
)
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

BATCH = 5_000
NEEDS_PREFIX = "Bench unit "
FORUM_PREFIX = "Bench topik "
RECRUITMENT_UNIT_PREFIX = "Bench recruitment unit "
APPLICANT_EMAIL = "bench-applicant-{n:06d}@example.org"
CATEGORIES = ["umum"] * 7 + ["cumlaude", "disabilitas", "kalimantan"]
THEMES = (
    "ambulans puskesmas",
    "dokter gigi",
    "guru sekolah terpencil",
    "jadwal klinik sungai",
    "antrean pelayanan KTP",
    "bidan desa",
    "air bersih",
    "penerangan jalan",
)


@dataclass
class Built:
    """What a builder did: `created` is False when its data was already there."""

    name: str
    created: bool
    counts: dict[str, int] = field(default_factory=dict)


def _bar(total: int, desc: str, quiet: bool):
    return tqdm(total=total, desc=desc, unit="row", disable=quiet, leave=False)


def _bulk(model, rows, *, total: int, desc: str, quiet: bool, **options) -> list:
    """bulk_create in batches of BATCH with a progress bar; returns the created objects (with
    their primary keys on PostgreSQL)."""
    created, pending = [], []
    with _bar(total, desc, quiet) as progress:
        for row in rows:
            pending.append(row)
            if len(pending) >= BATCH:
                created += model.objects.bulk_create(pending, **options)
                progress.update(len(pending))
                pending = []
        if pending:
            created += model.objects.bulk_create(pending, **options)
            progress.update(len(pending))
    return created


# --- workforce: units, positions with ABK sheets, employees (the needs map) -----------------


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


# --- forums: topics and comments ------------------------------------------------------------


def _forum_authors(count: int) -> list[User]:
    emails = [f"bench-forum-{i:03d}@example.org" for i in range(count)]
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    User.objects.bulk_create(
        User(email=e, full_name=f"Warga {e[12:15]}", password=make_password(None))
        for e in emails
        if e not in existing
    )
    return list(User.objects.filter(email__in=emails).order_by("email"))


@transaction.atomic
def forums(
    *,
    topics: int = 20_000,
    comments: int = 200_000,
    big_topic_comments: int = 500,
    authors: int = 200,
    prefix: str = FORUM_PREFIX,
    quiet: bool = False,
) -> Built:
    """Topics spread over every sector and kelurahan; the first topic (`<prefix>00000`) carries
    `big_topic_comments` of the comments, the rest are spread at random."""
    existing = Topic.objects.filter(title__startswith=prefix)
    if existing.count() >= topics:
        return Built(
            "forums",
            False,
            {
                "topics": existing.count(),
                "comments": Comment.objects.filter(topic__in=existing).count(),
            },
        )
    existing.delete()  # a smaller or half-finished earlier seed: start over
    rng = random.Random(8)
    people = _forum_authors(authors)
    sectors = list(Sector.objects.all())
    kelurahan = list(Kelurahan.objects.all())
    now = timezone.now()
    big = min(big_topic_comments, comments)
    counts = [big] + [0] * (topics - 1)
    for _ in range(comments - big):
        counts[rng.randrange(1, topics) if topics > 1 else 0] += 1

    def topic(n):
        theme = THEMES[n % len(THEMES)]
        created = now - timedelta(minutes=n * 7)
        return Topic(
            title=f"{prefix}{n:05d}: {theme}",
            body=f"Warga berharap ada perbaikan layanan {theme} di kelurahan kami. "
            "Mohon ditindaklanjuti oleh dinas terkait.",
            author=people[n % len(people)],
            sector=sectors[n % len(sectors)],
            kelurahan=kelurahan[n % len(kelurahan)],
            support_count=rng.randint(0, 300),
            comment_count=counts[n],
            created_at=created,
            last_activity_at=created,
        )

    made = _bulk(Topic, (topic(n) for n in range(topics)), total=topics, desc="topics", quiet=quiet)
    rows = (
        Comment(
            topic=t,
            author=people[(t.pk + k) % len(people)],
            body=f"Setuju, ini penting. **Tanggapan {k}.**",
            created_at=t.created_at + timedelta(minutes=k + 1),
        )
        for t, count in zip(made, counts, strict=True)
        for k in range(count)
    )
    _bulk(Comment, rows, total=comments, desc="comments", quiet=quiet)
    return Built("forums", True, {"topics": topics, "comments": comments})


# --- recruitment: applicants, a period with formations, applications, documents, results ----


def applicants(*, count: int, quiet: bool = False) -> list[User]:
    """`count` applicant accounts with a complete profile, numbered from 0; those already there
    (from an earlier run or another period) are reused. Passwords are unusable."""
    emails = [APPLICANT_EMAIL.format(n=n) for n in range(count)]
    have = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
    rng = random.Random(11)
    missing = [(n, e) for n, e in enumerate(emails) if e not in have]
    if missing:
        users = _bulk(
            User,
            (User(email=e, full_name=f"Pelamar {n}", password="!") for n, e in missing),  # noqa: S106 (unusable)
            total=len(missing),
            desc="applicants",
            quiet=quiet,
        )
        _bulk(
            ApplicantProfile,
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
                for (n, _e), user in zip(missing, users, strict=True)
            ),
            total=len(missing),
            desc="profiles",
            quiet=quiet,
        )
    by_email = {u.email: u for u in User.objects.filter(email__in=emails)}
    return [by_email[e] for e in emails]


def _recruitment_positions(count: int) -> list[Position]:
    """`count` positions in units of 10, shared by every benchmark period (a formation is unique
    per period, so periods may reuse them)."""
    units_needed = -(-count // 10)
    sectors, kelurahan = list(Sector.objects.all()), list(Kelurahan.objects.all())
    names = [f"{RECRUITMENT_UNIT_PREFIX}{i:03d}" for i in range(units_needed)]
    have = set(Unit.objects.filter(name__in=names).values_list("name", flat=True))
    Unit.objects.bulk_create(
        Unit(
            name=name,
            sector=sectors[i % len(sectors)],
            kelurahan=kelurahan[i % len(kelurahan)],
            kind=Unit.Kind.TECHNICAL,
        )
        for i, name in enumerate(names)
        if name not in have
    )
    units = list(Unit.objects.filter(name__in=names).order_by("name"))
    for unit in units:
        if not unit.positions.exists():
            Position.objects.bulk_create(
                Position(
                    unit=unit,
                    name=f"Jabatan seleksi {j}",
                    kind=Position.Kind.FUNCTIONAL,
                    asn_type=AsnType.PNS,
                    education_level=EducationLevel.S1,
                )
                for j in range(10)
            )
    return list(Position.objects.filter(unit__in=units).order_by("unit__name", "name")[:count])


@transaction.atomic
def recruitment_period(
    *,
    name: str,
    year: int,
    code: str,
    formations: int = 200,
    applications: int = 50_000,
    registration_open: bool = False,
    documents: bool = False,
    exam_results: bool = False,
    quiet: bool = False,
) -> tuple[SelectionPeriod, Built]:
    """A CPNS period named `name` with `formations` formations and one application per
    applicant (see `applicants`). `registration_open`: published, open now, like a period near
    its deadline; otherwise closed 30 days ago and unpublished. `documents`: one current
    document record per required slot of each finalised application (rows only, no files).
    `exam_results`: SKD scores (some absent or disqualified) and an SKB for about half."""
    period = SelectionPeriod.objects.filter(name=name).first()
    if period is not None:
        counts = {
            "formations": period.formations.count(),
            "applications": Application.objects.filter(period=period).count(),
            "documents": Document.objects.filter(application__period=period).count(),
        }
        return period, Built(f"period '{name}'", False, counts)
    rng = random.Random(11)
    now = timezone.now()
    opens, closes = (
        (now - timedelta(days=10), now + timedelta(days=20))
        if registration_open
        else (now - timedelta(days=60), now - timedelta(days=30))
    )
    period = SelectionPeriod.objects.create(
        name=name,
        year=year,
        procurement_type="CPNS",
        registration_opens_at=opens,
        registration_closes_at=closes,
        age_reference_date=now.date(),
        is_published=registration_open,
    )
    period_add_default_passing_grades(period=period)
    slots = period_add_default_documents(period=period)
    required = [s for s in slots if s.slug in set(default_required_slugs())]
    made_formations = Formation.objects.bulk_create(
        Formation(
            period=period,
            position=position,
            asn_type=AsnType.PNS,
            category=CATEGORIES[i % len(CATEGORIES)],
            quota=rng.randint(1, 5),
            education_level=EducationLevel.S1,
            is_published=registration_open,
        )
        for i, position in enumerate(_recruitment_positions(formations))
    )
    Formation.required_documents.through.objects.bulk_create(
        Formation.required_documents.through(formation=f, documentrequirement=slot)
        for f in made_formations
        for slot in required
    )
    people = applicants(count=applications, quiet=quiet)
    niks = dict(ApplicantProfile.objects.filter(user__in=people).values_list("user_id", "nik"))

    def application(n, user):
        # An open period has drafts (one in ten) besides finalised applications; a closed one
        # has withdrawals and a few TMS.
        if registration_open and n % 10 == 9:
            return Application(
                applicant=user,
                period=period,
                formation=made_formations[n % len(made_formations)],
                budget_year=year,
                status=Application.Status.DRAFT,
            )
        return Application(
            applicant=user,
            period=period,
            formation=made_formations[n % len(made_formations)],
            budget_year=year,
            applicant_nik=niks[user.pk],
            status="withdrawn" if n % 97 == 0 else "submitted",
            registration_number=f"{code}-{n:06d}",
            announced_result="" if registration_open else ("TMS" if n % 53 == 0 else "MS"),
            submitted_at=now - timedelta(minutes=n % 10_000),
        )

    made = _bulk(
        Application,
        (application(n, user) for n, user in enumerate(people)),
        total=len(people),
        desc="applications",
        quiet=quiet,
    )
    finalised = [a for a in made if a.status != Application.Status.DRAFT]
    _bulk(
        ApplicationEvent,
        (
            ApplicationEvent(application=a, status=Milestone.SUBMITTED, at=a.submitted_at)
            for a in finalised
        ),
        total=len(finalised),
        desc="timeline events",
        quiet=quiet,
    )
    document_count = 0
    if documents:
        document_count = len(finalised) * len(required)
        _bulk(
            Document,
            _documents(finalised, required),
            total=document_count,
            desc="documents",
            quiet=quiet,
        )
    if exam_results:
        _bulk(
            ExamResult,
            (_exam_result(rng, a) for a in made),
            total=len(made),
            desc="exam results",
            quiet=quiet,
        )
    return period, Built(
        f"period '{name}'",
        True,
        {
            "formations": len(made_formations),
            "applications": len(made),
            "documents": document_count,
        },
    )


def _documents(finalised: list[Application], required: list[DocumentRequirement]):
    for a in finalised:
        for slot in required:
            token = uuid.uuid4().hex
            extension = "jpg" if slot.file_format == DocumentRequirement.Format.JPEG else "pdf"
            yield Document(
                application=a,
                requirement=slot,
                version=1,
                is_current=True,
                token=token,
                extension=extension,
                file=f"applications/{a.pk}/{token}.{extension}",
                original_name=f"{slot.slug}.{extension}",
                content_type="image/jpeg" if extension == "jpg" else "application/pdf",
                size=150_000,
                sha256="0" * 64,
            )


def _exam_result(rng: random.Random, application: Application) -> ExamResult:
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
    return ExamResult(application=application, skd_presence=presence, **scores, **skb)


# --- performance: a year of SKPs and reviews ------------------------------------------------


@transaction.atomic
def reviews(*, year: int, unit_prefix: str = NEEDS_PREFIX, quiet: bool = False) -> Built:
    """For every employee of the units named `unit_prefix...`: an agreed SKP with two indicators
    in the year's cycle, and a finalised review at every checkpoint of the year (the periodic
    ones and the annual one), rated across the predikat matrix."""
    rules_ensure()
    cycle = cycle_ensure(year=year)
    employees = list(
        Employee.objects.filter(position__unit__name__startswith=unit_prefix).values_list(
            "pk", flat=True
        )
    )
    existing = Skp.objects.filter(cycle=cycle, employee_id__in=employees)
    if existing.exists():
        return Built(
            f"reviews {year}",
            False,
            {"skps": existing.count(), "reviews": Review.objects.filter(skp__in=existing).count()},
        )
    checkpoints = list(Checkpoint.objects.filter(cycle=cycle).order_by("period_end", "kind"))
    rule = {(r.hasil_kerja, r.perilaku): r.predikat for r in PredikatRule.objects.all()}
    rng = random.Random(year)
    # Mostly "meets", some "above", a few "below": a plausible spread over the matrix.
    ratings = [Rating.MEETS] * 7 + [Rating.ABOVE] * 2 + [Rating.BELOW]
    skps = _bulk(
        Skp,
        (Skp(employee_id=pk, cycle=cycle, status=Skp.Status.AGREED) for pk in employees),
        total=len(employees),
        desc=f"SKPs {year}",
        quiet=quiet,
    )
    _bulk(
        Indicator,
        (
            Indicator(skp=s, description=f"Layanan {k}", target="100", order=k)
            for s in skps
            for k in range(2)
        ),
        total=2 * len(skps),
        desc="indicators",
        quiet=quiet,
    )

    def review(skp, checkpoint):
        hasil, perilaku = rng.choice(ratings), rng.choice(ratings)
        finalised = timezone.make_aware(
            datetime.combine(checkpoint.due_date, time(10))
        ) - timedelta(days=rng.randint(1, 9))
        return Review(
            skp=skp,
            checkpoint=checkpoint,
            status=Review.Status.ACKNOWLEDGED,
            hasil_kerja=hasil,
            perilaku=perilaku,
            predikat=rule[(hasil, perilaku)],
            feedback="Pertahankan kinerja.",
            finalised_at=finalised,
            objection_deadline=checkpoint.due_date + timedelta(days=cycle.objection_window_days),
            acknowledged_at=finalised + timedelta(days=1),
        )

    total = len(skps) * len(checkpoints)
    _bulk(
        Review,
        (review(s, c) for c in checkpoints for s in skps),
        total=total,
        desc=f"reviews {year}",
        quiet=quiet,
    )
    return Built(f"reviews {year}", True, {"skps": len(skps), "reviews": total})


def cycle_checkpoint(year: int, kind: str = Checkpoint.Kind.ANNUAL) -> Checkpoint | None:
    return Checkpoint.objects.filter(cycle__year=year, kind=kind).order_by("-period_end").first()
