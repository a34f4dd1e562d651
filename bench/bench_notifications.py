"""HR's bulk message (issue 21, notifications.services): the fan-out of one message to many
applicants, then its SMS delivery through the outbox to an HTTP gateway.

Data (seeded once, kept): PEOPLE accounts (50,000; BENCH_NOTIFICATIONS_PEOPLE=5000 for a quick
run); every fifth has a verified phone and chose SMS for HR's messages ("news"), the others have
no preferences (e-mail). Quiet hours are off for them, so the SMS rows are due whenever the
bench runs.

1. Fan-out: `notify_many` of one message to all of them, in one transaction: the inbox rows and
   one outbox row per person and channel, a few statements per 2,000 people. Floor, in the same
   run: a plain `bulk_create` of the same inbox and outbox rows, built beforehand (what the
   database must write whatever the code). Also: the preview (count per channel) of the same
   audience, as the bulk message page computes it.
2. Delivery: the SMS rows of one fan-out sent by the outbox job (`deliver_pending`) to a fake
   gateway on the loopback (a threaded HTTP server answering 200 with a message id), through
   the signed JSON contract (core.channels.HttpGatewayBackend), no throttle. Per message: a
   claim committed before the send, the POST, the "sent" update. Floor, in the same run: the
   same number of messages POSTed straight to the gateway by the same backend, no database.

Each fan-out run starts from an empty set of this bench's rows (deleted between runs, outside
the timing); each delivery run starts with the same SMS rows pending again.
"""

import json
import os
import statistics
import threading
import time
from datetime import time as clock
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from accounts.models import User
from bench.common import machine, write
from core import channels, outbox
from core.models import OutboxMessage
from notifications import services
from notifications.models import Category, Notification, Preferences

PEOPLE = int(os.environ.get("BENCH_NOTIFICATIONS_PEOPLE", "50000"))
SMS_SHARE = 5  # one person in five chose SMS
KIND = "bench.notifications"
EMAIL_PREFIX = "bench-notify-"
SUBJECT = "Jadwal SKD Seleksi CASN 2026"
BODY = "SKD dimulai Senin pukul 07.30 WIB. Bawa KTP asli dan kartu ujian."


# --- data ---------------------------------------------------------------------------------------


def _seed(count: int) -> None:
    have = User.objects.filter(email__startswith=EMAIL_PREFIX).count()
    if have >= count:
        return
    with transaction.atomic():
        users = User.objects.bulk_create(
            [
                User(email=f"{EMAIL_PREFIX}{n}@example.org", full_name=f"Pelamar {n}")
                for n in range(have, count)
            ],
            batch_size=2000,
        )
        now = timezone.now()
        Preferences.objects.bulk_create(
            [
                Preferences(
                    user=user,
                    channels={Category.NEWS: ["sms"]},
                    phone=f"+62812{user.pk:08d}",
                    phone_verified_at=now,
                    quiet_start=clock(0, 0),
                    quiet_end=clock(0, 0),  # no quiet hours: the SMS rows are due at once
                )
                for user in users
                if user.pk % SMS_SHARE == 0
            ],
            batch_size=2000,
        )


def _audience(count: int = PEOPLE):
    pks = User.objects.filter(email__startswith=EMAIL_PREFIX).order_by("pk")
    last = pks.values_list("pk", flat=True)[count - 1]
    return pks.filter(pk__lte=last)


def _clean() -> None:
    OutboxMessage.objects.filter(kind=KIND).delete()
    Notification.objects.filter(kind=KIND).delete()


def _fan_out(count: int = PEOPLE) -> dict:
    return services.notify_many(
        _audience(count).only("pk", "email", "preferred_language"),
        kind=KIND,
        subject=SUBJECT,
        body=BODY,
        category=Category.NEWS,
    )


def _floor_rows(count: int = PEOPLE):
    """The same inbox and outbox rows as a fan-out, built beforehand (outside the timing)."""
    people = list(_audience(count).values_list("pk", "email"))
    now = timezone.now()
    sms = set(
        Preferences.objects.filter(user__in=_audience(count)).values_list("user_id", flat=True)
    )
    notifications = [
        Notification(
            recipient_id=pk,
            kind=KIND,
            category=Category.NEWS,
            subject=SUBJECT,
            body=BODY,
            created_at=now,
        )
        for pk, _email in people
    ]
    rows = [
        OutboxMessage(
            channel="sms" if pk in sms else "email",
            created_at=now,
            available_at=now,
            kind=KIND,
            user_id=pk,
            to=[f"+62812{pk:08d}" if pk in sms else email],
            subject="" if pk in sms else SUBJECT,
            body=BODY,
        )
        for pk, email in people
    ]
    return notifications, rows


def _timed(fn, *, repeat: int, before=None) -> dict:
    samples = []
    for _ in range(repeat):
        if before:
            before()
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return {
        "median_ms": round(statistics.median(samples), 1),
        "min_ms": round(min(samples), 1),
        "max_ms": round(max(samples), 1),
        "runs": repeat,
    }


def _queries(fn) -> int:
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries.captured_queries)


# --- the fake gateway ---------------------------------------------------------------------------


class _Gateway(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the backend's session reuses its connection
    # Headers and body leave in two writes: without TCP_NODELAY the second waits for the
    # client's delayed ACK (40 ms a message on Linux), which would be measured instead.
    disable_nagle_algorithm = True
    received = 0
    lock = threading.Lock()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        json.loads(body)
        with _Gateway.lock:
            _Gateway.received += 1
            number = _Gateway.received
        answer = json.dumps({"message_id": f"gw-{number}"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


def _gateway():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Gateway)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _sms_settings(server) -> dict:
    return {
        "sms": {
            "BACKEND": "core.channels.HttpGatewayBackend",
            "OPTIONS": {
                "url": f"http://127.0.0.1:{server.server_address[1]}/send",
                "secret": "bench-secret",
                "timeout": 5,
                "per_second": 0,  # the gateway's own limit is not what is measured
            },
        }
    }


def _sms_pending_again() -> None:
    """The SMS rows of the last fan-out pending and due again; its e-mail rows out of the way
    (sent), so the job takes SMS only."""
    now = timezone.now()
    mine = OutboxMessage.objects.filter(kind=KIND)
    mine.filter(channel="email").update(state=OutboxMessage.State.SENT, sent_at=now)
    mine.filter(channel="sms").update(
        state=OutboxMessage.State.PENDING,
        available_at=now,
        attempts=0,
        claimed_at=None,
        sent_at=None,
        provider_id="",
        last_error="",
    )


# --- the run ------------------------------------------------------------------------------------


def run() -> None:
    print(f"Seeding {PEOPLE:,} accounts (once)...")
    _seed(PEOPLE)
    others = OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING).exclude(kind=KIND)
    if others.exists():
        raise SystemExit("bench_notifications needs a database without other pending messages.")
    _clean()
    batch = 2_000

    # 1. fan-out, its floor, the preview
    def fan_out():
        with transaction.atomic():
            counts = _fan_out()
        assert counts["inbox"] == PEOPLE, counts

    prepared = {}

    def prepare_floor():
        _clean()
        prepared["rows"] = _floor_rows()

    def floor():
        notifications, rows = prepared["rows"]
        with transaction.atomic():
            Notification.objects.bulk_create(notifications, batch_size=1000)
            OutboxMessage.objects.bulk_create(rows, batch_size=1000)

    # SMS available (so the people's choice counts); nothing is sent in this part.
    locmem = {"sms": {"BACKEND": "core.channels.LocmemBackend"}}
    with override_settings(NOTIFICATION_CHANNELS=locmem):
        results = {
            "floor": _timed(floor, repeat=3, before=prepare_floor),
            "fan_out": _timed(fan_out, repeat=3, before=_clean),
            "preview": _timed(lambda: services.preview(_audience().only("pk", "email")), repeat=3),
        }
        _clean()
        queries_batch = _queries(lambda: _fan_out(batch))
        _clean()
        queries_all = _queries(_fan_out)
        queries_preview = _queries(lambda: services.preview(_audience().only("pk", "email")))
        counts = services.preview(_audience().only("pk", "email"))

    # 2. delivery of the SMS rows of the last fan-out (kept above)
    sms_rows = OutboxMessage.objects.filter(kind=KIND, channel="sms").count()
    server = _gateway()
    try:
        with override_settings(
            NOTIFICATION_CHANNELS=_sms_settings(server), OUTBOX_RUN_SECONDS=3600
        ):

            def deliver():
                run = outbox.deliver_pending(limit=sms_rows)
                assert run.sent == sms_rows, run

            probe = list(OutboxMessage.objects.filter(kind=KIND, channel="sms")[:sms_rows])

            def gateway_floor():
                backend = channels.get_backend("sms")
                backend.open()
                try:
                    for row in probe:
                        backend.send(row)
                finally:
                    backend.close()

            results["gateway_floor"] = _timed(gateway_floor, repeat=3)
            results["deliver"] = _timed(deliver, repeat=3, before=_sms_pending_again)
            small = min(sms_rows, 200)
            _sms_pending_again()
            queries_delivery = _queries(lambda: outbox.deliver_pending(limit=small))
    finally:
        server.shutdown()
        server.server_close()
    _clean()

    def rate(count, result):
        return count / (result["median_ms"] / 1000) if result["median_ms"] else 0

    outbox_rows = counts["email"] + counts["sms"] + counts["whatsapp"]
    batches = -(-PEOPLE // batch)
    lines = [
        "# Notifications benchmark (bulk message: fan-out and SMS delivery)",
        "",
        f"Machine: {machine()}.",
        "",
        f"{PEOPLE:,} people, one in {SMS_SHARE} with a verified phone choosing SMS for HR's "
        f"messages: {counts['inbox']:,} inbox rows, {counts['email']:,} e-mail and "
        f"{counts['sms']:,} SMS outbox rows per message.",
        "",
        "| case | median ms | min ms | max ms | rate | ratio to floor |",
        "|---|---:|---:|---:|---:|---:|",
        f"| floor: plain bulk_create of the same {PEOPLE + outbox_rows:,} rows | "
        f"{results['floor']['median_ms']} | {results['floor']['min_ms']} | "
        f"{results['floor']['max_ms']} | {rate(PEOPLE, results['floor']):,.0f} people/s | 1.0× |",
        f"| fan-out: notify_many to {PEOPLE:,} people, one transaction | "
        f"{results['fan_out']['median_ms']} | {results['fan_out']['min_ms']} | "
        f"{results['fan_out']['max_ms']} | {rate(PEOPLE, results['fan_out']):,.0f} people/s | "
        f"{results['fan_out']['median_ms'] / results['floor']['median_ms']:.1f}× |",
        f"| preview: count per channel of {PEOPLE:,} people | "
        f"{results['preview']['median_ms']} | {results['preview']['min_ms']} | "
        f"{results['preview']['max_ms']} | {rate(PEOPLE, results['preview']):,.0f} people/s | |",
        f"| floor: {sms_rows:,} SMS POSTed straight to the gateway | "
        f"{results['gateway_floor']['median_ms']} | {results['gateway_floor']['min_ms']} | "
        f"{results['gateway_floor']['max_ms']} | "
        f"{rate(sms_rows, results['gateway_floor']):,.0f} SMS/s | 1.0× |",
        f"| delivery: {sms_rows:,} SMS through the outbox job | "
        f"{results['deliver']['median_ms']} | {results['deliver']['min_ms']} | "
        f"{results['deliver']['max_ms']} | {rate(sms_rows, results['deliver']):,.0f} SMS/s | "
        f"{results['deliver']['median_ms'] / results['gateway_floor']['median_ms']:.1f}× |",
        "",
        f"Queries: fan-out to {batch:,} people {queries_batch}, to {PEOPLE:,} people "
        f"{queries_all} ({queries_all / batches:.1f} per {batch:,} people, {batches} batches); "
        f"preview {queries_preview} whatever the number; delivery "
        f'{queries_delivery / small:.2f} per SMS (the claim, the "sent" update; the job\'s '
        "SELECT shared).",
        "",
    ]
    payload = {
        "machine": machine(),
        "people": PEOPLE,
        "counts": counts,
        "sms_rows": sms_rows,
        "results": results,
        "queries": {
            f"fan_out_{batch}": queries_batch,
            f"fan_out_{PEOPLE}": queries_all,
            "preview": queries_preview,
            "delivery_per_sms": queries_delivery / small,
        },
    }
    write("notifications", payload, "\n".join(lines))
