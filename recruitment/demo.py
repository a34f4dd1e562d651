"""Demo recruitment data for `seed_demo` (issue: Recruitment I): an open selection period, dated
relative to the day it is seeded, with about 20 formations drawn from the workforce gaps and about
300 applicants in different states. `applicant@demo...` has a finalised application and
`applicant2@demo...` a draft. Deterministic; safe to run again (dates move with the day)."""

import hashlib
import io
import random
import secrets
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_assign_roles
from core.clock import end_of_minute, wib
from forums.models import SessionOutcome, Topic
from recruitment.models import (
    ApplicantProfile,
    Application,
    ApplicationEvent,
    Document,
    Formation,
    PeriodAssignment,
    ProcurementType,
    SelectionPeriod,
)
from recruitment.services.applications import CODE_ALPHABET
from recruitment.services.periods import default_required_slugs, period_add_default_documents
from recruitment.validators import build_nik
from workforce.models import PlanningYear
from workforce.selectors.needs import needs_positions

OPEN_PERIOD = "Seleksi CPNS Kecamatan Rakumpit {year}"
APPLICANTS = 300
NAMES_F = ["Ayu", "Dewi", "Lestari", "Maria", "Novita", "Putri", "Rina", "Sari", "Tiara", "Yuni"]
NAMES_M = ["Adi", "Bayu", "Dimas", "Eko", "Fajar", "Gilang", "Hendra", "Iwan", "Joko", "Rizky"]
SURNAMES = ["Ngabut", "Tingang", "Saputra", "Lambung", "Hidayat", "Nyahu", "Dohong", "Wijaya",
            "Asang", "Pratama", "Kristanto", "Uden"]  # fmt: skip
PROGRAMMES = {
    "D3": ["D3 Keperawatan", "D3 Kebidanan", "D3 Farmasi", "D3 Gizi", "D3 Teknik Sipil"],
    "S1": ["S1 Pendidikan Matematika", "S1 Pendidikan Bahasa Indonesia", "S1 Administrasi Negara",
           "S1 Kesehatan Masyarakat", "S1 Teknik Sipil"],
    "PROFESI": ["Pendidikan Profesi Dokter", "Pendidikan Profesi Dokter Gigi", "Profesi Apoteker"],
}  # fmt: skip


def _tiny_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 160), (200, 40, 40)).save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


def _tiny_pdf() -> bytes:

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _period(now) -> SelectionPeriod:
    # Dates and times of the calendar in WIB: the deadline is 23:59 WIB, not 23:59 UTC.
    today = timezone.localdate(now, timezone.get_default_timezone())
    year = today.year
    period, _ = SelectionPeriod.objects.update_or_create(
        name=OPEN_PERIOD.format(year=year),
        defaults={
            "year": year,
            "procurement_type": ProcurementType.CPNS,
            "description": "Pengadaan CPNS untuk layanan kesehatan, pendidikan dan pemerintahan "
            "di Kecamatan Rakumpit, Kota Palangka Raya.",
            "registration_opens_at": wib(today - timedelta(days=5), 8),
            "registration_closes_at": end_of_minute(wib(today + timedelta(days=12), 23, 59)),
            "admin_announcement_at": wib(today + timedelta(days=19), 10),
            "exam_starts_on": today + timedelta(days=35),
            "exam_ends_on": today + timedelta(days=45),
            "final_announcement_at": wib(today + timedelta(days=80), 10),
            "age_min": 18,
            "age_max": 35,
            "age_reference_date": today + timedelta(days=12),
            "is_published": True,
            "registration_closed": False,
        },
    )
    period_add_default_documents(period=period)
    return period


def _formations(period) -> list[Formation]:
    planning_year = PlanningYear.objects.filter(year=period.year).first()
    if planning_year is None:
        return list(period.formations.all())
    required = list(period.document_requirements.filter(slug__in=default_required_slugs()))
    formations = []
    for position in needs_positions(planning_year).filter(gap__gt=0).order_by("-gap", "pk")[:20]:
        formation, created = Formation.objects.get_or_create(
            period=period,
            position=position,
            asn_type="PNS",
            category="umum",
            defaults={
                "quota": position.gap,
                "education_level": position.education_level,
                "accepted_programmes": "",
                "age_max_override": 40 if position.education_level == "PROFESI" else None,
                "is_published": True,
            },
        )
        if created:
            formation.required_documents.set(required)
        formations.append(formation)
    return formations


def _profile(user, rng, level, gender, sequence) -> ApplicantProfile:
    birth = date(rng.randint(1992, 2002), rng.randint(1, 12), rng.randint(1, 28))
    programmes = PROGRAMMES.get(level, PROGRAMMES["S1"])
    profile, _ = ApplicantProfile.objects.update_or_create(
        user=user,
        defaults={
            "nik": build_nik(region="627104", birth_date=birth, gender=gender, sequence=sequence),
            "kk_number": f"627104{rng.randint(1000000000, 9999999999)}",
            "name_on_ktp": user.full_name.upper(),
            "birth_place": rng.choice(["Palangka Raya", "Kuala Kapuas", "Pulang Pisau"]),
            "birth_date": birth,
            "gender": gender,
            "address": f"Jl. Tjilik Riwut Km {rng.randint(28, 60)}, Rakumpit",
            "phone": f"08{rng.randint(1100000000, 9999999999)}",
            "education_level": level,
            "institution": rng.choice(
                [
                    "Universitas Palangka Raya",
                    "Poltekkes Palangka Raya",
                    "Universitas Muhammadiyah Palangka Raya",
                ]
            ),
            "programme": rng.choice(programmes),
            "gpa": f"{rng.uniform(2.8, 3.9):.2f}",
            "graduation_year": birth.year + 22,
            "accreditation": rng.choice(["unggul", "baik_sekali", "baik"]),
        },
    )
    return profile


def _documents(application, files, *, skip=()) -> list[Document]:
    documents = []
    for requirement in application.formation.required_documents.all():
        if requirement.slug in skip:
            continue
        content = files[requirement.file_format]
        token = secrets.token_hex(16)
        extension = "jpg" if requirement.file_format == "jpeg" else "pdf"
        path = default_storage.save(
            f"applications/{application.pk}/{token}.{extension}", ContentFile(content)
        )
        documents.append(
            Document(
                application=application,
                requirement=requirement,
                version=1,
                is_current=True,
                token=token,
                extension=extension,
                file=path,
                original_name=f"{requirement.slug}.{extension}",
                content_type="image/jpeg" if extension == "jpg" else "application/pdf",
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
            )
        )
    return documents


def _application(user, formation, status, now, files, *, skip_documents=(), created=None):
    application = Application.objects.filter(applicant=user, budget_year=formation.period.year)
    if application.exists():
        return application.first()
    application = Application.objects.create(
        applicant=user,
        period=formation.period,
        formation=formation,
        budget_year=formation.period.year,
    )
    created = created or now - timedelta(days=4, hours=application.pk % 48)
    events = [ApplicationEvent(application=application, status="draft", actor=user, at=created)]
    Document.objects.bulk_create(_documents(application, files, skip=skip_documents))
    if status in ("submitted", "withdrawn"):
        application.status = "submitted"
        application.submitted_at = created + timedelta(hours=3)
        application.registration_number = f"RKP-{formation.period.year}-{application.pk:06d}"
        application.verification_code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
        events.append(ApplicationEvent(application=application, status="submitted", actor=user,
                                       at=application.submitted_at))  # fmt: skip
    if status == "withdrawn":
        application.status = "withdrawn"
        application.withdrawn_at = created + timedelta(days=1)
        events.append(
            ApplicationEvent(
                application=application,
                status="withdrawn",
                actor=user,
                at=application.withdrawn_at,
                note="Diterima kerja di swasta.",
            )
        )
    application.save()
    ApplicationEvent.objects.bulk_create(events)
    return application


@transaction.atomic
def seed(users: dict) -> None:
    rng = random.Random(4)  # noqa: S311 - demo data
    now = timezone.now()
    period = _period(now)
    formations = _formations(period)
    if not formations:
        return
    # The committee works on the open period as applications arrive: the demo verifier
    # screens, HR does the second check (their Today pages show the queue).
    for key, duty in (
        ("verifier", PeriodAssignment.Duty.VERIFIER),
        ("hr", PeriodAssignment.Duty.CONFIRMER),
    ):
        if key in users:
            PeriodAssignment.objects.get_or_create(period=period, user=users[key], duty=duty)
    files = {"jpeg": _tiny_jpeg(), "pdf": _tiny_pdf()}
    # The two documented demo applicants first.
    nurse = next((f for f in formations if f.education_level == "D3"), formations[0])
    demo_applicants = [
        ("applicant", "submitted", (), 9001),
        ("applicant2", "draft", ("transkrip", "ijazah"), 9002),
    ]
    for key, status, skip, sequence in demo_applicants:
        user = users[key]
        gender = "M" if key == "applicant" else "F"
        _profile(user, rng, nurse.education_level, gender, sequence)
        _application(user, nurse, status, now, files, skip_documents=skip)
    for n in range(APPLICANTS):
        email = f"pelamar{n:03d}@contoh.rakumpit.go.id"
        user = User.objects.filter(email=email).first()
        if user is None:
            gender = rng.choice("MF")
            first = rng.choice(NAMES_M if gender == "M" else NAMES_F)
            user = User.objects.create(email=email, full_name=f"{first} {rng.choice(SURNAMES)}")
            user.set_unusable_password()
            user.save(update_fields=["password"])
            user_assign_roles(user=user, roles=[Role.APPLICANT])
        else:
            gender = "M"
        formation = formations[n % len(formations)]
        if not hasattr(user, "applicant_profile"):
            _profile(user, rng, formation.education_level, gender, n + 1)
        roll = rng.random()
        status = "draft" if roll < 0.3 else "withdrawn" if roll < 0.35 else "submitted"
        _application(user, formation, status, now, files,
                     skip_documents=("transkrip",) if status == "draft" else ())  # fmt: skip


# The selection committee's contact point on the demo periods (HR edits it per period).
DEMO_CONTACT = {
    "contact_email": "panitia.seleksi@rakumpit.go.id",
    "contact_phone": "(0536) 322 1000",
    "contact_whatsapp": "0811 5200 1000",
    "contact_hours": "Senin–Jumat 08.00–15.00 WIB",
    "contact_address": "Kantor Kecamatan Rakumpit, Jl. Tjilik Riwut Km 34, Rakumpit, "
    "Kota Palangka Raya",
}


def contact_points() -> None:
    """Run after every demo period exists: each one without a contact point gets the
    committee's (HR's edits are kept)."""
    SelectionPeriod.objects.filter(contact_email="", contact_phone="").update(**DEMO_CONTACT)


# Which residents' topics informed which demo formations (matched by words in the title).
TOPIC_LINKS = {"Dokter Gigi": "dokter gigi", "Guru Mata Pelajaran": "Guru untuk SMP"}


def link_topics() -> None:
    """Run after the forums' demo data: the dentist and teacher formations cite the residents'
    topics that asked for them (shown on the vacancy page)."""

    for position_name, words in TOPIC_LINKS.items():
        topics = list(Topic.objects.filter(title__icontains=words))
        for formation in Formation.objects.filter(position__name=position_name):
            formation.informing_topics.add(*topics)
    # The discussion session's outcome about the dentist's criteria informed that formation too.
    outcomes = list(SessionOutcome.objects.filter(description__icontains="dokter gigi"))
    for formation in Formation.objects.filter(position__name="Dokter Gigi"):
        formation.informing_outcomes.add(*outcomes)


def status_notifications(users: dict) -> int:
    """Each demo applicant's inbox holds what a running portal would have told them about each
    application: its registration, then every announced milestone (the TMS result with its
    appeal window, ...), written directly (seeding sends nothing) and keyed, so seeding again
    updates instead of duplicating."""
    from notifications.models import Notification
    from notifications.services import category_for
    from recruitment.models import Milestone
    from recruitment.tasks import _milestone_message, _status_message

    count = 0
    week_ago = timezone.now() - timedelta(days=7)
    applicants = [u for key, u in users.items() if key.startswith("applicant")]
    rows = (
        Application.objects.filter(applicant__in=applicants)
        .exclude(status=Application.Status.DRAFT)
        .select_related("applicant", "period", "formation__position__unit", "exam_session")
    )
    for application in rows:
        notices = [
            (
                f"status:{application.pk}:{application.status}",
                "recruitment.status",
                _status_message(application),
                application.submitted_at or timezone.now(),
            )
        ]
        announced = [m for m in Milestone.values if m not in Application.Status.values]
        events = application.events.filter(status__in=announced).order_by("at", "pk")
        for event in events:
            notices.append(
                (
                    f"milestone:{application.pk}:{event.status}",
                    "recruitment.milestone",
                    _milestone_message(application, event.status, event),
                    event.at,
                )
            )
        for key, kind, message, at in notices:
            Notification.objects.update_or_create(
                key=key,
                defaults={
                    "recipient": application.applicant,
                    "kind": kind,
                    "category": category_for(kind),
                    "subject": " ".join(message.subject.split())[:300],
                    "body": message.body,
                    "url": application.get_absolute_url(),
                    "created_at": at,
                    # Older news has been read; the bell counts the recent ones.
                    "read_at": at + timedelta(days=1) if at < week_ago else None,
                },
            )
            count += 1
    return count
