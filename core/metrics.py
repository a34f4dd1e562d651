"""Metrics for Prometheus at /metrics (docs/operations/observability.md).

Requests are counted and timed by django-prometheus's middleware (`django_http_*`). This module
adds what only the portal knows, read afresh at each scrape (so they need no aggregation across
gunicorn workers):

- `rakumpit_celery_queue_length{queue}`: tasks waiting in the broker (the Redis list of the
  queue and its priority lists), `rakumpit_celery_unacked_tasks`: tasks a worker has taken and
  not finished, `rakumpit_celery_broker_up`: 1 when Redis answered the scrape;
- `rakumpit_outbox_emails{state}`: e-mails in the outbox (`core.OutboxMessage`) per state
  (pending, sending, sent, delivered, dead); `rakumpit_outbox_messages{channel,state}` the same
  for every channel (email, sms, whatsapp), `rakumpit_outbox_oldest_pending_seconds`: how long
  the oldest pending one has waited, `rakumpit_outbox_queued_tasks`: tasks kept in the database
  while the broker could not take them (`core.QueuedTask`); each only when its model exists.

Who may read them: staff (`is_staff`) and requests from this machine that came through no
proxy (a Prometheus on the same host); anyone else gets 404, as if there were nothing here.
"""

import ipaddress
import logging
import os

from django.apps import apps
from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger(__name__)

# A reverse proxy on the same host connects from 127.0.0.1: a request that names a client of
# its own came through one, and is not taken for a local scraper.
PROXY_HEADERS = ("X-Forwarded-For", "X-Real-IP", "Forwarded")

# kombu's Redis transport keeps a queue's prioritised messages in extra lists named
# "<queue>\x06\x16<priority>" (priority 0 is the queue's own name).
_PRIORITY_SEPARATOR = "\x06\x16"
_PRIORITY_STEPS = (0, 3, 6, 9)


def may_read(request) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_staff:
        return True
    if any(header in request.headers for header in PROXY_HEADERS):
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def _broker_client():
    import redis

    return redis.Redis.from_url(
        settings.CELERY_BROKER_URL, socket_connect_timeout=0.5, socket_timeout=0.5
    )


def queue_metrics():
    """The Celery queue's length, read from Redis at scrape; nothing without a Redis broker."""
    url = settings.CELERY_BROKER_URL
    if not url or not url.startswith(("redis://", "rediss://")):
        return
    from celery import current_app

    queue = current_app.conf.task_default_queue or "celery"
    up = GaugeMetricFamily("rakumpit_celery_broker_up", "1 when the Redis broker answered.")
    length = GaugeMetricFamily(
        "rakumpit_celery_queue_length", "Tasks waiting in the Celery queue.", labels=["queue"]
    )
    unacked = GaugeMetricFamily(
        "rakumpit_celery_unacked_tasks", "Tasks taken by a worker and not yet acknowledged."
    )
    try:
        client = _broker_client()
        with client.pipeline(transaction=False) as pipe:
            for step in _PRIORITY_STEPS:
                pipe.llen(queue if step == 0 else f"{queue}{_PRIORITY_SEPARATOR}{step}")
            pipe.hlen("unacked")
            *lengths, taken = pipe.execute()
        client.close()
    except Exception as exc:  # a scrape reports a dead broker, it does not fail
        logger.warning("Metrics: the Celery broker did not answer (%s).", type(exc).__name__)
        up.add_metric([], 0)
        yield up
        return
    up.add_metric([], 1)
    length.add_metric([queue], sum(lengths))
    unacked.add_metric([], taken)
    yield from (up, length, unacked)


def outbox_metrics():
    """E-mails in the outbox per state; nothing until core.OutboxMessage exists."""
    try:
        model = apps.get_model("core", "OutboxMessage")
    except LookupError:
        return
    field = model._meta.get_field("state")
    counts = {str(value): 0 for value, _label in (field.choices or ())}
    names = {f.name for f in model._meta.get_fields()}
    by_channel: dict[tuple[str, str], int] = {}
    try:
        if "channel" in names:
            rows = (
                model._default_manager.order_by()
                .values_list("channel", "state")
                .annotate(n=Count("pk"))
            )
            for channel, state, n in rows:
                by_channel[(str(channel), str(state))] = n
                if channel == "email":
                    counts[str(state)] = n
        else:
            rows = model._default_manager.order_by().values_list("state").annotate(n=Count("pk"))
            counts.update({str(state): n for state, n in rows})
        # Evaluated here, inside the guard (the generator below runs after it).
        extra = [*_oldest_pending(model), *_queued_tasks()]
    except Exception as exc:  # the database answers /healthz; a scrape must not fail
        logger.warning("Metrics: the outbox could not be counted (%s).", type(exc).__name__)
        return
    family = GaugeMetricFamily(
        "rakumpit_outbox_emails", "E-mails in the outbox, per state.", labels=["state"]
    )
    for state, n in sorted(counts.items()):
        family.add_metric([state], n)
    yield family
    messages = GaugeMetricFamily(
        "rakumpit_outbox_messages",
        "Messages in the outbox, per channel (email, sms, whatsapp) and state.",
        labels=["channel", "state"],
    )
    channels = dict(model._meta.get_field("channel").choices or ()) if "channel" in names else {}
    for channel in sorted(channels):
        for state in sorted(counts):
            messages.add_metric([channel, state], by_channel.get((channel, state), 0))
    yield messages
    yield from extra


def _oldest_pending(model):
    """How long the oldest pending e-mail has waited: grows when nothing sends them."""
    names = {field.name for field in model._meta.get_fields()}
    if "created_at" not in names:
        return
    oldest = (
        model._default_manager.filter(state="pending")
        .order_by()
        .aggregate(oldest=Min("created_at"))["oldest"]
    )
    age = GaugeMetricFamily(
        "rakumpit_outbox_oldest_pending_seconds",
        "Age of the oldest pending e-mail in the outbox (0 when none waits).",
    )
    age.add_metric([], (timezone.now() - oldest).total_seconds() if oldest else 0)
    yield age


def _queued_tasks():
    """Background tasks kept in the database while the broker could not take them."""
    try:
        model = apps.get_model("core", "QueuedTask")
    except LookupError:
        return
    queued = GaugeMetricFamily(
        "rakumpit_outbox_queued_tasks", "Tasks waiting in the database for the broker."
    )
    queued.add_metric([], model._default_manager.count())
    yield queued


class PortalCollector:
    """prometheus_client collector of the portal's own gauges."""

    def collect(self):
        yield from queue_metrics()
        yield from outbox_metrics()


def exposition() -> bytes:
    """The text a scrape gets: the request metrics of this process (or, with
    PROMETHEUS_MULTIPROC_DIR, of every gunicorn worker) followed by the portal's gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        requests = CollectorRegistry()
        multiprocess.MultiProcessCollector(requests)
    else:
        requests = REGISTRY
    portal = CollectorRegistry()
    portal.register(PortalCollector())
    return generate_latest(requests) + generate_latest(portal)
