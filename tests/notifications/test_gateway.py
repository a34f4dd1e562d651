"""The SMS/WhatsApp HTTP gateway (core.channels.HttpGatewayBackend) against a real local HTTP
server (tests/fake_gateway.py), driven through the outbox (core.outbox) on real rows: the
documented signed JSON, what each kind of answer does to the message (sent, tried again later,
failed for good), a failing channel stopping only its own messages, and the signed delivery
receipts (notifications.views.receipt)."""

import json
from datetime import time, timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone

from core import channels, outbox
from core.models import OutboxMessage
from notifications import services
from notifications.models import Notification, Preferences
from tests.factories import UserFactory
from tests.fake_gateway import FakeGateway, Reply, closed_port_url

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

State = OutboxMessage.State
SECRET = "s3cret"
PHONE = "+6281234567890"


@pytest.fixture
def gateway():
    with FakeGateway() as fake:
        yield fake


@pytest.fixture
def sms_at(settings):
    """Point the SMS channel at a URL (the fake gateway's, or one where nothing listens)."""

    def configure(url: str, timeout: float = 0.5) -> None:
        settings.NOTIFICATION_CHANNELS = {
            "sms": {
                "BACKEND": "core.channels.HttpGatewayBackend",
                "OPTIONS": {"url": url, "secret": SECRET, "timeout": timeout},
            }
        }

    return configure


@pytest.fixture
def sms(gateway, sms_at):
    sms_at(gateway.url)
    return gateway


def _sms(text: str = "Rakumpit: kode Anda 123456", channel: str = "sms") -> OutboxMessage:
    (row,) = outbox.queue_rows(
        [outbox.message_row(channel, PHONE, text, kind="test.sms", language="id")]
    )
    return row


def _email(subject: str = "Halo") -> OutboxMessage:
    (row,) = outbox.queue_rows(
        [outbox.email_row(EmailMessage(subject, "body", to=["p@example.test"]), kind="test.mail")]
    )
    return row


def _fresh(row: OutboxMessage) -> OutboxMessage:
    return OutboxMessage.objects.get(pk=row.pk)


# --- sending --------------------------------------------------------------------------------------


def test_it_posts_the_documented_signed_json_and_records_the_gateways_id(sms):
    row = _sms("Rakumpit: pengumuman seleksi – lihat portal")
    run = outbox.deliver_pending()
    assert run.sent == 1
    (request,) = sms.requests
    assert request.path == "/send"
    assert request.headers["content-type"] == "application/json"
    assert request.json == {
        "reference": str(row.pk),
        "channel": "sms",
        "to": PHONE,
        "text": "Rakumpit: pengumuman seleksi – lihat portal",
        "language": "id",
    }
    assert request.headers["idempotency-key"] == str(row.pk)
    signature = request.headers["x-rakumpit-signature"]
    assert signature.startswith("sha256=")
    assert channels.verify(SECRET, request.body, signature)
    assert not channels.verify("another secret", request.body, signature)
    assert not channels.verify(SECRET, request.body + b" ", signature)
    row = _fresh(row)
    assert (row.state, row.provider_id, row.attempts) == (State.SENT, f"gw-{row.pk}", 1)
    assert row.sent_at is not None
    assert row.last_error == ""


def test_send_queued_sends_just_queued_messages_at_once(sms):
    rows = [_sms(f"pesan {n}") for n in range(3)]
    run = outbox.send_queued(rows)
    assert run.sent == 3
    assert [r.json["text"] for r in sms.requests] == ["pesan 0", "pesan 1", "pesan 2"]
    assert sms.per_key() == {str(row.pk): 1 for row in rows}
    assert {_fresh(row).state for row in rows} == {State.SENT}
    assert outbox.deliver_pending().sent == 0  # nothing twice
    assert len(sms.requests) == 3


TEMPORARY = {
    "server error": Reply(500, b"Internal Server Error"),
    "bad gateway": Reply(502, b"<html>oops</html>"),
    "too many requests": Reply(429, {"error": "slow down"}),
    "slower than the timeout": Reply(200, delay=1.5),
    "garbage body": Reply(200, b"<html>Not JSON</html>"),
    "no message id": Reply(200, {"status": "queued"}),
    "empty message id": Reply(200, {"message_id": "  "}),
    "null message id": Reply(200, {"message_id": None}),
    "boolean message id": Reply(200, {"message_id": True}),
    "JSON list": Reply(200, b'["gw-1"]'),
    "a redirect": Reply(302, b"", headers={"Location": "/elsewhere"}),
}


@pytest.mark.parametrize("answer", TEMPORARY.values(), ids=TEMPORARY.keys())
def test_a_temporary_failure_puts_the_message_back_with_a_growing_wait(sms, answer):
    sms.reply(answer.status, answer.body, answer.delay, **answer.headers)
    row = _sms()
    before = timezone.now()
    run = outbox.deliver_pending()
    assert (run.sent, run.retried, run.dead) == (0, 1, 0)
    row = _fresh(row)
    assert row.state == State.PENDING
    assert row.attempts == 1
    assert row.available_at >= before + timedelta(seconds=59)  # the first wait: a minute
    assert row.provider_id == ""
    assert row.last_error
    assert len(sms.requests) == 1  # a redirect is not followed (the text went nowhere else)
    # The next failure waits longer.
    OutboxMessage.objects.filter(pk=row.pk).update(available_at=timezone.now())
    before = timezone.now()
    outbox.deliver_pending()
    row = _fresh(row)
    assert (row.state, row.attempts) == (State.PENDING, 2)
    assert row.available_at >= before + timedelta(seconds=119)


def test_a_refused_connection_is_a_temporary_failure(sms_at):
    sms_at(closed_port_url())
    row = _sms()
    run = outbox.deliver_pending()
    assert (run.sent, run.retried) == (0, 1)
    row = _fresh(row)
    assert (row.state, row.attempts) == (State.PENDING, 1)
    assert "ConnectionError" in row.last_error


@pytest.mark.parametrize("status", [400, 401, 404, 422])
def test_a_4xx_fails_the_message_for_good_at_once(sms, status):
    sms.reply(status, {"error": "invalid number"})
    row = _sms()
    run = outbox.deliver_pending()
    assert (run.sent, run.retried, run.dead) == (0, 0, 1)
    row = _fresh(row)
    assert (row.state, row.attempts) == (State.DEAD, 1)
    assert f"HTTP {status}" in row.last_error
    assert "invalid number" in row.last_error
    OutboxMessage.objects.filter(pk=row.pk).update(available_at=timezone.now())
    outbox.deliver_pending()
    assert len(sms.requests) == 1  # never tried again


def test_a_refused_message_does_not_stop_the_others(sms):
    sms.script(Reply(400, {"error": "invalid number"}))
    first, second = _sms("one"), _sms("two")
    run = outbox.deliver_pending()
    assert (run.sent, run.dead) == (1, 1)
    assert (_fresh(first).state, _fresh(second).state) == (State.DEAD, State.SENT)


def test_after_its_last_attempt_a_message_fails_for_good(sms, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    sms.reply(503, b"maintenance")
    row = _sms()
    for attempt in (1, 2, 3):
        OutboxMessage.objects.filter(pk=row.pk).update(available_at=timezone.now())
        outbox.deliver_pending()
        assert _fresh(row).attempts == attempt
    row = _fresh(row)
    assert row.state == State.DEAD
    assert "HTTP 503" in row.last_error
    OutboxMessage.objects.filter(pk=row.pk).update(available_at=timezone.now())
    assert outbox.deliver_pending().sent == 0
    assert len(sms.requests) == 3


def test_a_failing_gateway_stops_only_its_own_channel(sms_at):
    sms_at(closed_port_url())
    first_sms, second_sms = _sms("one"), _sms("two")
    email = _email("Still goes out")
    run = outbox.deliver_pending()
    assert (run.sent, run.retried) == (1, 1)
    assert _fresh(email).state == State.SENT
    assert [m.subject for m in mail.outbox] == ["Still goes out"]
    # The first SMS failed and waits; the second was not even tried in this run.
    assert (_fresh(first_sms).state, _fresh(first_sms).attempts) == (State.PENDING, 1)
    assert (_fresh(second_sms).state, _fresh(second_sms).attempts) == (State.PENDING, 0)


def test_a_channel_without_a_backend_leaves_its_messages_waiting(settings):
    settings.NOTIFICATION_CHANNELS = {}
    row = _sms(channel="whatsapp")
    email = _email()
    run = outbox.deliver_pending()
    assert run.sent == 1
    row = _fresh(row)
    assert (row.state, row.attempts, row.last_error) == (State.PENDING, 0, "")
    assert _fresh(email).state == State.SENT


@pytest.mark.parametrize("down", ["refused", "not configured"])
def test_a_down_channels_backlog_larger_than_a_batch_does_not_hold_up_email(sms_at, settings, down):
    settings.OUTBOX_BATCH = 3
    if down == "refused":
        sms_at(closed_port_url())
    else:
        settings.NOTIFICATION_CHANNELS = {}
    earlier = timezone.now() - timedelta(hours=1)
    backlog = [_sms(f"old {n}") for n in range(5)]
    OutboxMessage.objects.filter(pk__in=[r.pk for r in backlog]).update(available_at=earlier)
    email = _email("Behind the backlog")
    run = outbox.deliver_pending()
    assert run.sent == 1
    assert _fresh(email).state == State.SENT
    assert [m.subject for m in mail.outbox] == ["Behind the backlog"]
    assert OutboxMessage.objects.filter(channel="sms", state=State.PENDING).count() == 5


def test_the_inbox_keeps_a_notification_whose_sms_could_not_go(sms_at, client_as):
    sms_at(closed_port_url())
    user = UserFactory()
    Preferences.objects.create(
        user=user,
        phone=PHONE,
        phone_verified_at=timezone.now(),
        channels={"forums": ["sms"]},
        quiet_start=time(0, 0),
        quiet_end=time(0, 0),
    )
    sent = services.notify(user, kind="forums.reply", subject="Balasan baru di forum", body="x")
    (row,) = sent.rows
    assert row.channel == "sms"
    run = services.deliver_now(sent)
    assert (run.sent, run.retried) == (0, 1)
    assert _fresh(row).state == State.PENDING
    assert Notification.objects.filter(recipient=user, subject="Balasan baru di forum").exists()
    page = client_as(user).get(reverse("notifications:inbox"))
    assert page.status_code == 200
    assert "Balasan baru di forum" in page.content.decode()


# --- delivery receipts ------------------------------------------------------------------------


@pytest.fixture
def sent_sms(sms):
    row = _sms()
    assert outbox.deliver_pending().sent == 1
    return _fresh(row)


def _receipt(client, body, *, signature="sign", channel="sms"):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {}
    if signature == "sign":
        headers[channels.SIGNATURE_HEADER] = channels.sign(SECRET, raw)
    elif signature is not None:
        headers[channels.SIGNATURE_HEADER] = signature
    url = reverse("notifications:receipt", args=[channel])
    return client.post(url, data=raw, content_type="application/json", headers=headers)


def _snapshot(row):
    return OutboxMessage.objects.filter(pk=row.pk).values().get()


def test_a_signed_delivered_receipt_marks_the_message_delivered(client, sent_sms):
    response = _receipt(client, {"message_id": sent_sms.provider_id, "status": "delivered"})
    assert response.status_code == 204
    row = _fresh(sent_sms)
    assert row.state == State.DELIVERED
    assert row.delivered_at is not None


def test_a_signed_failed_receipt_fails_the_message_with_the_gateways_error(client, sent_sms):
    response = _receipt(
        client,
        {"message_id": sent_sms.provider_id, "status": "failed", "error": "number not active"},
    )
    assert response.status_code == 204
    row = _fresh(sent_sms)
    assert row.state == State.DEAD
    assert "number not active" in row.last_error


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        "sha256=",
        "sha256=" + "0" * 64,
        channels.sign("not the secret", b"{}"),
        "sha256=é",
        "sha256=\u2603",
    ],
    ids=["missing", "empty", "bare", "zeros", "other secret", "latin-1", "non-latin"],
)
def test_a_forged_or_missing_signature_is_refused_and_changes_nothing(client, sent_sms, signature):
    before = _snapshot(sent_sms)
    body = {"message_id": sent_sms.provider_id, "status": "failed", "error": "forged"}
    response = _receipt(client, body, signature=signature)
    assert response.status_code == 403
    assert _snapshot(sent_sms) == before


def test_a_body_signed_for_another_channel_is_refused(client, sent_sms):
    before = _snapshot(sent_sms)
    body = {"message_id": sent_sms.provider_id, "status": "delivered"}
    assert _receipt(client, body, channel="whatsapp").status_code == 403
    assert _snapshot(sent_sms) == before


def test_a_signature_for_a_changed_body_is_refused(client, sent_sms):
    before = _snapshot(sent_sms)
    signature = channels.sign(SECRET, b'{"message_id": "x", "status": "delivered"}')
    body = {"message_id": sent_sms.provider_id, "status": "delivered"}
    assert _receipt(client, body, signature=signature).status_code == 403
    assert _snapshot(sent_sms) == before


def test_bad_json_is_a_400_and_an_unknown_id_a_404(client, sent_sms):
    before = _snapshot(sent_sms)
    assert _receipt(client, b"{not json").status_code == 400
    assert _receipt(client, {"message_id": "gw-nope", "status": "delivered"}).status_code == 404
    assert _snapshot(sent_sms) == before


GARBAGE = [
    b"",
    b"null",
    b"[]",
    b"[1, 2]",
    b'"delivered"',
    b"{}",
    b'{"message_id": "gw-1"}',
    b'{"status": "delivered"}',
    b'{"message_id": "gw-1", "status": "exploded"}',
    b'{"message_id": "gw-1", "status": ["delivered"]}',
    b'{"message_id": {"a": 1}, "status": "delivered"}',
    b'{"message_id": "gw-1\\u0000", "status": "delivered"}',
    b'{"message_id": "' + b"x" * 5000 + b'", "status": "delivered"}',
    b'{"message_id": 1' + b"0" * 5000 + b', "status": "delivered"}',
    b'{"message_id": NaN, "status": "delivered"}',
    b"\xff\xfe\x00{",
    b"[" * 100_000,
    b'{"message_id": "gw-1", "status": "delivered"' + b"}" * 3,
]


@pytest.mark.parametrize("body", GARBAGE, ids=range(len(GARBAGE)))
def test_no_signed_body_makes_the_receipt_fail(client, sent_sms, body):
    before = _snapshot(sent_sms)
    response = _receipt(client, body)
    assert response.status_code in (400, 404)
    assert _snapshot(sent_sms) == before


@pytest.mark.parametrize("message_id", ["", "  "])
def test_an_empty_message_id_matches_none_of_the_messages_not_sent_yet(
    client, sent_sms, sms_at, message_id
):
    sms_at(closed_port_url())
    waiting = _sms()
    outbox.deliver_pending()
    assert _fresh(waiting).provider_id == ""
    before = _snapshot(waiting)
    response = _receipt(client, {"message_id": message_id, "status": "delivered"})
    assert response.status_code == 400
    assert _snapshot(waiting) == before


def test_a_failed_receipt_whose_error_holds_a_nul_still_fails_the_message(client, sent_sms):
    body = {"message_id": sent_sms.provider_id, "status": "failed", "error": "bad\u0000number"}
    response = _receipt(client, body)
    assert response.status_code == 204
    row = _fresh(sent_sms)
    assert row.state == State.DEAD
    assert "bad" in row.last_error and "number" in row.last_error


def test_a_receipt_is_only_posted(client, sent_sms):
    url = reverse("notifications:receipt", args=["sms"])
    assert client.get(url).status_code == 405


@pytest.mark.parametrize(
    "answer",
    [Reply(500, b"err\x00or"), Reply(200, b"\x00garbage\x00"), Reply(400, b"bad\x00number")],
    ids=["5xx", "garbage", "4xx"],
)
def test_nul_bytes_in_a_gateways_answer_do_not_break_the_run(sms, answer):
    sms.script(answer)
    row, other = _sms("one"), _sms("two")
    outbox.deliver_pending()
    row = _fresh(row)
    assert row.state in (State.PENDING, State.DEAD)  # settled, not left "being sent"
    assert row.last_error.startswith("TemporaryFailure" if answer.status != 400 else "Permanent")
    if answer.status == 400:
        assert _fresh(other).state == State.SENT


def test_a_nul_in_the_gateways_message_id_is_dropped(sms):
    sms.script(Reply(200, {"message_id": "gw\u0000-7"}))
    row = _sms()
    assert outbox.deliver_pending().sent == 1
    row = _fresh(row)
    assert (row.state, row.provider_id) == (State.SENT, "gw-7")


def test_an_essential_sms_refused_for_good_goes_by_email_instead(sms, mailoutbox):
    """An application's result must reach the person: when its only external channel (SMS)
    is refused for good, by the gateway's answer or by a failed receipt, it goes by e-mail
    (once); a non-essential one stays in the inbox only."""
    from django.utils import timezone as tz

    from notifications.models import Preferences
    from notifications.services import notify
    from tests.factories import UserFactory

    gateway = sms
    essential, casual = UserFactory.create_batch(2)
    for user, category in ((essential, "recruitment"), (casual, "forums")):
        Preferences.objects.create(
            user=user,
            phone="+6281234567890",
            phone_verified_at=tz.now(),
            quiet_start=time(0),
            quiet_end=time(0),
            channels={category: ["sms"]},
        )
    gateway.reply(400, {"error": "number blocked"})
    result = notify(essential, kind="recruitment.milestone", subject="Hasil TMS", body="Sanggah.")
    reply = notify(casual, kind="forums.notification", subject="Balasan baru", body="Ada balasan.")
    assert [r.channel for r in result.rows] == ["sms"]
    outbox.deliver_pending()
    outbox.deliver_pending()
    emails = OutboxMessage.objects.filter(channel="email")
    assert [row.key for row in emails] == [f"n{result.notification.pk}:email"]
    assert [m.to for m in mailoutbox] == [[essential.email]]
    assert "Hasil TMS" in mailoutbox[0].subject
    assert not OutboxMessage.objects.filter(key=f"n{reply.notification.pk}:email").exists()
