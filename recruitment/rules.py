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
        return timezone.localdate(self.closes - timedelta(microseconds=1))

    @property
    def last_answer_day(self):
        return timezone.localdate(self.answers_due - timedelta(microseconds=1))


def appeal_window_from(period: SelectionPeriod, announced_at: datetime) -> AppealWindow:
    """The window starts on the calendar day after the announcement and lasts `appeal_days`
    days (DOMAIN.md 1.5: announced 13 October, appeals 14 to 16 October with 3 days); the
    answers are due `appeal_answer_days` days after the window closes."""
    announced_day = timezone.localdate(announced_at)
    opens = _wib_midnight(announced_day + timedelta(days=1))
    closes = _wib_midnight(announced_day + timedelta(days=1 + period.appeal_days))
    answers_due = closes + timedelta(days=period.appeal_answer_days)
    return AppealWindow(announced_at, opens, closes, _wib_midnight(timezone.localdate(answers_due)))


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
