"""An applicant's deadlines and exam session as calendar events (core.calendar), from what has
been announced to them and the period's published timeline: nothing the committee has not
published shows through (the exam session only once the exam card can be printed)."""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.calendar import CalendarEvent
from recruitment.models import AdminResult, Announcement, Appeal, Application
from recruitment.rules import period_announcements, window_of
from recruitment.selectors.announcements import exam_card_problem

Kind = Announcement.Kind
DAY_BEFORE = timedelta(days=1)


def _wib(moment: datetime) -> str:
    local = timezone.localtime(moment, timezone.get_default_timezone())
    return formats.date_format(local, "j F Y H:i") + " WIB"


def _exam_times(session) -> tuple[datetime, datetime]:
    zone = timezone.get_default_timezone()  # the session's times are WIB
    return (
        timezone.make_aware(datetime.combine(session.date, session.starts_at), zone),
        timezone.make_aware(datetime.combine(session.date, session.ends_at), zone),
    )


def application_events(
    application: Application, *, absolute: Callable[[str], str]
) -> list[CalendarEvent]:
    """The events of the applicant's own calendar for `application` (its period and formation
    loaded). `absolute` turns a path into the address the portal is served at."""
    if application.status == Application.Status.WITHDRAWN:
        return []
    period = application.period
    page = absolute(application.get_absolute_url())
    key = f"recruitment-application-{application.pk}"
    what = _("%(position)s, %(period)s") % {
        "position": application.formation.position.name,
        "period": period.name,
    }
    see = _("Your application: %(url)s") % {"url": page}

    def event(name, summary, start, **kwargs):
        return CalendarEvent(
            key=f"{key}-{name}",
            summary=f"{summary} · {period.name}",
            start=start,
            url=page,
            **kwargs,
        )

    if application.status == Application.Status.DRAFT:
        return [
            event(
                "registration-closes",
                _("Registration closes"),
                period.registration_closes_at,
                description="\n".join(
                    [
                        _(
                            "Finalise your application before %(deadline)s: a draft is not "
                            "registered."
                        )
                        % {"deadline": _wib(period.registration_closes_at)},
                        what,
                        see,
                    ]
                ),
                alarm=DAY_BEFORE,
            )
        ]
    announcements = period_announcements(period.pk)
    events = []
    admin = announcements.get(Kind.ADMIN)
    if admin or period.admin_announcement_at:
        events.append(
            event(
                "admin-result",
                _("Administrative result announced")
                if admin
                else _("Administrative result (planned)"),
                admin.published_at if admin else period.admin_announcement_at,
                description="\n".join([what, see]),
            )
        )
    window = window_of(period, announcements)
    if window is not None and application.announced_result == AdminResult.TMS:
        appeal = Appeal.objects.filter(application=application).only("status").first()
        if appeal is None:
            events.append(
                event(
                    "appeal-window",
                    _("Appeal (sanggah) window"),
                    window.opens,
                    end=window.closes,
                    description="\n".join(
                        [
                            _(
                                "Your result is TMS. You may send one appeal (sanggah) until "
                                "%(deadline)s, from your application page."
                            )
                            % {"deadline": _wib(window.closes - timedelta(minutes=1))},
                            what,
                            see,
                        ]
                    ),
                    alarm=DAY_BEFORE,
                )
            )
        elif appeal.status == Appeal.Status.PENDING:
            events.append(
                event(
                    "appeal-answer",
                    _("Answer to your appeal due"),
                    window.last_answer_day,
                    description="\n".join([what, see]),
                )
            )
    if not exam_card_problem(application, announcements=announcements):
        session = application.exam_session
        starts, ends = _exam_times(session)
        events.append(
            event(
                "exam",
                _("Exam: %(session)s") % {"session": session.name},
                starts,
                end=ends,
                location=", ".join(part for part in (session.location, session.address) if part),
                description="\n".join(
                    [
                        _("Bring your exam card and your KTP."),
                        what,
                        see,
                    ]
                ),
                alarm=DAY_BEFORE,
            )
        )
    elif period.exam_starts_on and Kind.POST_APPEAL not in announcements:
        events.append(
            event(
                "exams",
                _("Exams (planned)"),
                period.exam_starts_on,
                end=period.exam_ends_on or period.exam_starts_on,
                description="\n".join(
                    [_("Your exam session is announced before the exams."), what, see]
                ),
            )
        )
    final = announcements.get(Kind.FINAL)
    if final or period.final_announcement_at:
        events.append(
            event(
                "final-result",
                _("Final result announced") if final else _("Final result (planned)"),
                final.published_at if final else period.final_announcement_at,
                description="\n".join([what, see]),
            )
        )
    return events
