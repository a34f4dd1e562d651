"""Demo data of Recruitment II for `seed_demo`: two selection periods beside the open one, both
dated relative to the day they are seeded and both driven through the real services (screening,
announcements, appeals, exam sessions, score files, ranking), so that what the demo shows is what
the portal computes.

- "Tahap I" of this year: registration closed weeks ago, every application screened by
  verifier@ (about a quarter TMS, each with a reason), the administrative result announced
  yesterday, so the appeal window is open today; a few appeals wait for HR's answer, and
  applicant3@ is TMS (name differs between KTP and diploma) and has not appealed yet.
- Last year's period, complete: screened, announced, appeals answered, post-appeal result,
  exam sessions, SKD and SKB score files imported, ranking computed, SKD and final results
  announced, and an optimisation proposal for a formation left unfilled; everyone who passed is
  appointed (now on the employee register, due for Latsar) but one, whom HR still has to appoint.
  applicant@ took part: passed the SKD passing grade and went to the SKB, then was not among the
  best (TL).
- Last year's PPPK period, at the end of the competency test: priority groups, scores imported
  from a file, ranked, final result announced, nobody appointed yet; applicant2@ passed.

Deterministic; running it again changes nothing once the periods exist."""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_assign_roles
from core.clock import end_of_minute, wib
from recruitment.demo import (
    NAMES_F,
    NAMES_M,
    SURNAMES,
    _application,
    _profile,
    _tiny_jpeg,
    _tiny_pdf,
)
from recruitment.models import (
    AdminResult,
    Announcement,
    Application,
    Formation,
    PeriodAssignment,
    PriorityGroup,
    ProcurementType,
    RejectionReason,
    ScoreImport,
    SelectionPeriod,
)
from recruitment.selectors.appointments import appointment_rows
from recruitment.services.announcements import announcement_publish
from recruitment.services.appeals import appeal_answer, appeal_submit
from recruitment.services.appointments import Appoint, appointments_confirm
from recruitment.services.exams import exam_session_create, exam_sessions_assign
from recruitment.services.periods import (
    default_required_slugs,
    period_add_default_documents,
    period_add_default_passing_grades,
    rejection_reasons_ensure,
)
from recruitment.services.ranking import optimisation_propose, rank_period
from recruitment.services.scores import score_import_apply, score_import_create
from recruitment.services.screening import CheckInput, screening_save
from workforce.models import AsnType, PlanningYear
from workforce.selectors.needs import needs_positions
from workforce.validators import build_nip

APPEAL_PERIOD = "Seleksi CPNS Kecamatan Rakumpit {year} Tahap I"
DONE_PERIOD = "Seleksi CPNS Kecamatan Rakumpit {year}"
PPPK_PERIOD = "Seleksi PPPK Kecamatan Rakumpit {year}"
PER_FORMATION = 9  # applicants per formation in each demo period
TMS_REASONS = ["tidak-terbaca", "kualifikasi", "salah-slot", "akreditasi", "nama-berbeda"]


def _wib(day: date, hour: int = 9) -> datetime:
    return wib(day, hour)


def _period(
    name: str,
    year: int,
    opens: date,
    *,
    announce_on: date | None = None,
    procurement: str = ProcurementType.CPNS,
) -> SelectionPeriod:
    closes = opens + timedelta(days=20)
    period, _ = SelectionPeriod.objects.get_or_create(
        name=name,
        defaults={
            "year": year,
            "procurement_type": procurement,
            "description": f"Pengadaan {procurement} Kecamatan Rakumpit, Kota Palangka Raya.",
            "registration_opens_at": _wib(opens, 8),
            "registration_closes_at": end_of_minute(wib(closes, 23, 59)),
            "registration_closed": True,
            "admin_announcement_at": _wib(announce_on or closes + timedelta(days=10), 10),
            "age_min": 18,
            "age_max": 35,
            "age_reference_date": closes,
            "is_published": True,
        },
    )
    period_add_default_documents(period=period)
    period_add_default_passing_grades(period=period)
    return period


def _positions(year: int, asn_type: str | None = None) -> list:
    """Five positions with a shortage, two of them with the same name in different units (so
    that an unfilled formation can be offered to the other's applicants: optimisation)."""
    planning_year = PlanningYear.objects.filter(year=year).first()
    if planning_year is None:
        return []
    short = list(
        needs_positions(planning_year, asn_type=asn_type).filter(gap__gt=0).order_by("-gap", "pk")
    )
    by_name = {}
    for position in short:
        by_name.setdefault(position.name, []).append(position)
    pair = next((same[:2] for same in by_name.values() if len(same) >= 2), [])
    others = [position for position in short if position not in pair]
    return pair + others[: 5 - len(pair)]


def _formations(period, positions, asn_type="PNS") -> list[Formation]:
    required = list(period.document_requirements.filter(slug__in=default_required_slugs()))
    formations = []
    for index, position in enumerate(positions):
        formation, created = Formation.objects.get_or_create(
            period=period,
            position=position,
            asn_type=asn_type,
            category="umum",
            defaults={
                # The first of the pair asks for six: fewer pass, so the
                # optimisation has a place to fill.
                "quota": 6 if index == 0 else 1,
                "education_level": position.education_level,
                "age_max_override": 40 if position.education_level == "PROFESI" else None,
                "is_published": True,
            },
        )
        if created:
            formation.required_documents.set(required)
        formations.append(formation)
    return formations


def _applicant(key: str, n: int, rng, formation) -> User:
    email = f"{key}{n:03d}@contoh.rakumpit.go.id"
    user = User.objects.filter(email=email).first()
    gender = "FM"[n % 2]
    if user is None:
        first = rng.choice(NAMES_M if gender == "M" else NAMES_F)
        user = User.objects.create(email=email, full_name=f"{first} {rng.choice(SURNAMES)}")
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user_assign_roles(user=user, roles=[Role.APPLICANT])
    if not hasattr(user, "applicant_profile"):
        base = 6000 if key == "tahap" else 7000
        _profile(user, rng, formation.education_level, gender, base + n)
    return user


def _applications(period, formations, key, rng, files, *, extra=()) -> list[Application]:
    """PER_FORMATION finalised applications per formation, plus the demo accounts in `extra`
    as (user, formation)."""
    created = period.registration_opens_at + timedelta(days=3)
    applications = []
    for user, formation in extra:
        applications.append(
            _application(user, formation, "submitted", created, files, created=created)
        )
    for index in range(PER_FORMATION * len(formations)):
        formation = formations[index % len(formations)]
        user = _applicant(key, index, rng, formation)
        moment = created + timedelta(hours=index)
        applications.append(
            _application(user, formation, "submitted", moment, files, created=moment)
        )
    return applications


def _screen(applications, verifier, reasons, *, tms_every: int = 4, tms_users=()) -> None:
    for index, application in enumerate(applications):
        required = list(application.formation.required_documents.all())
        tms = application.applicant in tms_users or index % tms_every == 3
        checks = [CheckInput(requirement.pk, AdminResult.MS) for requirement in required]
        if tms:
            slot = next((i for i, req in enumerate(required) if req.slug == "ijazah"), 0)
            code = "nama-berbeda" if application.applicant in tms_users else None
            reason = reasons[code or TMS_REASONS[index % len(TMS_REASONS)]]
            checks[slot] = CheckInput(
                required[slot].pk,
                AdminResult.TMS,
                reason,
                "Nama pada ijazah berbeda dengan KTP." if code else "",
            )
        screening_save(application=application, actor=verifier, checks=checks)


def _appeal(application, now, reason) -> None:
    requirement_ids = application.document_checks.filter(announced_result="TMS").values_list(
        "requirement_id", flat=True
    )
    appeal_submit(
        application=application,
        user=application.applicant,
        requirement_ids=list(requirement_ids),
        reason=reason,
        confirmed=True,
        now=now,
        notify=False,
    )


def _score_file(rows: list[list]) -> bytes:
    lines = [",".join(str(cell) for cell in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def _scores(period, hr, rng, star) -> None:
    """SKD for everyone at the exam, then SKB for those ranked in, each as an imported CSV file;
    the ranking after each. `star` (applicant@'s application) passes the SKD well and does
    less well in the SKB."""
    participants = list(
        Application.objects.filter(period=period, announced_result=AdminResult.MS).order_by(
            "registration_number"
        )
    )
    skd = [["registration_number", "twk", "tiu", "tkp", "presence"]]
    for index, application in enumerate(participants):
        if application == star:
            skd.append([application.registration_number, 120, 150, 205, "present"])
        elif index % 11 == 5:
            skd.append([application.registration_number, "", "", "", "TH"])
        else:
            # TWK and TIU are multiples of 5 (5 points per correct answer).
            skd.append([application.registration_number, 5 * rng.randint(11, 24),
                        5 * rng.randint(14, 30), rng.randint(150, 200), "present"])  # fmt: skip
    upload = score_import_create(
        period=period, kind=ScoreImport.Kind.SKD, file_name="hasil-skd.csv",
        data=_score_file(skd), user=hr,
    )  # fmt: skip
    score_import_apply(score_import=upload, user=hr)
    rank_period(period=period, actor=hr)
    ranked_in = Application.objects.filter(period=period, exam_result__skd_code="P/L").order_by(
        "registration_number"
    )
    skb = [["registration_number", "skb", "presence"]]
    for application in ranked_in:
        score = 240 if application == star else rng.randint(280, 460)
        skb.append([application.registration_number, score, "present"])
    upload = score_import_create(
        period=period, kind=ScoreImport.Kind.SKB, file_name="hasil-skb.csv",
        data=_score_file(skb), user=hr,
    )  # fmt: skip
    score_import_apply(score_import=upload, user=hr)
    rank_period(period=period, actor=hr)


def _assign(period, users) -> None:
    PeriodAssignment.objects.get_or_create(
        period=period, user=users["verifier"], duty=PeriodAssignment.Duty.VERIFIER
    )
    PeriodAssignment.objects.get_or_create(
        period=period, user=users["hr"], duty=PeriodAssignment.Duty.CONFIRMER
    )


def seed_appeal_period(users, rng, files, reasons, today) -> SelectionPeriod | None:
    period = _period(
        APPEAL_PERIOD.format(year=today.year),
        today.year,
        today - timedelta(days=50),
        announce_on=today - timedelta(days=1),
    )
    if period.announcements.exists():
        return period
    formations = _formations(period, _positions(today.year))
    if not formations:
        return None
    _assign(period, users)
    star = (users["applicant3"], formations[-1])
    _profile(users["applicant3"], rng, formations[-1].education_level, "F", 9003)
    applications = _applications(period, formations, "tahap", rng, files, extra=[star])
    _screen(applications, users["verifier"], reasons, tms_users={users["applicant3"]})
    # Announced yesterday: the appeal window runs from today for period.appeal_days days.
    yesterday = timezone.now() - timedelta(days=1)
    announcement_publish(
        period=period, kind=Announcement.Kind.ADMIN, actor=users["hr"], now=yesterday,
        notify=False,
    )  # fmt: skip
    opened = timezone.now()
    tms = (
        Application.objects.filter(period=period, announced_result=AdminResult.TMS)
        .exclude(applicant=users["applicant3"])
        .order_by("registration_number")
    )
    for application in tms[:3]:
        _appeal(application, opened, "Dokumen yang saya unggah sudah benar dan terbaca jelas.")
    return period


def seed_done_period(users, rng, files, reasons, today) -> SelectionPeriod | None:
    year = today.year - 1
    opens = today - timedelta(days=400)
    period = _period(DONE_PERIOD.format(year=year), year, opens)
    if period.announcements.filter(kind=Announcement.Kind.FINAL).exists():
        return period
    formations = _formations(period, _positions(today.year))
    if not formations:
        return None
    _assign(period, users)
    hr = users["hr"]
    applicant = users["applicant"]
    nurse = next(
        (f for f in formations if f.education_level == applicant.applicant_profile.education_level),
        formations[-1],
    )
    applications = _applications(period, formations, "lalu", rng, files, extra=[(applicant, nurse)])
    star = applications[0]
    _screen(applications[1:], users["verifier"], reasons, tms_every=6)
    _screen(applications[:1], users["verifier"], reasons, tms_every=99)
    announced = period.registration_closes_at + timedelta(days=10)
    announcement_publish(period=period, kind=Announcement.Kind.ADMIN, actor=hr, now=announced,
                         notify=False)  # fmt: skip
    appeal_day = announced + timedelta(days=1, hours=2)
    tms = list(
        Application.objects.filter(period=period, announced_result=AdminResult.TMS).order_by(
            "registration_number"
        )
    )
    for index, application in enumerate(tms[:2]):
        _appeal(application, appeal_day, "Ijazah saya terbaca jelas; mohon diperiksa kembali.")
        appeal_answer(
            appeal=application.appeal,
            actor=hr,
            accept=index == 0,
            answer="Berkas diperiksa ulang: terbaca dan sesuai."
            if index == 0
            else "Akreditasi program studi pada tahun kelulusan tidak sesuai.",
            now=appeal_day + timedelta(days=2),
            notify=False,
        )
    announcement_publish(
        period=period, kind=Announcement.Kind.POST_APPEAL, actor=hr,
        now=announced + timedelta(days=12), notify=False,
    )  # fmt: skip
    exam_day = (announced + timedelta(days=20)).date()
    for number, (start, end) in enumerate([(8, 10), (10, 12), (13, 15)], start=1):
        exam_session_create(
            period=period,
            name=f"Sesi {number}",
            location="UPT BKN Palangka Raya",
            address="Jl. Tjilik Riwut Km 5, Palangka Raya",
            date=exam_day,
            starts_at=time(start),
            ends_at=time(end),
            capacity=30,
        )
    exam_sessions_assign(period=period, actor=hr, now=announced + timedelta(days=14), notify=False)
    star.refresh_from_db()
    _scores(period, hr, rng, star)
    announcement_publish(
        period=period, kind=Announcement.Kind.SKD, actor=hr,
        now=announced + timedelta(days=30), notify=False,
    )  # fmt: skip
    optimisation_propose(period=period)
    final = announced + timedelta(days=60)
    announcement_publish(
        period=period, kind=Announcement.Kind.FINAL, actor=hr, now=final, notify=False,
    )  # fmt: skip
    _appoint(period, hr, final.date())
    return period


def _appoint(period, hr, final_on: date) -> None:
    """Appoint everyone who passed but one (HR has that appointment still to do), from the first
    day of the second month after the final result; BKN has issued the NIP of every other one."""
    waiting = [row for row in appointment_rows(period) if row.appointment is None]
    month = final_on.replace(day=1) + timedelta(days=62)
    tmt = month.replace(day=1)
    rows = []
    for index, result in enumerate(waiting[:-1]):
        profile = result.application.applicant.applicant_profile
        nip = ""
        if index % 2 == 0:
            nip = build_nip(
                profile.birth_date, appointment=(tmt.year, tmt.month), gender=profile.gender,
                sequence=900 + index, pppk=False,
            )  # fmt: skip
        rows.append(Appoint(result.application_id, tmt, nip=nip))
    if rows:
        appointments_confirm(period=period, rows=rows, actor=hr)


def seed_pppk_period(users, rng, files, reasons, today) -> SelectionPeriod | None:
    """Last year's PPPK selection at the end of its competency test: screened, announced,
    competency scores imported from a file, ranked by priority group and total, the final
    result announced; nobody appointed yet. applicant2@ (Siti Aminah, non-ASN staff at the
    institution) passed."""
    year = today.year - 1
    period = _period(
        PPPK_PERIOD.format(year=year), year, today - timedelta(days=380),
        procurement=ProcurementType.PPPK,
    )  # fmt: skip
    if period.announcements.filter(kind=Announcement.Kind.FINAL).exists():
        return period
    formations = _formations(period, _positions(today.year, AsnType.PPPK)[:3], asn_type="PPPK")
    if not formations:
        return None
    _assign(period, users)
    hr, siti = users["hr"], users["applicant2"]
    level = siti.applicant_profile.education_level
    hers = next((f for f in formations if f.education_level == level), formations[0])
    applications = _applications(period, formations, "pppk", rng, files, extra=[(siti, hers)])
    groups = [PriorityGroup.THK2, PriorityGroup.NON_ASN, PriorityGroup.UMUM, PriorityGroup.UMUM]
    for index, application in enumerate(applications):
        group = PriorityGroup.NON_ASN if index == 0 else groups[index % 4]
        application.priority_group = application.declared_priority_group = group
    Application.objects.bulk_update(applications, ["priority_group", "declared_priority_group"])
    _screen(applications[1:], users["verifier"], reasons, tms_every=7)
    _screen(applications[:1], users["verifier"], reasons, tms_every=99)
    announced = period.registration_closes_at + timedelta(days=10)
    for kind, after in ((Announcement.Kind.ADMIN, 0), (Announcement.Kind.POST_APPEAL, 12)):
        announcement_publish(period=period, kind=kind, actor=hr,
                             now=announced + timedelta(days=after), notify=False)  # fmt: skip
    exam_session_create(
        period=period, name="Sesi CAT PPPK", location="UPT BKN Palangka Raya",
        address="Jl. Tjilik Riwut Km 5, Palangka Raya",
        date=(announced + timedelta(days=20)).date(), starts_at=time(8), ends_at=time(10),
        capacity=60,
    )  # fmt: skip
    exam_sessions_assign(period=period, actor=hr, now=announced + timedelta(days=14), notify=False)
    participants = Application.objects.filter(
        period=period, announced_result=AdminResult.MS
    ).order_by("registration_number")
    rows = [["registration_number", "teknis", "manajerial", "sosiokultural", "wawancara",
             "presence"]]  # fmt: skip
    for index, application in enumerate(participants):
        number = application.registration_number
        if application.applicant_id == siti.pk:
            rows.append([number, 385, 88, 71, 36, "present"])
        elif index % 13 == 7:
            rows.append([number, "", "", "", "", "TH"])
        else:
            rows.append([number, 5 * rng.randint(40, 84), rng.randint(45, 100),
                         rng.randint(35, 80), rng.randint(15, 40), "present"])  # fmt: skip
    upload = score_import_create(
        period=period, kind=ScoreImport.Kind.PPPK, file_name="hasil-kompetensi-pppk.csv",
        data=_score_file(rows), user=hr,
    )  # fmt: skip
    score_import_apply(score_import=upload, user=hr)
    rank_period(period=period, actor=hr)
    optimisation_propose(period=period)
    announcement_publish(
        period=period, kind=Announcement.Kind.FINAL, actor=hr,
        now=announced + timedelta(days=45), notify=False,
    )  # fmt: skip
    return period


@transaction.atomic
def seed(users: dict) -> None:
    rng = random.Random(5)  # noqa: S311 - demo data
    files = {"jpeg": _tiny_jpeg(), "pdf": _tiny_pdf()}
    rejection_reasons_ensure()
    reasons = {reason.code: reason for reason in RejectionReason.objects.all()}
    today = timezone.localdate()
    seed_done_period(users, rng, files, reasons, today)
    seed_pppk_period(users, rng, files, reasons, today)
    seed_appeal_period(users, rng, files, reasons, today)
