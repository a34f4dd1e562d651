"""Applicants, a selection period with formations, applications, documents and exam results."""

# ruff: noqa: S311 (seeded generators make repeatable test data; nothing here is a secret)
from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from rakumpit_asn.management.scale._base import Built, _bulk
from recruitment.models import (
    Announcement,
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
    AsnType,
    EducationLevel,
    Kelurahan,
    Position,
    Sector,
    Unit,
)

RECRUITMENT_UNIT_PREFIX = "Bench recruitment unit "
APPLICANT_EMAIL = "bench-applicant-{n:06d}@example.org"
CATEGORIES = ["umum"] * 7 + ["cumlaude", "disabilitas", "kalimantan"]
PRIORITY_GROUPS = ["thk2", "non_asn", "umum", "umum", "umum"]


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
    procurement: str = "CPNS",
    quiet: bool = False,
) -> tuple[SelectionPeriod, Built]:
    """A CPNS (or PPPK) period named `name` with `formations` formations and one application
    per applicant (see `applicants`). `registration_open`: published, open now, like a period
    near its deadline; otherwise closed 30 days ago and unpublished. `documents`: one current
    document record per required slot of each finalised application (rows only, no files).
    `exam_results`: the administrative result and the result after appeals announced, then
    SKD scores (some absent or disqualified) and an SKB for about half; for PPPK the four parts
    of the competency test, and priority groups (one in five eks THK-II, one in five non-ASN)."""
    pppk = procurement == "PPPK"
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
        procurement_type=procurement,
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
            asn_type=AsnType.PPPK if pppk else AsnType.PNS,
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
            priority_group=(PRIORITY_GROUPS[n % 5] if pppk else "umum"),
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
        # Scores wait for every MS/TMS to be final (recruitment.services.score_rules).
        for kind in (Announcement.Kind.ADMIN, Announcement.Kind.POST_APPEAL):
            Announcement.objects.get_or_create(period=period, kind=kind)
        make = _pppk_result if pppk else _exam_result
        _bulk(
            ExamResult,
            (make(rng, a) for a in made),
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


def _pppk_result(rng: random.Random, application: Application) -> ExamResult:
    """The 2024 competency test: technical 90 items x 5, managerial 25 and socio-cultural 20
    items scored 1-4, interview 10 items up to 40; many equal totals, as in real files."""
    roll = rng.random()
    presence = "absent" if roll < 0.04 else "disqualified" if roll < 0.05 else "present"
    scores = {}
    if presence == "present":
        scores = {
            "teknis": rng.randrange(150, 451, 5),
            "manajerial": rng.randint(40, 100),
            "sosiokultural": rng.randint(30, 80),
            "wawancara": rng.randint(10, 40),
        }
    return ExamResult(application=application, pppk_presence=presence, **scores)
