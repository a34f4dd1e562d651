"""Calendar files (.ics, RFC 5545) that people add to the calendar app of their phone: an
applicant's deadlines and exam session, an employee's training sessions, a resident's discussion
sessions. Each app says which events; this module writes them.

Times are written in UTC (16:59Z is 23:59 WIB) so that every calendar app places them right
whatever zone it runs in; the calendar names Asia/Jakarta for the apps that show it. A day without
a time (a training day) is an all-day event. Every event has a stable UID, so importing the file
again updates the events instead of adding copies."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone

from django.http import HttpResponse
from django.utils import timezone
from icalendar import Alarm, Calendar, Event

PRODID = "-//Kecamatan Rakumpit//Portal ASN Rakumpit//ID"
UID_DOMAIN = "portal-asn.rakumpit.go.id"
CONTENT_TYPE = "text/calendar; charset=utf-8"


@dataclass(frozen=True)
class CalendarEvent:
    """One event. `key` makes the UID: unique and stable for what the event is (e.g.
    "application-12-registration-closes"), never for when it is. `start` and `end` are aware
    datetimes, or dates for all-day events (`end` then the last day, inclusive). `alarm`: how
    long before the start the calendar app reminds the person."""

    key: str
    summary: str
    start: datetime | date
    end: datetime | date | None = None
    description: str = ""
    location: str = ""
    url: str = ""
    alarm: timedelta | None = None

    @property
    def uid(self) -> str:
        return f"{self.key}@{UID_DOMAIN}"


def _moment(value: datetime | date) -> datetime | date:
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            raise ValueError("calendar times must be aware")
        return value.astimezone(dt_timezone.utc)
    return value


def calendar_bytes(events, *, name: str, now: datetime | None = None) -> bytes:
    """The .ics file of `events` (CalendarEvent), named `name` in the calendar app."""
    stamp = (now or timezone.now()).astimezone(dt_timezone.utc).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Jakarta")
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("summary", item.summary)
        event.add("dtstart", _moment(item.start))
        if item.end is not None:
            end = item.end
            if not isinstance(end, datetime):
                end = end + timedelta(days=1)  # DTEND of an all-day event is exclusive
            event.add("dtend", _moment(end))
        elif not isinstance(item.start, datetime):
            event.add("dtend", item.start + timedelta(days=1))
        if item.description:
            event.add("description", item.description)
        if item.location:
            event.add("location", item.location)
        if item.url:
            event.add("url", item.url)
        if item.alarm is not None:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", item.summary)
            alarm.add("trigger", -item.alarm)
            event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()


def calendar_response(events, *, name: str, filename: str) -> HttpResponse:
    """The file as a download the phone opens with its calendar app. It is personal: no cache
    may keep it."""
    response = HttpResponse(calendar_bytes(events, name=name), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
