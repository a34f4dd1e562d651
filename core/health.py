"""Health checks for /healthz: the database always; the cache and the broker when configured."""

import uuid

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import connection


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("unexpected answer")


def check_cache() -> None:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    ok = cache.get(key) == "1"
    cache.delete(key)
    if not ok:
        raise RuntimeError("value did not round-trip")


def check_broker() -> None:
    # The project's Celery app (rakumpit_asn.celery) is the current one once Django is set up.
    with current_app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
        conn.ensure_connection(max_retries=1, timeout=settings.HEALTHZ_TIMEOUT_SECONDS)


def configured_checks() -> dict:
    checks = {"database": check_database}
    if settings.REDIS_URL:
        checks["cache"] = check_cache
    if settings.CELERY_BROKER_URL:
        checks["broker"] = check_broker
    return checks


def run_checks() -> dict[str, str]:
    """Map of check name -> "ok" or a short error class name (no details leak to the public)."""
    results = {}
    for name, check in configured_checks().items():
        try:
            check()
        except Exception as exc:  # every failure is reported, none is raised
            results[name] = f"error: {type(exc).__name__}"
        else:
            results[name] = "ok"
    return results
