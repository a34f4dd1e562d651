"""Demo data of the forums (docs/domain.md 5 and 6): residents' expectations of Rakumpit's services
(no ambulance at the puskesmas, no dentist, teachers for the remote schools, the river clinic's
schedule along the Rungan), official answers, a reported reply for the moderators, a discussion
session with outcomes, and IKM responses for several units. Written straight to the models (no
e-mails, no rate limits), deterministic, and safe to run again: everything is found by its title
or its unique keys."""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from core.clock import wib
from forums.models import (
    SCORE_FIELDS,
    Comment,
    DiscussionSession,
    Follow,
    IkmPeriod,
    IkmResponse,
    Report,
    SessionOutcome,
    SessionRegistration,
    StatusChange,
    Support,
    Topic,
)
from forums.services.ikm import ikm_reference_ensure
from forums.services.topics import forum_settings
from workforce.models import Kelurahan, Sector, Unit

Status = Topic.Status

# key, title, body, sector slug, kelurahan slug, unit name, days ago, author key, supporters
TOPICS = [
    (
        "ambulance",
        "Puskesmas Rakumpit belum punya ambulans",
        "Kami di Rakumpit tinggal lebih dari **80 km** dari kota. Kalau ada pasien gawat darurat "
        "malam hari, keluarga harus mencari mobil atau perahu sendiri.\n\n"
        "Harapan kami:\n\n- satu ambulans untuk Puskesmas Rakumpit;\n- sopir dan perawat yang "
        "siap bergantian jaga;\n- nomor telepon darurat yang diumumkan di tiap kelurahan.",
        "kesehatan", "mungku-baru", "Puskesmas Rakumpit", 120, "resident",
        ["resident2", "employee"],
    ),
    (
        "dentist",
        "Tidak ada dokter gigi di Rakumpit",
        "Anak-anak sekolah yang sakit gigi harus dibawa ke Palangka Raya. Kami berharap ada "
        "**dokter gigi** yang praktik di Puskesmas Rakumpit paling tidak dua hari seminggu.",
        "kesehatan", "petuk-bukit", "Puskesmas Rakumpit", 90, "resident2",
        ["resident"],
    ),
    (
        "teachers",
        "Guru untuk SMP di Panjehang dan Gaung Baru",
        "Di SMP Negeri 4 Rakumpit satu guru mengajar tiga mata pelajaran. Kami berharap ada guru "
        "Matematika dan IPA yang tinggal di kampung, bukan hanya datang dua minggu sekali.",
        "pendidikan", "panjehang", "SMP Negeri 4 Rakumpit", 60, "resident",
        ["resident2"],
    ),
    (
        "river-clinic",
        "Jadwal puskesmas keliling (speedboat) di Sungai Rungan",
        "Puskesmas keliling lewat Sungai Rungan datang setiap 1–2 bulan, tetapi jadwalnya sering "
        "tidak diumumkan. Mohon jadwal diumumkan di kantor lurah dan di portal ini paling lambat "
        "seminggu sebelumnya, supaya warga lansia dan ibu hamil bisa menunggu di dermaga.",
        "kesehatan", "petuk-barunai", "Pustu Petuk Barunai", 30, "resident2",
        ["resident"],
    ),
    (
        "pustu-midwife",
        "Bidan di Pustu Bukit Sua sering kosong",
        "Pustu Bukit Sua hanya buka pagi. Kami berharap bidan tinggal di pustu atau ada "
        "pengganti saat bidan cuti.",
        "kesehatan", "bukit-sua", "Pustu Bukit Sua", 10, "resident",
        [],
    ),
]  # fmt: skip

ANSWERS = {
    "ambulance": (
        5,
        "Terima kasih atas masukannya. Dinas Kesehatan telah mengusulkan satu ambulans dan dua "
        "formasi pengemudi ambulans untuk Puskesmas Rakumpit pada anggaran tahun depan.",
    ),
    "dentist": (
        12,
        "Formasi **Dokter Gigi Ahli Pertama** untuk Puskesmas Rakumpit dibuka pada seleksi CASN "
        "tahun ini. Masukan warga menjadi dasar kriteria formasi tersebut.",
    ),
    "teachers": (
        20,
        "Dinas Pendidikan sedang menghitung analisis beban kerja guru SMP di Rakumpit; hasilnya "
        "akan dibahas di forum diskusi pendidikan.",
    ),
}

ACTED = {
    # key: (status path after the answer, kind, description, url, days after posting)
    "dentist": (
        StatusChange.ActionKind.VACANCY,
        "Formasi Dokter Gigi Ahli Pertama (PNS) untuk Puskesmas Rakumpit dibuka pada seleksi CASN.",
        "/recruitment/",
        30,
    ),
}


@transaction.atomic
def seed(users: dict) -> dict:
    ikm_reference_ensure()
    forum_settings()
    now = timezone.now()
    sectors = {s.slug: s for s in Sector.objects.all()}
    kelurahan = {k.slug: k for k in Kelurahan.objects.all()}
    units = {u.name: u for u in Unit.objects.all()}
    hr = users["hr"]
    topics = {}
    for key, title, body, sector, kel, unit, days, author, supporters in TOPICS:
        created = now - timedelta(days=days)
        topic, _created = Topic.objects.get_or_create(
            title=title,
            defaults={
                "body": body,
                "author": users[author],
                "sector": sectors[sector],
                "kelurahan": kelurahan[kel],
                "unit": units.get(unit),
                "created_at": created,
                "last_activity_at": created,
            },
        )
        topics[key] = topic
        Follow.objects.get_or_create(topic=topic, user=users[author])
        for supporter in supporters:
            Support.objects.get_or_create(topic=topic, user=users[supporter])
        if key in ANSWERS and not topic.comments.filter(is_official=True).exists():
            after, text = ANSWERS[key]
            answered = topic.created_at + timedelta(days=after)
            Comment.objects.create(
                topic=topic, author=hr, body=text, is_official=True, created_at=answered
            )
            StatusChange.objects.create(
                topic=topic, from_status=Status.RECEIVED, to_status=Status.UNDER_REVIEW,
                changed_by=hr, changed_at=topic.created_at + timedelta(days=1),
            )  # fmt: skip
            StatusChange.objects.create(
                topic=topic, from_status=Status.UNDER_REVIEW, to_status=Status.ANSWERED,
                changed_by=hr, changed_at=answered,
            )  # fmt: skip
            topic.status, topic.first_answer_at = Status.ANSWERED, answered
            if key in ACTED:
                kind, description, url, after_days = ACTED[key]
                done = topic.created_at + timedelta(days=after_days)
                StatusChange.objects.create(
                    topic=topic, from_status=Status.ANSWERED, to_status=Status.ACTED_UPON,
                    action_kind=kind, action_description=description, action_url=url,
                    action_date=done.date(), changed_by=hr, changed_at=done,
                )  # fmt: skip
                topic.status = Status.ACTED_UPON
            topic.save(update_fields=["status", "first_answer_at"])
        if key == "river-clinic" and not topic.comments.exists():
            Comment.objects.create(
                topic=topic,
                author=users["employee"],
                body="Setuju. Jadwal bulan depan bisa ditempel juga di Pustu Petuk Barunai.",
                created_at=topic.created_at + timedelta(days=2),
            )
    _reported_reply(users, topics["teachers"])
    _recount(list(topics.values()))
    session = _session(users, sectors, kelurahan, units, topics, now)
    periods = _ikm(users, units)
    return {"topics": topics, "session": session, "ikm_periods": periods}


def _reported_reply(users, topic):
    """A reply that gives out a phone number, reported by another resident: what waits in the
    moderators' queue (and on their Today page)."""
    if topic.comments.filter(author=users["resident2"]).exists():
        return
    comment = Comment.objects.create(
        topic=topic,
        author=users["resident2"],
        body="Kalau mau les privat Matematika, hubungi saya saja di 0812-0000-1234.",
        created_at=topic.created_at + timedelta(days=3),
    )
    Report.objects.create(
        topic=topic,
        comment=comment,
        reporter=users["resident"],
        reason=Report.Reason.PERSONAL_DATA,
        note="Ada nomor telepon pribadi dan iklan les.",
        created_at=topic.created_at + timedelta(days=4),
    )
    Comment.objects.filter(pk=comment.pk).update(open_report_count=1)


def _recount(topics):
    counted = Topic.objects.filter(pk__in=[t.pk for t in topics]).annotate(
        n_supports=Count("supports", distinct=True),
        n_comments=Count("comments", filter=Q(comments__visibility="public"), distinct=True),
    )
    for topic in counted:
        Topic.objects.filter(pk=topic.pk).update(
            support_count=topic.n_supports, comment_count=topic.n_comments
        )


def _session(users, sectors, kelurahan, units, topics, now):
    session, created = DiscussionSession.objects.get_or_create(
        title="Forum diskusi layanan kesehatan Rakumpit",
        defaults={
            "sector": sectors["kesehatan"],
            "kelurahan": kelurahan["mungku-baru"],
            "agenda": "1. Ambulans dan layanan gawat darurat\n2. Dokter gigi\n"
            "3. Jadwal puskesmas keliling di Sungai Rungan",
            "starts_at": wib(timezone.localdate(now) - timedelta(days=20), 9),
            "place": "Aula Puskesmas Rakumpit, Mungku Baru",
            "capacity": 60,
            "minutes": "Hadir 34 warga dari tujuh kelurahan, Kepala Puskesmas, dan BKPSDM. "
            "Warga meminta jadwal speedboat diumumkan seminggu sebelumnya.",
            "created_by": users["hr"],
        },
    )
    if created:
        SessionRegistration.objects.get_or_create(session=session, user=users["resident"])
        SessionRegistration.objects.get_or_create(session=session, user=users["resident2"])
        dentist = SessionOutcome.objects.create(
            session=session,
            description="Kriteria formasi dokter gigi: bersedia tinggal di Rakumpit dan ikut "
            "puskesmas keliling.",
            unit=units.get("Puskesmas Rakumpit"),
            url="/recruitment/",
            order=1,
        )
        dentist.topics.add(topics["dentist"])
        river = SessionOutcome.objects.create(
            session=session,
            description="Jadwal puskesmas keliling diumumkan di portal dan kantor lurah "
            "seminggu sebelumnya.",
            unit=units.get("Pustu Petuk Barunai"),
            order=2,
        )
        river.topics.add(topics["river-clinic"])
    DiscussionSession.objects.get_or_create(
        title="Forum diskusi guru SMP di kelurahan terpencil",
        defaults={
            "sector": sectors["pendidikan"],
            "kelurahan": kelurahan["panjehang"],
            "agenda": "Kebutuhan guru Matematika dan IPA di SMP Negeri 4 dan 5 Rakumpit.",
            "starts_at": wib(timezone.localdate(now) + timedelta(days=14), 9),
            "place": "SMP Negeri 4 Rakumpit, Panjehang",
            "capacity": 40,
            "created_by": users["hr"],
        },
    )
    return session


# unit name: per respondent key, the nine scores
IKM = {
    "Puskesmas Rakumpit": {
        "resident": [3, 3, 2, 4, 3, 3, 4, 2, 2],
        "resident2": [3, 2, 2, 4, 3, 3, 3, 2, 2],
        "employee": [4, 3, 3, 4, 3, 4, 4, 3, 3],
        # Five respondents: enough for the open data to publish the unit's IKM (its small-cell
        # rule leaves out fewer, docs/opendata.md); the other units show what that looks like.
        "applicant": [3, 3, 3, 4, 3, 3, 4, 3, 3],
        "applicant2": [4, 3, 3, 3, 3, 4, 4, 2, 3],
    },
    "Pustu Petuk Barunai": {
        "resident": [3, 3, 3, 4, 3, 3, 4, 3, 2],
        "resident2": [4, 3, 3, 4, 4, 3, 4, 3, 3],
    },
    "SMP Negeri 4 Rakumpit": {
        "resident": [3, 3, 3, 4, 3, 2, 3, 3, 2],
        "resident2": [3, 3, 2, 4, 3, 2, 3, 3, 2],
    },
    "Kantor Camat Rakumpit": {
        "resident": [4, 4, 3, 4, 4, 4, 4, 3, 3],
        "resident2": [4, 3, 4, 4, 3, 4, 4, 3, 4],
    },
}


def _ikm(users, units):
    year = timezone.localdate().year
    past, _created = IkmPeriod.objects.get_or_create(
        name=f"Tahun {year - 1}",
        defaults={"starts_on": date(year - 1, 1, 1), "ends_on": date(year - 1, 12, 31)},
    )
    current, _created = IkmPeriod.objects.get_or_create(
        name=f"Tahun {year}",
        defaults={"starts_on": date(year, 1, 1), "ends_on": date(year, 12, 31)},
    )
    for unit_name, answers in IKM.items():
        unit = units.get(unit_name)
        if unit is None:
            continue
        for key, scores in answers.items():
            IkmResponse.objects.get_or_create(
                unit=unit,
                period=past,
                respondent=users[key],
                defaults=dict(zip(SCORE_FIELDS, scores, strict=True)),
            )
    return [past, current]
