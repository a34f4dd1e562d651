"""Workforce's background jobs."""

from celery import shared_task

# The employee import's task is defined with its job (see there) and registered under this
# module's name: workforce.tasks.import_employees.
from workforce.import_jobs import import_employees  # noqa: F401
from workforce.imports import delete_stale_uploads


@shared_task(acks_late=True, soft_time_limit=5 * 60, time_limit=6 * 60)
def delete_unconfirmed_imports() -> int:
    """Hourly: the employee import's uploads never confirmed, once older than a day
    (`IMPORT_UPLOAD_MAX_AGE_HOURS`). Idempotent: it only deletes what is old enough."""
    return delete_stale_uploads()
