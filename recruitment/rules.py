"""Selection calendar rules that several stages share (DOMAIN.md 1.5): when the appeal window of
a period opens and closes, and until when the committee answers. All days are calendar days in
WIB (the portal's time zone, Asia/Jakarta), so a window ends at midnight WIB whatever the
server's clock zone."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone

from recruitment.models import Announcement, SelectionPeriod


def _wib_midnight(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def _wib_date(moment: datetime):
    """The calendar day in WIB. Explicit, because `localdate` alone follows the time zone
    activated for the request, which may be another one."""
    return timezone.localdate(moment, timezone.get_default_timezone())


@dataclass(frozen=True)
class AppealWindow:
    """[opens, closes) for appeals; answers are due before `answers_due`."""

    announced_at: datetime
    opens: datetime
    closes: datetime
    answers_due: datetime

    def is_open(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.opens <= now < self.closes

    def answering_open(self, now: datetime | None = None) -> bool:
        """The committee answers appeals and re-checks MS files from the opening until the
        answer deadline."""
        now = now or timezone.now()
        return self.opens <= now < self.answers_due

    @property
    def last_day(self):
        """The last calendar day (WIB) on which an appeal can be sent, for display."""
        return _wib_date(self.closes - timedelta(microseconds=1))

    @property
    def last_answer_day(self):
        return _wib_date(self.answers_due - timedelta(microseconds=1))


def appeal_window_from(period: SelectionPeriod, announced_at: datetime) -> AppealWindow:
    """The window starts on the calendar day (WIB) after the announcement is published and lasts
    `appeal_days` days; the answers are due `appeal_answer_days` days after it closes.

    DOMAIN.md 1.5's 2023 example shows the announcement for several days (13-16 October) and
    the sanggah from the day after it ends (17-19 October). The portal publishes an
    announcement at one moment and counts from that day: published on 16 October, appeals run
    17 to 19 October with 3 days (published on 13 October, they would run 14 to 16 October)."""
    announced_day = _wib_date(announced_at)
    opens = _wib_midnight(announced_day + timedelta(days=1))
    closes = _wib_midnight(announced_day + timedelta(days=1 + period.appeal_days))
    answers_due = closes + timedelta(days=period.appeal_answer_days)
    return AppealWindow(announced_at, opens, closes, _wib_midnight(_wib_date(answers_due)))


def appeal_window(period: SelectionPeriod) -> AppealWindow | None:
    """The period's appeal window, once the administrative result is announced."""
    announcement = (
        Announcement.objects.filter(period=period, kind=Announcement.Kind.ADMIN)
        .only("published_at")
        .first()
    )
    if announcement is None:
        return None
    return appeal_window_from(period, announcement.published_at)
