"""Training demo data for `seed_demo`: programmes of every kind, past, running and upcoming
sessions, puskesmas staff above and below the JP minimum, and the demo employee with a completed
session (certificate and feedback), a pending request, and a session running today that is open
for requests (the browser journey uses it). Dates follow today; safe to run again."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from forums.models import Topic
from training.models import (
    Attendance,
    Enrolment,
    Feedback,
    GapCompetency,
    Material,
    Meeting,
    Programme,
    Session,
    SessionGuest,
)
from training.services.delivery import certificate_issue
from training.services.rules import training_year_rule_ensure
from workforce.models import AsnType, Employee, Sector

K = Programme.Kind
M = Programme.Mode

# name, kind, mode, JP, provider, competencies, sector slug or None, pass score
PROGRAMMES = [
    ("Latsar CPNS Golongan II", K.LATSAR, M.BLENDED, 40, "BPSDM Provinsi Kalimantan Tengah",
     "bela negara, nilai dasar ASN, smart governance", None, Decimal("70")),
    ("Orientasi PPPK Kota Palangka Raya", K.PPPK_ORIENTATION, M.DISTANCE, 16,
     "BKPSDM Kota Palangka Raya", "nilai dasar ASN, etika pelayanan", None, None),
    ("Kegawatdaruratan Maternal dan Neonatal", K.TECHNICAL, M.CLASSICAL, 12,
     "Dinas Kesehatan Kota Palangka Raya", "asuhan kebidanan, kegawatdaruratan",
     "kesehatan", Decimal("65")),
    ("Pelayanan Prima bagi Pasien dan Keluarga", K.SOCIO_CULTURAL, M.CLASSICAL, 8,
     "Puskesmas Rakumpit bersama warga", "komunikasi, pelayanan publik", None, None),
    ("Kepemimpinan Pengawas Unit Layanan", K.MANAGERIAL, M.BLENDED, 10,
     "BPSDM Provinsi Kalimantan Tengah", "pengambilan keputusan, mengelola perubahan",
     None, None),
    ("Manajemen Waktu dan Kerja Sama Tim", K.SOCIO_CULTURAL, M.DISTANCE, 6,
     "LAN RI (e-learning)", "kerja sama, orientasi pada hasil", "kesehatan", None),
    ("Tata Naskah Dinas dan Pelaporan Kinerja", K.TECHNICAL, M.BLENDED, 8,
     "BKPSDM Kota Palangka Raya", "pelaporan, administrasi perkantoran, akuntabilitas kinerja",
     None, None),
]  # fmt: skip

# Which programme competencies answer a gap of a performance review (GapCompetency; HR edits
# them in the admin): the seven BerAKHLAK values by code, and words of the demo SKP indicators
# (performance/demo.py INDICATORS).
GAPS = [
    ("value", "berorientasi-pelayanan", "pelayanan publik, komunikasi, etika pelayanan"),
    ("value", "akuntabel", "akuntabilitas kinerja, pelaporan, orientasi pada hasil"),
    ("value", "kompeten", "asuhan kebidanan, kegawatdaruratan, smart governance"),
    ("value", "harmonis", "komunikasi, kerja sama, etika pelayanan"),
    ("value", "loyal", "nilai dasar ASN, bela negara"),
    ("value", "adaptif", "mengelola perubahan, smart governance, pengambilan keputusan"),
    ("value", "kolaboratif", "kerja sama, komunikasi"),
    ("indicator", "pelayanan kesehatan", "pelayanan publik, kegawatdaruratan"),
    ("indicator", "laporan", "pelaporan, administrasi perkantoran"),
]

# Sessions over the months around today: (programme, batch, first day, last day, seats, days
# the enrolment opens before the first day), in days from today. Past batches were held and are
# complete, one runs today, the next ones follow over the coming months.
SCHEDULE = [
    ("Latsar CPNS Golongan II", "Angkatan I", -235, -222, 40, 30),
    ("Pelayanan Prima bagi Pasien dan Keluarga", "Angkatan I", -160, -158, 25, 21),
    ("Kepemimpinan Pengawas Unit Layanan", "Angkatan I", -118, -116, 20, 21),
    ("Tata Naskah Dinas dan Pelaporan Kinerja", "Angkatan I", -75, -74, 30, 21),
    ("Orientasi PPPK Kota Palangka Raya", "Daring I", -64, -62, 60, 21),
    ("Kepemimpinan Pengawas Unit Layanan", "Angkatan II", 12, 14, 20, 25),
    ("Orientasi PPPK Kota Palangka Raya", "Daring II", 19, 21, 60, 30),
    ("Kegawatdaruratan Maternal dan Neonatal", "Angkatan II", 26, 28, 20, 30),
    ("Tata Naskah Dinas dan Pelaporan Kinerja", "Angkatan II", 33, 34, 30, 40),
    ("Latsar CPNS Golongan II", "Angkatan II", 41, 54, 40, 45),
    ("Manajemen Waktu dan Kerja Sama Tim", "Daring II", 48, 49, 40, 50),
    ("Pelayanan Prima bagi Pasien dan Keluarga", "Angkatan II", 68, 70, 25, 30),
    ("Kepemimpinan Pengawas Unit Layanan", "Angkatan III", 96, 98, 20, 30),
]

# Who signs the demo programmes' certificates (a fictitious Camat; HR sets the real one in the
# admin, per programme).
SIGNATORY = {
    "signatory_name": "Drs. Ahmad Syahrani, M.Si.",
    "signatory_position": "Camat Rakumpit",
    "signatory_nip": "197503122000031004",
}


def seed(users: dict) -> None:
    with transaction.atomic():
        _seed(users)


def _seed(users: dict) -> None:
    today = timezone.localdate()
    for year in (today.year - 1, today.year):
        training_year_rule_ensure(year=year)
    programmes = {spec[0]: _programme(*spec) for spec in PROGRAMMES}
    maternal = programmes["Kegawatdaruratan Maternal dan Neonatal"]
    prima = programmes["Pelayanan Prima bagi Pasien dan Keluarga"]
    teamwork = programmes["Manajemen Waktu dan Kerja Sama Tim"]
    days = timedelta

    # Past sessions, completed this year (early January: last year's dates are as good).
    past_maternal = _session(maternal, "Angkatan I", today - days(40), today - days(38), 30)
    past_teamwork = _session(teamwork, "Daring I", today - days(30), today - days(29), 40)
    # Running today, open for requests until today: the journey's session.
    running = _session(prima, "Angkatan Rakumpit", today - days(1), today, 25, opens=days(14))
    # The rest of the year's calendar, past and coming.
    sessions = {
        (name, batch): _session(
            programmes[name], batch, today + days(start), today + days(end), seats, opens=days(op)
        )
        for name, batch, start, end, seats, op in SCHEDULE
    }
    _guests(running, users)
    upcoming = sessions[("Kepemimpinan Pengawas Unit Layanan", "Angkatan II")]
    _guests(sessions[("Pelayanan Prima bagi Pasien dan Keluarga", "Angkatan II")], users)
    for source, code, competencies in GAPS:
        GapCompetency.objects.update_or_create(
            source=source, code=code, defaults={"competencies": competencies}
        )

    me = Employee.objects.filter(user=users.get("employee")).first()
    staff = list(
        Employee.objects.filter(
            position__unit__sector__slug="kesehatan",
            asn_type=AsnType.PNS,
            status=Employee.Status.ACTIVE,
        )
        .exclude(user__isnull=False)
        .order_by("nip")[:24]
    )
    hr = users["hr"]
    # Everyone took the maternal course (12 JP); half also the teamwork one (18 JP, still short
    # of 20); a quarter also today's session (26 JP, above the minimum).
    for i, employee in enumerate(staff):
        _completed(past_maternal, employee, hr, score=Decimal("78"))
        if i % 2 == 0:
            _completed(past_teamwork, employee, hr)
    for employee in staff[::4]:
        _completed(running, employee, hr)
    # Earlier batches of the year were held too: a quarter took the first Pelayanan Prima batch
    # (20 JP with the maternal course: exactly the minimum).
    for employee in staff[1::4]:
        _completed(
            sessions[("Pelayanan Prima bagi Pasien dan Keluarga", "Angkatan I")], employee, hr
        )
    if me is not None:
        enrolment = _completed(past_maternal, me, hr, score=Decimal("84"))
        Feedback.objects.get_or_create(
            enrolment=enrolment,
            defaults={
                "relevance": 5,
                "trainer": 4,
                "materials": 4,
                "comments": "Simulasi persalinan sangat membantu.",
            },
        )
        pending = upcoming
        if not Enrolment.objects.filter(session=pending, employee=me).exists():
            Enrolment.objects.create(
                session=pending,
                employee=me,
                status=Enrolment.Status.REQUESTED,
                requested_by=me.user,
            )


def _programme(name, kind, mode, jp, provider, competencies, sector, pass_score) -> Programme:
    programme, _created = Programme.objects.update_or_create(
        name=name,
        defaults={
            "kind": kind,
            "mode": mode,
            "jp": jp,
            "provider": provider,
            "competencies": competencies,
            "pass_score": pass_score,
            "description": f"{name}: {competencies}.",
            **SIGNATORY,
        },
    )
    if sector:
        programme.target_sectors.set(Sector.objects.filter(slug=sector))
    Material.objects.get_or_create(
        programme=programme,
        title="Modul pelatihan (LAN)",
        defaults={"url": "https://lan.go.id/"},
    )
    return programme


def _session(programme, title, starts, ends, capacity, *, opens=timedelta(days=21)) -> Session:
    session, _created = Session.objects.update_or_create(
        programme=programme,
        title=title,
        defaults={
            "starts_on": starts,
            "ends_on": ends,
            "place": "Aula Puskesmas Rakumpit" if programme.mode != Programme.Mode.DISTANCE else "",
            "online_url": "https://elearning.lan.go.id/"
            if programme.mode != Programme.Mode.CLASSICAL
            else "",
            "trainer": "Widyaiswara BPSDM Kalteng",
            "capacity": capacity,
            "enrolment_opens_on": starts - opens,
            "enrolment_closes_on": min(ends, starts - opens + timedelta(days=30)),
        },
    )
    number = 0
    day = starts
    while day <= ends:
        number += 1
        Meeting.objects.update_or_create(session=session, number=number, defaults={"date": day})
        day += timedelta(days=1)
    session.meetings.filter(number__gt=number).delete()
    return session


def _guests(session: Session, users: dict) -> None:
    for key, role in (("resident", SessionGuest.Role.SPEAKER), ("resident2", "observer")):
        if key in users:
            SessionGuest.objects.get_or_create(
                session=session, user=users[key], defaults={"role": role}
            )


def _completed(session: Session, employee: Employee, hr, *, score=None) -> Enrolment:
    """An enrolment that attended every meeting and passed, with its certificate."""
    enrolment = Enrolment.objects.filter(session=session, employee=employee).first()
    if enrolment is None:
        enrolment = Enrolment.objects.create(
            session=session,
            employee=employee,
            status=Enrolment.Status.ENROLLED,
            is_latsar=session.programme.is_latsar,
            requested_by=hr,
            decided_by=hr,
            decided_at=timezone.now(),
        )
    for meeting in session.meetings.all():
        Attendance.objects.get_or_create(
            enrolment=enrolment, meeting=meeting, defaults={"present": True, "recorded_by": hr}
        )
    if enrolment.result == Enrolment.Result.PENDING:
        enrolment.result = Enrolment.Result.PASSED
        enrolment.attendance_percent = 100
        enrolment.score = score
        enrolment.completed_at = timezone.now()
        enrolment.save()
        certificate_issue(enrolment=enrolment)
    return enrolment


def link_topics() -> None:
    """Run after the forums' demo data: the soft-skills programmes cite the health topics
    residents raised (shown on the programme page)."""

    topics = list(Topic.objects.filter(sector__slug="kesehatan", visibility="public")[:3])
    for programme in Programme.objects.filter(kind=Programme.Kind.SOCIO_CULTURAL)[:2]:
        programme.answers_topics.add(*topics)
