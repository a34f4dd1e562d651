"""A realistic Rakumpit for `seed_demo` (docs/domain.md 2 and 6): the puskesmas and its seven pustu,
the schools, the infrastructure unit, the camat's and kelurahan offices, about 150 employees and
ABK sheets for this year and last year that produce the real gaps (no dentist, too few nurses,
teachers missing in the remote schools). Deterministic and safe to run again."""

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

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
from workforce.services.employees import employee_fill_derived
from workforce.services.reference import planning_year_ensure
from workforce.validators import build_nip

FIRST_NAMES_F = [
    "Dewi",
    "Siti",
    "Maria",
    "Ratna",
    "Yuliana",
    "Sri",
    "Elisabeth",
    "Nurhayati",
    "Fransiska",
    "Rina",
    "Agustina",
    "Lestari",
    "Theresia",
    "Wulan",
    "Desy",
    "Natalia",
]
FIRST_NAMES_M = [
    "Agus",
    "Budi",
    "Yohanes",
    "Rahmat",
    "Dedi",
    "Hendra",
    "Stefanus",
    "Andreas",
    "Eko",
    "Markus",
    "Ahmad",
    "Paulus",
    "Rudi",
    "Yusuf",
    "Daniel",
    "Bambang",
]
LAST_NAMES = ["Ngabut", "Pranata", "Santoso", "Tingang", "Saputra", "Lambung", "Kristanto",
              "Hidayat", "Nyahu", "Simanjuntak", "Rahayu", "Setiawan", "Dohong", "Wijaya",
              "Uden", "Pratama", "Anggraini", "Ramadhan", "Asang", "Lestari"]  # fmt: skip

# Task templates: (description, unit of output, standard minutes, share of the workload)
TASKS = {
    "dokter": [
        ("Pemeriksaan pasien rawat jalan", "pasien", 15, 0.6),
        ("Kunjungan puskesmas keliling (speedboat/darat)", "kunjungan", 480, 0.25),
        ("Rujukan dan konsultasi", "rujukan", 45, 0.15),
    ],
    "dokter-gigi": [
        ("Pemeriksaan dan perawatan gigi", "pasien", 30, 0.7),
        ("Penyuluhan kesehatan gigi di sekolah", "kegiatan", 240, 0.3),
    ],
    "perawat": [
        ("Asuhan keperawatan pasien", "pasien", 20, 0.6),
        ("Pelayanan gawat darurat", "kasus", 60, 0.25),
        ("Pencatatan dan pelaporan", "laporan", 120, 0.15),
    ],
    "bidan": [
        ("Pemeriksaan kehamilan (ANC)", "kunjungan", 30, 0.5),
        ("Pertolongan persalinan", "persalinan", 360, 0.3),
        ("Imunisasi dan posyandu", "kegiatan", 180, 0.2),
    ],
    "guru": [
        ("Tatap muka pembelajaran", "jam pelajaran", 40, 0.75),
        ("Penilaian hasil belajar", "rombel", 600, 0.15),
        ("Bimbingan siswa", "siswa", 60, 0.10),
    ],
    "default": [
        ("Pelayanan administrasi", "berkas", 30, 0.6),
        ("Penyusunan laporan", "laporan", 240, 0.25),
        ("Koordinasi dan rapat", "kegiatan", 120, 0.15),
    ],
}


@dataclass
class P:
    """A demo position: name, kind, ASN type, education, norm key, staff now, need (exact)."""

    name: str
    kind: str
    asn: str
    education: str
    norm: str
    staff: int
    need: float
    retirement_age: int = 58


S, F, E = Position.Kind.STRUCTURAL, Position.Kind.FUNCTIONAL, Position.Kind.EXECUTOR
PNS, PPPK = AsnType.PNS, AsnType.PPPK
ED = EducationLevel

PUSKESMAS = [
    P("Kepala Puskesmas", S, PNS, ED.PROFESI, "", 1, 1.0, 60),
    P("Dokter Ahli Pertama", F, PNS, ED.PROFESI, "dokter", 3, 4.4, 60),
    P("Dokter Gigi", F, PNS, ED.PROFESI, "dokter-gigi", 0, 1.3, 60),
    P("Perawat Terampil", F, PNS, ED.D3, "perawat", 6, 8.2),
    P("Bidan Terampil", F, PNS, ED.D3, "bidan", 5, 6.1),
    P("Apoteker Ahli Pertama", F, PNS, ED.PROFESI, "farmasi", 1, 1.2),
    P("Asisten Apoteker", F, PPPK, ED.D3, "farmasi", 1, 0.9),
    P("Nutrisionis Terampil", F, PNS, ED.D3, "gizi", 1, 0.8),
    P("Sanitarian Terampil", F, PPPK, ED.D3, "kesling", 0, 0.9),
    P("Pranata Laboratorium Kesehatan", F, PNS, ED.D3, "atlm", 1, 1.1),
    P("Penyuluh Kesehatan Masyarakat", F, PNS, ED.S1, "kesmas", 1, 1.4),
    P("Pengadministrasi Perkantoran", E, PPPK, ED.SMA, "administrasi", 2, 2.3),
]
PUSTU = [
    P("Bidan Pustu", F, PNS, ED.D3, "bidan", 1, 1.1),
    P("Perawat Pustu", F, PPPK, ED.D3, "perawat", 1, 0.9),
]
SMP = [
    P("Kepala Sekolah", S, PNS, ED.S1, "", 1, 1.0, 60),
    P("Guru Mata Pelajaran", F, PPPK, ED.S1, "guru", 9, 11.4, 60),
    P("Tenaga Administrasi Sekolah", E, PPPK, ED.SMA, "", 1, 1.2),
]
SD = [
    P("Kepala Sekolah", S, PNS, ED.S1, "", 1, 1.0, 60),
    P("Guru Kelas", F, PPPK, ED.S1, "guru", 6, 7.3, 60),
]
UPT_PU = [
    P("Teknik Pengairan Ahli Pertama", F, PNS, ED.S1, "", 1, 1.6),
    P("Teknik Jalan dan Jembatan Terampil", F, PPPK, ED.D3, "", 1, 2.2),
    P("Pengawas Bangunan", E, PPPK, ED.D3, "", 1, 1.0),
]
KANTOR_CAMAT = [
    P("Camat", S, PNS, ED.S1, "", 1, 1.0),
    P("Sekretaris Camat", S, PNS, ED.S1, "", 1, 1.0),
    P("Kepala Seksi Pemerintahan", S, PNS, ED.S1, "", 1, 1.0),
    P("Kepala Seksi Pelayanan Umum", S, PNS, ED.S1, "", 1, 1.0),
    P("Analis Kebijakan", F, PNS, ED.S1, "", 1, 1.3),
    P("Pengelola Keuangan", E, PNS, ED.D3, "", 1, 1.1),
    P("Pengadministrasi Umum", E, PPPK, ED.SMA, "", 3, 3.6),
]
KANTOR_LURAH = [
    P("Lurah", S, PNS, ED.S1, "", 1, 1.0),
    P("Sekretaris Lurah", S, PNS, ED.S1, "", 1, 1.0),
    P("Pengadministrasi Kelurahan", E, PPPK, ED.SMA, "", 1, 1.4),
]

REMOTE = {"panjehang", "gaung-baru", "petuk-barunai", "bukit-sua"}


def _units():
    """(name, sector slug, kelurahan slug, kind, residents served, students, positions)."""
    yield (
        "Puskesmas Rakumpit",
        "kesehatan",
        "mungku-baru",
        Unit.Kind.PUSKESMAS,
        4200,
        None,
        PUSKESMAS,
    )
    for kel in Kelurahan.objects.order_by("name"):
        yield (f"Pustu {kel.name}", "kesehatan", kel.slug, Unit.Kind.PUSTU, 600, None, PUSTU)
    smp = [
        ("SMP Negeri 1 Rakumpit", "petuk-bukit", 62),
        ("SMP Negeri 2 Rakumpit", "mungku-baru", 48),
        ("SMP Negeri 3 Rakumpit", "pager", 44),
        ("SMP Negeri 4 Rakumpit", "panjehang", 36),
        ("SMP Negeri 5 Rakumpit", "gaung-baru", 34),
    ]
    for name, kel, students in smp:
        yield (name, "pendidikan", kel, Unit.Kind.SMP, None, students, SMP)
    sd = [
        ("SD Negeri 1 Petuk Bukit", "petuk-bukit", 118),
        ("SD Negeri 1 Mungku Baru", "mungku-baru", 96),
        ("SD Negeri 1 Pager", "pager", 84),
        ("SD Negeri 1 Bukit Sua", "bukit-sua", 58),
    ]
    for name, kel, students in sd:
        yield (name, "pendidikan", kel, Unit.Kind.SD, None, students, SD)
    yield (
        "UPT Pekerjaan Umum Rakumpit",
        "infrastruktur",
        "petuk-bukit",
        Unit.Kind.TECHNICAL,
        None,
        None,
        UPT_PU,
    )
    yield (
        "Kantor Camat Rakumpit",
        "pemerintahan-umum",
        "petuk-bukit",
        Unit.Kind.CAMAT_OFFICE,
        None,
        None,
        KANTOR_CAMAT,
    )
    for kel in Kelurahan.objects.order_by("name"):
        yield (f"Kantor Lurah {kel.name}", "pemerintahan-umum", kel.slug,
               Unit.Kind.KELURAHAN_OFFICE, None, None, KANTOR_LURAH)  # fmt: skip


def _staff_count(spec: P, kelurahan_slug: str) -> int:
    # Remote schools and pustu are the ones that lose staff first.
    if kelurahan_slug in REMOTE and spec.norm in {"guru", "perawat"}:
        return max(0, spec.staff - 1)
    return spec.staff


def _seed_abk(position: Position, spec: P, year, factor: float) -> None:
    sheet, created = AbkSheet.objects.get_or_create(position=position, planning_year=year)
    if not created:
        return  # never overwrite what HR has edited
    total = spec.need * factor * year.effective_minutes
    tasks = []
    for description, output, minutes, share in TASKS.get(spec.norm, TASKS["default"]):
        volume = max(1, round(total * share / minutes))
        tasks.append(
            AbkTask(
                sheet=sheet,
                description=description,
                output_unit=output,
                yearly_volume=volume,
                standard_minutes=Decimal(minutes),
            )
        )
    AbkTask.objects.bulk_create(tasks)


@transaction.atomic
def seed(users: dict) -> None:
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    this_year = timezone.localdate().year
    years = [(planning_year_ensure(year=this_year), 1.0),
             (planning_year_ensure(year=this_year - 1), 0.92)]  # fmt: skip
    sectors = {s.slug: s for s in Sector.objects.all()}
    kelurahan = {k.slug: k for k in Kelurahan.objects.all()}
    sequence = 0
    kepala_puskesmas = None
    for name, sector, kel, kind, served, students, specs in list(_units()):
        unit, _ = Unit.objects.update_or_create(
            name=name,
            defaults={
                "sector": sectors[sector],
                "kelurahan": kelurahan[kel],
                "kind": kind,
                "population_served": served,
                "students": students,
            },
        )
        for spec in specs:
            position, _ = Position.objects.update_or_create(
                unit=unit,
                name=spec.name,
                defaults={
                    "kind": spec.kind,
                    "asn_type": spec.asn,
                    "education_level": spec.education,
                    "norm_key": spec.norm,
                    "retirement_age": spec.retirement_age,
                    "competency_standard": "",
                },
            )
            for year, factor in years:
                _seed_abk(position, spec, year, factor)
            for _i in range(_staff_count(spec, kel)):
                sequence += 1
                employee = _seed_employee(rng, position, spec, sequence)
                if spec.name == "Kepala Puskesmas":
                    kepala_puskesmas = employee
    _link_demo_users(users, kepala_puskesmas)


def _seed_employee(rng, position, spec, sequence) -> Employee:
    gender = rng.choice("MF")
    first = rng.choice(FIRST_NAMES_M if gender == "M" else FIRST_NAMES_F)
    full_name = f"{first} {rng.choice(LAST_NAMES)}"
    birth = date(rng.randint(1967, 1998), rng.randint(1, 12), rng.randint(1, 28))
    start_year = max(birth.year + 22, rng.randint(1995, 2024))
    start = date(min(start_year, 2025), rng.randint(1, 12), 1)
    pppk = spec.asn == AsnType.PPPK
    nip = build_nip(birth, appointment=(start.year, start.month), gender=gender,
                    sequence=sequence % 999 + 1, pppk=pppk)  # fmt: skip
    roll = rng.random()
    status = (
        Employee.Status.ON_LEAVE if roll < 0.03
        else Employee.Status.TRANSFERRED if roll < 0.05
        else Employee.Status.ACTIVE
    )  # fmt: skip
    employee = Employee.objects.filter(nip=nip).first() or Employee(nip=nip)
    employee.full_name = full_name
    employee.gender = gender
    employee.birth_date = birth
    employee.asn_type = spec.asn
    employee.position = position
    employee.start_date = start
    employee.status = employee.status if employee.pk else status
    employee_fill_derived(employee)
    employee.save()
    return employee


def _link_demo_users(users: dict, kepala: Employee | None) -> None:
    """The demo supervisor heads the puskesmas; the demo employee is one of its midwives."""
    if not users or kepala is None:
        return
    kepala.full_name = users["supervisor"].full_name
    kepala.user = users["supervisor"]
    kepala.save(update_fields=["full_name", "user"])
    midwife = (
        Employee.objects.filter(
            position__unit=kepala.position.unit, position__name="Bidan Terampil"
        )
        .order_by("nip")
        .first()
    )
    midwife.full_name = users["employee"].full_name
    midwife.user = users["employee"]
    midwife.save(update_fields=["full_name", "user"])
    Employee.objects.filter(position__unit=kepala.position.unit).exclude(pk=kepala.pk).update(
        supervisor=kepala
    )
