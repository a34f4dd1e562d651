"""The notification services: quiet hours (in WIB), short texts for one SMS segment, notify
once per key, notify_many in bulk."""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.clock import wib
from core.models import OutboxMessage
from notifications import services, sms
from notifications.models import Category, Notification, Preferences
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

DAY = date(2026, 3, 10)
LINK = "https://asn.example/n/1"  # 23 characters


@pytest.fixture
def phone_channels(settings):
    settings.NOTIFICATION_CHANNELS = {
        "sms": {"BACKEND": "core.channels.LocmemBackend"},
        "whatsapp": {"BACKEND": "core.channels.LocmemBackend"},
    }


def _prefs(start=time(21), end=time(6), **kwargs):
    return Preferences(quiet_start=start, quiet_end=end, **kwargs)


# --- quiet hours ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hour", "minute", "expected"),
    [
        (20, 59, None),
        (21, 0, wib(DAY + timedelta(days=1), 6)),
        (23, 59, wib(DAY + timedelta(days=1), 6)),
        (0, 0, wib(DAY, 6)),
        (5, 59, wib(DAY, 6)),
        (6, 0, None),
        (12, 0, None),
    ],
)
def test_quiet_hours_at_their_edges(hour, minute, expected):
    assert services.quiet_until(_prefs(), wib(DAY, hour, minute)) == expected


def test_without_preferences_the_default_quiet_hours_apply():
    assert services.quiet_until(None, wib(DAY, 22)) == wib(DAY + timedelta(days=1), 6)
    assert services.quiet_until(None, wib(DAY, 7)) is None


def test_a_quiet_hour_that_starts_where_it_ends_is_never_quiet():
    prefs = _prefs(time(21), time(21))
    for hour in (0, 6, 20, 21, 23):
        assert services.quiet_until(prefs, wib(DAY, hour)) is None


@pytest.mark.parametrize(
    ("hour", "minute", "expected"),
    [
        (11, 59, None),
        (12, 0, wib(DAY, 13)),
        (12, 59, wib(DAY, 13)),
        (13, 0, None),
        (22, 0, None),
    ],
)
def test_a_daytime_quiet_window(hour, minute, expected):
    assert services.quiet_until(_prefs(time(12), time(13)), wib(DAY, hour, minute)) == expected


def test_quiet_hours_are_read_in_jakarta_time_whatever_the_active_time_zone():
    """21:00 WIB is 14:00 UTC: quiet, even while another time zone is active."""
    with timezone.override("UTC"):
        assert services.quiet_until(_prefs(), wib(DAY, 21)) == wib(DAY + timedelta(days=1), 6)
        assert services.quiet_until(_prefs(), wib(DAY, 20, 59)) is None
    with timezone.override("Asia/Jayapura"):
        assert services.quiet_until(_prefs(), wib(DAY, 5, 30)) == wib(DAY, 6)


def _around_now(user, **kwargs):
    """Preferences whose quiet hours started an hour ago and end in an hour (WIB)."""
    local = timezone.localtime(timezone.now(), timezone.get_default_timezone())
    start = (local - timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (local + timedelta(hours=1)).time().replace(second=0, microsecond=0)
    return Preferences.objects.create(
        user=user,
        phone="+6281234567890",
        phone_verified_at=timezone.now(),
        quiet_start=start,
        quiet_end=end,
        **kwargs,
    )


def test_a_non_urgent_sms_waits_for_the_end_of_the_quiet_hours(phone_channels, applicant):
    prefs = _around_now(applicant, channels={"training": ["email", "sms"]})
    sent = services.notify(applicant, kind="training.reminder", subject="Pelatihan besok")
    rows = {row.channel: row for row in sent.rows}
    assert set(rows) == {"email", "sms"}
    wait = rows["sms"].available_at
    local = timezone.localtime(wait, timezone.get_default_timezone())
    assert local.time() == prefs.quiet_end
    assert timezone.now() + timedelta(minutes=58) < wait <= timezone.now() + timedelta(hours=1)
    # E-mail is not held back.
    assert rows["email"].available_at <= timezone.now()


def test_an_urgent_sms_goes_now_even_in_quiet_hours(phone_channels, applicant):
    _around_now(applicant, channels={"recruitment": ["sms"]})
    sent = services.notify(
        applicant, kind="recruitment.exam", subject="Ujian dipindah", urgent=True
    )
    [row] = sent.rows
    assert row.channel == "sms"
    assert row.available_at <= timezone.now()


def test_a_retry_or_a_resend_inside_the_quiet_hours_waits_for_their_end(phone_channels, applicant):
    """The quiet hours travel with the message: tried again (after a gateway failure, a dead
    worker, an administrator's "send again") inside them, it is not sent but put back to their
    end; an urgent one is never held."""
    from core import channels, outbox

    prefs = _around_now(applicant, channels={"training": ["sms"]})
    [row] = services.notify(applicant, kind="training.reminder", subject="Pelatihan besok").rows
    assert (row.quiet_from, row.quiet_until) == (prefs.quiet_start, prefs.quiet_end)
    # As if its wait had ended early (a retry's backoff, "send again"): due now, still quiet.
    OutboxMessage.objects.filter(pk=row.pk).update(available_at=timezone.now())
    run = outbox.deliver_pending()
    assert run.sent == 0 and not channels.sent.get("sms")
    row.refresh_from_db()
    assert row.state == OutboxMessage.State.PENDING and row.attempts == 0
    assert timezone.localtime(row.available_at, timezone.get_default_timezone()).time() == (
        prefs.quiet_end
    )
    [urgent] = services.notify(
        applicant, kind="training.reminder", subject="Sesi dibatalkan", urgent=True
    ).rows
    assert urgent.quiet_from is None
    assert outbox.deliver_pending().sent == 1


# --- one SMS segment ------------------------------------------------------------------------


def test_a_gsm_text_of_exactly_160_is_kept_whole():
    subject = "a" * (160 - 1 - len(LINK))
    text = sms.short_text(subject, LINK)
    assert text == f"{subject} {LINK}"
    assert len(text) == 160


def test_a_gsm_text_of_161_is_cut_with_dots():
    subject = "b" * (161 - 1 - len(LINK))
    text = sms.short_text(subject, LINK)
    assert len(text) == 160
    assert text.endswith(f"... {LINK}")
    assert text == "b" * (160 - len(LINK) - 4) + f"... {LINK}"


def test_one_character_outside_gsm_brings_the_limit_to_70():
    subject = "中" + "c" * 60
    assert not sms.is_gsm7(subject)
    text = sms.short_text(subject, LINK)
    assert len(text) == 70
    assert text.startswith("中") and text.endswith(f"... {LINK}")
    short = "中" + "c" * (70 - 2 - len(LINK))
    assert sms.short_text(short, LINK) == f"{short} {LINK}"


def test_characters_outside_the_basic_plane_count_twice_in_ucs2():
    """An emoji takes two UTF-16 units of the 70 a UCS-2 segment holds."""
    subject = "🎉" * 30  # 60 units
    text = sms.short_text(subject, LINK)
    assert sms.length(text) == len(text.encode("utf-16-le")) // 2
    assert sms.fits(text)


def test_extension_characters_count_double():
    whole = "€" * 68  # 136 septets + 1 + 23 = 160
    assert sms.short_text(whole, LINK) == f"{whole} {LINK}"
    text = sms.short_text("€" * 69, LINK)  # 162 septets
    assert text.endswith(f"... {LINK}")
    assert sms.length(text) <= 160
    assert text == "€" * 66 + f"... {LINK}"


def test_typographic_quotes_and_dashes_become_plain():
    text = sms.short_text("“Hasil” seleksi – ‘tahap’ dua — selesai…", LINK)
    assert text == f"\"Hasil\" seleksi - 'tahap' dua - selesai... {LINK}"
    assert sms.is_gsm7(text)
    assert sms.limit(text) == 160


# --- notify and notify_many -----------------------------------------------------------------


def test_notify_with_a_key_twice_writes_one_notification_and_one_row_per_channel(
    phone_channels, applicant
):
    Preferences.objects.create(
        user=applicant,
        phone="+6281234567890",
        phone_verified_at=timezone.now(),
        channels={"recruitment": ["email", "sms", "whatsapp"]},
    )
    first = services.notify(
        applicant, kind="recruitment.status", subject="Lamaran diterima", key="app:1:accepted"
    )
    again = services.notify(
        applicant, kind="recruitment.status", subject="Lamaran diterima", key="app:1:accepted"
    )
    assert first is not None and again is None
    assert Notification.objects.filter(recipient=applicant).count() == 1
    rows = OutboxMessage.objects.filter(user_id=applicant.pk)
    assert sorted(rows.values_list("channel", flat=True)) == ["email", "sms", "whatsapp"]
    assert {row.key for row in rows} == {
        f"n{first.notification.pk}:{c}" for c in ("email", "sms", "whatsapp")
    }
    assert {row.pk for row in first.rows} == {row.pk for row in rows}


def test_notify_without_a_key_writes_each_time(applicant):
    for _ in range(2):
        services.notify(applicant, kind="forums.reply", subject="Balasan baru")
    assert Notification.objects.filter(recipient=applicant).count() == 2
    assert OutboxMessage.objects.filter(user_id=applicant.pk, channel="email").count() == 2


def _notify_many(users):
    with CaptureQueriesContext(connection) as queries:
        counts = services.notify_many(
            users, kind="notifications.bulk", subject="Pengumuman", body="Isi", url="/x/"
        )
    return counts, len(queries)


def test_notify_many_writes_in_a_constant_number_of_queries(db):
    few = UserFactory.create_batch(3)
    many = UserFactory.create_batch(15)
    counts_few, queries_few = _notify_many(few)
    counts_many, queries_many = _notify_many(many)
    assert queries_few == queries_many
    assert counts_few == {"inbox": 3, "email": 3, "sms": 0, "whatsapp": 0}
    assert counts_many["inbox"] == 15 and counts_many["email"] == 15
    assert Notification.objects.filter(recipient__in=many, category=Category.NEWS).count() == 15
    emails = OutboxMessage.objects.filter(user_id__in=[u.pk for u in many], channel="email")
    assert emails.count() == 15
    assert sorted(row.to[0] for row in emails) == sorted(u.email for u in many)
    assert all(row.body.endswith("/x/") for row in emails)


def test_notify_many_follows_each_persons_channels(phone_channels, db):
    sms_person, inbox_only, plain = UserFactory.create_batch(3)
    Preferences.objects.create(
        user=sms_person,
        phone="+6281234567890",
        phone_verified_at=timezone.now(),
        quiet_start=time(0),
        quiet_end=time(0),
        channels={"news": ["sms"]},
    )
    Preferences.objects.create(user=inbox_only, channels={"news": []})
    counts = services.notify_many(
        [sms_person, inbox_only, plain], kind="notifications.bulk", subject="S", body="B"
    )
    assert counts == {"inbox": 3, "email": 1, "sms": 1, "whatsapp": 0}
    assert services.preview([sms_person, inbox_only, plain]) == counts


def test_quiet_until_returns_an_aware_moment(applicant):
    moment = services.quiet_until(_prefs(), wib(DAY, 22))
    assert isinstance(moment, datetime) and timezone.is_aware(moment)


def _notify_batch(users):
    from django.core.mail import EmailMessage

    entries = [
        services.Entry(user, kind="performance.reminder", message=EmailMessage(f"S{i}", "B"))
        for i, user in enumerate(users)
    ]
    with CaptureQueriesContext(connection) as queries:
        sent = services.notify_batch(entries)
    return sent, len(queries)


def test_notify_batch_writes_each_persons_own_message_in_constant_queries(phone_channels, db):
    few = UserFactory.create_batch(2)
    many = UserFactory.create_batch(12)
    Preferences.objects.create(
        user=many[0],
        phone="+6281234567890",
        phone_verified_at=timezone.now(),
        quiet_start=time(0),
        quiet_end=time(0),
        channels={"performance": ["sms"]},
    )
    _sent, queries_few = _notify_batch(few)
    sent, queries_many = _notify_batch(many)
    assert queries_few == queries_many
    assert [item.notification.subject for item in sent] == [f"S{i}" for i in range(12)]
    assert [item.notification.recipient_id for item in sent] == [u.pk for u in many]
    assert [row.channel for row in sent[0].rows] == ["sms"]
    assert all([row.channel for row in item.rows] == ["email"] for item in sent[1:])
    keys = {row.key for item in sent for row in item.rows}
    assert keys == {f"n{item.notification.pk}:{item.rows[0].channel}" for item in sent}
    assert OutboxMessage.objects.filter(key__in=keys).count() == 12
