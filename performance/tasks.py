"""Background work of the performance app: the daily reminder job (beat, 06:00 WIB)."""

from datetime import date

from celery import shared_task
from django.db import OperationalError

from core.tasks import TEMPORARY_MAIL_ERRORS, mail_task_options
from performance.services.reminders import reminders_send

# A refused mail server or a lost database race is worth retrying; the claim rows make the
# retry send only what the failed attempt did not commit.
RETRY_ON = (*TEMPORARY_MAIL_ERRORS, OperationalError)


@shared_task(
    **mail_task_options(
        soft_time_limit=10 * 60,
        time_limit=12 * 60,
        retry_on=RETRY_ON,
        max_retries=5,
        retry_backoff_max=30 * 60,
    )
)
def send_due_reminders(today: str | None = None) -> dict:
    """Send today's performance reminders. `today` (ISO date) is for tests and catching up."""

    run = reminders_send(today=date.fromisoformat(today) if today else None)
    return {"found": run.found, "claimed": run.claimed, "emails": run.emails}
