"""Open data's demo: last month's leadership report, so that HR finds one at /data/reports/
(the datasets need no demo of their own: they read the other apps' demo data)."""

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from opendata.models import LeadershipReport
from opendata.report import generate_report


def seed(users) -> LeadershipReport:
    last_month = timezone.localdate().replace(day=1) - relativedelta(months=1)
    return generate_report(LeadershipReport.Kind.MONTH, month=last_month, user=users["hr"])
