"""What every app's Celery tasks share: the options of a task that sends e-mail (retried on a
temporary failure of the mail server, never on a bad address or template), and the portal-wide
housekeeping."""

from importlib import import_module
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings

# A refused or unreachable mail server is worth retrying; a bad address or template is not.
TEMPORARY_MAIL_ERRORS = (SMTPException, ConnectionError, TimeoutError)


def mail_task_options(
    *,
    soft_time_limit: int,
    time_limit: int,
    retry_on: tuple = TEMPORARY_MAIL_ERRORS,
    max_retries: int = 3,
    retry_backoff_max: int = 15 * 60,
) -> dict:
    """Options for `@shared_task(**...)` of a task that sends e-mail: acknowledged after it ran
    (a killed worker's task runs again; the task's claim rows keep it from sending twice), JSON
    arguments, retries with a growing, jittered wait, and time limits."""
    return {
        "acks_late": True,
        "serializer": "json",
        "autoretry_for": retry_on,
        "max_retries": max_retries,
        "retry_backoff": 60,
        "retry_backoff_max": retry_backoff_max,
        "retry_jitter": True,
        "soft_time_limit": soft_time_limit,
        "time_limit": time_limit,
    }


@shared_task(acks_late=True, soft_time_limit=10 * 60, time_limit=11 * 60)
def clear_expired_sessions() -> None:
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()


@shared_task(acks_late=True, soft_time_limit=5 * 60, time_limit=6 * 60)
def deliver_outbox() -> dict:
    """Beat, every minute (core.outbox): publish the tasks a dead broker held back, put back what
    a dead worker left in flight, send the e-mails that are due. Safe to run twice at once (rows
    are claimed with conditional updates, tasks with SKIP LOCKED). The admin's "send again"
    starts it too."""
    from core import outbox

    published = outbox.relay_tasks()
    run = outbox.deliver_pending()
    return {"tasks_published": published, **run.as_dict()}


@shared_task(acks_late=True, soft_time_limit=10 * 60, time_limit=11 * 60)
def prune_outbox() -> int:
    """Daily: delete sent e-mails older than OUTBOX_KEEP_SENT_DAYS."""
    from core import outbox

    return outbox.prune()
