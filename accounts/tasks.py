"""Background work of the accounts app."""

from datetime import timedelta

from axes.models import AccessLog
from celery import shared_task
from django.utils import timezone

ACCESS_LOG_RETENTION_DAYS = 90


@shared_task(acks_late=True, soft_time_limit=10 * 60, time_limit=11 * 60)
def prune_access_logs() -> int:
    """Login access logs are personal data (IP, user agent): keep them only as long as needed."""
    cutoff = timezone.now() - timedelta(days=ACCESS_LOG_RETENTION_DAYS)
    deleted, _ = AccessLog.objects.filter(attempt_time__lt=cutoff).delete()
    return deleted
