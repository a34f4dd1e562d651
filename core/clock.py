"""Moments in WIB, the portal's time zone (TIME_ZONE = "Asia/Jakarta"): a deadline typed or
seeded as 23:59 is 23:59 WIB, stored as the same instant (16:59 UTC), never 23:59 UTC."""

from datetime import date, datetime, time

from django.utils import timezone


def wib(day: date, hour: int = 0, minute: int = 0) -> datetime:
    """`day` at hour:minute WIB, as an aware datetime."""
    moment = datetime.combine(day, time(hour, minute))
    return timezone.make_aware(moment, timezone.get_default_timezone())


def end_of_minute(moment: datetime) -> datetime:
    """The last instant of `moment`'s minute. A deadline is a minute on the clock, as people
    read it: "closes 23:59 WIB" still accepts at 23:59:59 and refuses at 00:00:00, and it is
    shown as 23:59."""
    return moment.replace(second=59, microsecond=999999)
