"""The outbox's cost (core/outbox.py): what the delivery guarantee (a claim committed before each
send, one message at a time, marked sent after) costs per e-mail, against the floor of handing
the same messages straight to the mail backend.

Floor, in the same run: 2,000 messages handed one by one to Django's in-memory mail backend.
Case: the same 2,000 queued in one INSERT (`queue_emails`) and delivered by the outbox job
(`deliver_pending`): per message, a locked claim committed, the send, the "sent" update.
"""

from django.core import mail
from django.core.mail import EmailMessage, get_connection
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from bench.common import machine, measure, write
from core import outbox
from core.models import OutboxMessage

MESSAGES = 2_000


def _messages(count: int = MESSAGES):
    return [
        (EmailMessage(f"Pengingat {n}", "Isi pesan", to=[f"bench-{n}@example.org"]), None)
        for n in range(count)
    ]


def _queries_per_message(count: int = 100) -> float:
    """Counted on a small run: Django keeps only the last 9,000 queries of a connection."""
    OutboxMessage.objects.filter(kind="bench").delete()
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        outbox.queue_emails(_messages(count), kind="bench")
        outbox.deliver_pending(limit=count)
    OutboxMessage.objects.filter(kind="bench").delete()
    return len(queries.captured_queries) / count


def run() -> None:
    def floor():
        mail.outbox = []
        connection = get_connection()
        for message, _user in _messages():
            connection.send_messages([message])

    def through_outbox():
        mail.outbox = []
        OutboxMessage.objects.filter(kind="bench").delete()
        outbox.queue_emails(_messages(), kind="bench")
        run = outbox.deliver_pending(limit=MESSAGES)
        assert run.sent == MESSAGES, run

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        results = {
            f"floor: {MESSAGES:,} messages to the mail backend": measure(floor, repeat=5),
            f"outbox: {MESSAGES:,} queued and delivered": measure(
                through_outbox, repeat=5, warmup=1
            ),
        }
        per_message = _queries_per_message()
    OutboxMessage.objects.filter(kind="bench").delete()
    base = results[f"floor: {MESSAGES:,} messages to the mail backend"]["median_ms"]
    lines = [
        "# Outbox benchmark",
        "",
        f"Machine: {machine()}. {MESSAGES:,} messages per run.",
        "",
        f'Queries per message through the outbox: {per_message:.2f} (the claim, the "sent" '
        "update; the INSERT and the job's SELECT are shared by the whole batch).",
        "",
        "| case | median ms | p90 ms | messages/s | ratio to floor |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        rate = MESSAGES / (r["median_ms"] / 1000) if r["median_ms"] else 0
        lines.append(
            f"| {name} | {r['median_ms']} | {r['p90_ms']} | {rate:,.0f} | "
            f"{r['median_ms'] / base:.1f}× |"
        )
    payload = {"machine": machine(), "results": results, "queries_per_message": per_message}
    write("outbox", payload, "\n".join(lines) + "\n")
