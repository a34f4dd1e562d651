"""Background work of the leadership report: the monthly report on the 1st (beat), and a report
HR asked for (started through core.outbox.dispatch). Both are idempotent: generating a report
again replaces it (one row per month or period)."""

from datetime import date

from celery import shared_task
from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.utils import timezone

from opendata.report import Kind, generate_report
from recruitment.models import SelectionPeriod

REPORT_TASK = {
    "acks_late": True,
    "serializer": "json",
    "soft_time_limit": 5 * 60,
    "time_limit": 6 * 60,
}


@shared_task(**REPORT_TASK)
def generate_monthly_report() -> int:
    """Beat, on the 1st of each month: the report of the month before. Returns its id."""
    previous = timezone.localdate().replace(day=1) - relativedelta(months=1)
    return generate_report(Kind.MONTH, month=previous).pk


@shared_task(**REPORT_TASK)
def generate_requested_report(
    kind: str, month: str | None = None, period_id: int | None = None, user_id: int | None = None
) -> int:
    """A report HR asked for: the month as an ISO date, the period and the user by id."""
    period = SelectionPeriod.objects.get(pk=period_id) if period_id else None
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return generate_report(
        kind, month=date.fromisoformat(month) if month else None, period=period, user=user
    ).pk
