"""An employee's training sessions as calendar events (core.calendar): the sessions they are
enrolled in (not those only requested, waitlisted, rejected or cancelled), one all-day event per
meeting day when the session has meetings, else one event over the session's days."""

from collections.abc import Callable

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from core.calendar import CalendarEvent
from training.models import Enrolment, Meeting
from workforce.models import Employee


def enrolled(employee: Employee):
    """The employee's enrolments that hold a seat, with their sessions and meetings: 2 queries."""
    return (
        employee.training_enrolments.filter(status=Enrolment.Status.ENROLLED)
        .select_related("session__programme")
        .prefetch_related(
            Prefetch("session__meetings", queryset=Meeting.objects.order_by("number"))
        )
        .order_by("session__starts_on", "pk")
    )


def training_events(employee: Employee, *, absolute: Callable[[str], str]) -> list[CalendarEvent]:
    events = []
    for enrolment in enrolled(employee):
        session = enrolment.session
        programme = session.programme
        title = session.name
        page = absolute(enrolment.get_absolute_url())
        lines = [
            _("Programme: %(programme)s") % {"programme": programme.name},
            _("Trainer: %(trainer)s") % {"trainer": session.trainer},
            _("Study hours: %(jp)s JP") % {"jp": programme.jp},
        ]
        if session.online_url:
            lines.append(_("Online: %(url)s") % {"url": session.online_url})
        lines.append(_("Your enrolment: %(url)s") % {"url": page})
        location = session.place or session.online_url
        meetings = list(session.meetings.all())
        key = f"training-session-{session.pk}-employee-{employee.pk}"
        if not meetings:
            events.append(
                CalendarEvent(
                    key=key,
                    summary=title,
                    start=session.starts_on,
                    end=session.ends_on,
                    description="\n".join(lines),
                    location=location,
                    url=page,
                )
            )
        for meeting in meetings:
            summary = _("%(title)s, meeting %(number)s") % {
                "title": title,
                "number": meeting.number,
            }
            topic = [_("Topic: %(topic)s") % {"topic": meeting.topic}] if meeting.topic else []
            events.append(
                CalendarEvent(
                    key=f"{key}-meeting-{meeting.number}",
                    summary=summary,
                    start=meeting.date,
                    description="\n".join(topic + lines),
                    location=location,
                    url=page,
                )
            )
    return events
