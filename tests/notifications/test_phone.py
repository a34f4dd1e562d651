"""Verifying a phone for SMS and WhatsApp: the code goes out through the outbox at once (urgent,
by the chosen channel, its text blanked once sent), checks the number, counts wrong codes,
expires, cannot be asked for again within a minute, belongs to one person; removing the phone
takes the phone channels off every category."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from phonenumber_field.phonenumber import PhoneNumber

from core import channels
from core.models import OutboxMessage
from notifications import services
from notifications.models import Category, Preferences

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

SETTINGS = reverse("notifications:preferences")
SEND = reverse("notifications:phone_send")
VERIFY = reverse("notifications:phone_verify")
REMOVE = reverse("notifications:phone_remove")
NUMBER = "0812 3456 7890"
E164 = "+6281234567890"


@pytest.fixture
def client():
    """The messages are asserted in English (the source language): this client asks for it."""
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture(autouse=True)
def _phone_channels(settings):
    settings.NOTIFICATION_CHANNELS = {
        "sms": {"BACKEND": "core.channels.LocmemBackend"},
        "whatsapp": {"BACKEND": "core.channels.LocmemBackend"},
    }
    channels.sent.clear()
    yield
    channels.sent.clear()


def _code(channel="sms") -> str:
    return re.search(r"\b(\d{6})\b", channels.sent[channel][-1]["text"]).group(1)


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def _send(client, number=NUMBER, channel="sms"):
    return client.post(SEND, {"phone": number, "channel": channel})


def _back_in_time(user, **delta):
    Preferences.objects.filter(user=user).update(code_sent_at=timezone.now() - timedelta(**delta))


@pytest.mark.parametrize("channel", ["sms", "whatsapp"])
def test_sending_a_code_queues_an_urgent_message_and_delivers_it(client_as, applicant, channel):
    before = timezone.now()
    response = _send(client_as(applicant), channel=channel)
    assert response.status_code == 302
    row = OutboxMessage.objects.get(user_id=applicant.pk)
    assert row.kind == "notifications.phone_code"
    assert row.channel == channel
    assert row.to == [E164]
    # Urgent: due at once, whatever the quiet hours.
    assert before <= row.available_at <= timezone.now()
    assert row.state == OutboxMessage.State.SENT
    [message] = channels.sent[channel]
    assert message["to"] == E164
    assert re.search(r"\b\d{6}\b", message["text"])
    # The code must not outlive its use: the stored text is blanked once sent.
    assert row.body == ""
    prefs = Preferences.objects.get(user=applicant)
    assert str(prefs.pending_phone) == E164 and not prefs.phone
    assert _code(channel) not in prefs.code_hash


def test_a_code_is_sent_during_quiet_hours_too(applicant):
    Preferences.objects.create(user=applicant, quiet_start="00:00", quiet_end="23:59")
    services.phone_code_send(applicant, phone=PhoneNumber.from_string(E164), channel="sms")
    row = OutboxMessage.objects.get(user_id=applicant.pk)
    assert row.available_at <= timezone.now()
    assert len(channels.sent["sms"]) == 1


@pytest.mark.parametrize(
    "number",
    [
        "12",
        "abc",
        "+1 202 555 0143",  # a US number
        "+44 7911 123456",  # a British mobile
        "+62 812 345",  # too few digits
        "+6281234567",
        "021 1234 5678",  # a landline: no SMS
        "0812-ABC-1234",  # letters read as keypad digits would reach a stranger
    ],
)
def test_malformed_or_foreign_numbers_are_refused_with_the_reason(client_as, applicant, number):
    response = _send(client_as(applicant), number)
    assert response.status_code == 400
    html = response.content.decode()
    assert "mobile number" in response.context["phone_form"].errors["phone"][0]
    assert "0812 3456 7890" in html
    # What was typed is kept.
    assert f'value="{number}"' in html
    assert not OutboxMessage.objects.filter(user_id=applicant.pk).exists()
    assert not channels.sent.get("sms")


def test_the_code_verifies_the_number(client_as, applicant):
    client = client_as(applicant)
    _send(client)
    response = client.post(VERIFY, {"code": _code()})
    assert response.status_code == 302
    prefs = Preferences.objects.get(user=applicant)
    assert prefs.phone_verified
    assert str(prefs.phone) == E164
    assert not prefs.pending_phone and not prefs.code_hash
    # Now SMS may be chosen.
    response = client.post(
        SETTINGS,
        {
            **{f"c_{c}": ["email"] for c in Category.values},
            "c_recruitment": ["email", "sms"],
            "quiet_start": "21:00",
            "quiet_end": "06:00",
        },
    )
    assert response.status_code == 302
    prefs.refresh_from_db()
    assert prefs.chosen(Category.RECRUITMENT) == ["email", "sms"]


def test_a_wrong_code_counts_and_five_lock_the_code(client_as, applicant):
    client = client_as(applicant)
    _send(client)
    code = _code()
    response = client.post(VERIFY, {"code": _wrong(code)})
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert Preferences.objects.get(user=applicant).code_attempts == 1
    for _ in range(4):
        client.post(VERIFY, {"code": _wrong(code)})
    assert Preferences.objects.get(user=applicant).code_attempts == 5
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 400
    assert "Too many wrong codes" in response.content.decode()
    prefs = Preferences.objects.get(user=applicant)
    assert not prefs.phone_verified and not prefs.phone


def test_an_expired_code_is_refused(client_as, applicant):
    client = client_as(applicant)
    _send(client)
    _back_in_time(applicant, minutes=11)
    response = client.post(VERIFY, {"code": _code()})
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert not Preferences.objects.get(user=applicant).phone_verified


def test_a_code_is_still_good_after_nine_minutes(client_as, applicant):
    client = client_as(applicant)
    _send(client)
    _back_in_time(applicant, minutes=9)
    assert client.post(VERIFY, {"code": _code()}).status_code == 302
    assert Preferences.objects.get(user=applicant).phone_verified


def test_a_new_code_waits_a_minute_and_says_how_long(client_as, applicant):
    client = client_as(applicant)
    _send(client)
    _back_in_time(applicant, seconds=15)
    response = _send(client)
    assert response.status_code == 400
    errors = response.context["phone_form"].non_field_errors()
    seconds = int(re.search(r"in (\d+) second", errors[0]).group(1))
    assert 44 <= seconds <= 46
    assert len(channels.sent["sms"]) == 1
    assert OutboxMessage.objects.filter(user_id=applicant.pk).count() == 1
    _back_in_time(applicant, seconds=61)
    assert _send(client).status_code == 302
    assert len(channels.sent["sms"]) == 2


def test_only_the_latest_code_counts(client_as, applicant):
    client = client_as(applicant)
    _send(client)
    first = _code()
    _back_in_time(applicant, seconds=61)
    _send(client)
    second = _code()
    if first != second:
        assert client.post(VERIFY, {"code": first}).status_code == 400
    assert client.post(VERIFY, {"code": second}).status_code == 302


def test_someone_else_cannot_use_my_code(client_as, applicant, other_applicant):
    services.phone_code_send(applicant, phone=PhoneNumber.from_string(E164), channel="sms")
    mine = _code()
    # Without a code of their own.
    with pytest.raises(ValidationError):
        services.phone_code_check(other_applicant, mine)
    # With a code of their own sent to the same number.
    services.phone_code_send(other_applicant, phone=PhoneNumber.from_string(E164), channel="sms")
    theirs = _code()
    if theirs != mine:
        with pytest.raises(ValidationError):
            services.phone_code_check(other_applicant, mine)
    assert not Preferences.objects.get(user=other_applicant).phone_verified
    assert services.phone_code_check(applicant, mine).phone_verified


def test_removing_the_phone_takes_sms_and_whatsapp_off_every_category(client_as, applicant):
    Preferences.objects.create(
        user=applicant,
        phone=E164,
        phone_verified_at=timezone.now(),
        channels={
            "recruitment": ["sms"],
            "training": ["email", "whatsapp"],
            "forums": ["sms", "whatsapp"],
            "news": ["email"],
            "digest": [],
        },
    )
    response = client_as(applicant).post(REMOVE)
    assert response.status_code == 302
    prefs = Preferences.objects.get(user=applicant)
    assert not prefs.phone and not prefs.phone_verified
    for category in Category.values:
        assert not {"sms", "whatsapp"} & set(prefs.chosen(category))
    assert prefs.chosen(Category.TRAINING) == ["email"]
    # Wanted outside the portal: e-mail takes the phone's place where nothing else was left.
    assert prefs.chosen(Category.FORUMS) == ["email"]
    assert prefs.chosen(Category.RECRUITMENT) == ["email"]
    # A kind kept for the inbox only stays so.
    assert prefs.chosen(Category.DIGEST) == []
    assert client_as(applicant).get(REMOVE).status_code == 405


@pytest.mark.django_db(transaction=True)
def test_guesses_sent_in_parallel_are_each_counted():
    """Ten wrong codes at once: five are checked and counted, the rest refused; none is lost
    to a race between reading and writing the count."""
    import threading

    from django.db import connection
    from django.utils import translation

    from tests.factories import UserFactory

    user = UserFactory()
    services.phone_code_send(user, phone=PhoneNumber.from_string(E164), channel="sms")
    wrong = _wrong(_code())
    barrier = threading.Barrier(10)
    outcomes = []

    def guess():
        try:
            barrier.wait(timeout=10)
            with translation.override("en"):
                services.phone_code_check(user, wrong)
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=guess) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(outcomes) == 10
    assert sum("not right" in o for o in outcomes) == 5
    assert sum("Too many" in o for o in outcomes) == 5
    assert Preferences.objects.get(user=user).code_attempts == 5


def test_at_most_five_codes_an_hour_are_sent(client_as, applicant):
    """Each code is a paid message to an unproven number: the sixth in an hour is refused
    with the minutes to wait, and no message goes."""
    client = client_as(applicant)
    for n in range(5):
        Preferences.objects.filter(user=applicant).update(code_sent_at=None)
        assert _send(client, number=f"0812345678{n:02d}").status_code == 302
    Preferences.objects.filter(user=applicant).update(code_sent_at=None)
    response = _send(client, number="081234567899")
    assert response.status_code == 400
    assert "most codes allowed in an hour" in response.content.decode()
    assert OutboxMessage.objects.filter(kind="notifications.phone_code").count() == 5


def test_one_number_gets_at_most_three_codes_an_hour_whoever_asks(
    client_as, applicant, other_applicant
):
    """Nobody can have a stranger's phone flooded: the fourth code to one number in an hour
    is refused, even when another account asks for it."""
    first = client_as(applicant)
    for _n in range(3):
        Preferences.objects.filter(user=applicant).update(code_sent_at=None)
        assert _send(first).status_code == 302
    response = _send(client_as(other_applicant))
    assert response.status_code == 400
    assert "most codes allowed in an hour" in response.content.decode()
    assert OutboxMessage.objects.filter(kind="notifications.phone_code").count() == 3
