"""Housekeeping tasks for the whole portal."""

from datetime import timedelta
from importlib import import_module

from axes.models import AccessLog
from celery import shared_task
from django.conf import settings
from django.utils import timezone

ACCESS_LOG_RETENTION_DAYS = 90


@shared_task
def clear_expired_sessions() -> None:
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()


@shared_task
def prune_access_logs() -> int:
    """Login access logs are personal data (IP, user agent): keep them only as long as needed."""
    cutoff = timezone.now() - timedelta(days=ACCESS_LOG_RETENTION_DAYS)
    deleted, _ = AccessLog.objects.filter(attempt_time__lt=cutoff).delete()
    return deleted
