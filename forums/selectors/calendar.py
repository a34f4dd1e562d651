"""A resident's discussion sessions as calendar events (core.calendar): those they registered
for, past and coming (importing the file again updates them by their UID)."""

from collections.abc import Callable
from datetime import timedelta

from django.utils.translation import gettext as _

from core.calendar import CalendarEvent
from forums.models import DiscussionSession

# The agenda in the event's description is cut here: a calendar app shows a few lines.
AGENDA_CHARS = 600


def registered_sessions(user):
    return (
        DiscussionSession.objects.filter(registrations__user=user)
        .select_related("sector", "kelurahan")
        .order_by("starts_at", "pk")
    )


def session_events(user, *, absolute: Callable[[str], str]) -> list[CalendarEvent]:
    events = []
    for session in registered_sessions(user):
        page = absolute(session.get_absolute_url())
        agenda = session.agenda.strip()
        if len(agenda) > AGENDA_CHARS:
            agenda = agenda[:AGENDA_CHARS].rsplit(" ", 1)[0] + " …"
        lines = [_("Agenda:"), agenda] if agenda else []
        if session.online_url:
            lines.append(_("Online: %(url)s") % {"url": session.online_url})
        lines.append(_("Details: %(url)s") % {"url": page})
        events.append(
            CalendarEvent(
                key=f"forums-session-{session.pk}-user-{user.pk}",
                summary=session.title,
                start=session.starts_at,
                description="\n".join(lines),
                location=session.place or session.online_url,
                url=page,
                alarm=timedelta(days=1),
            )
        )
    return events
