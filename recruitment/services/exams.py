"""Exam sessions of a period and the assignment of participants to them (docs/domain.md 1.6: the
card appears only once the committee publishes the participant schedule)."""

from datetime import date, time

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from recruitment.models import (
    AdminResult,
    Announcement,
    Application,
    ApplicationEvent,
    ExamSession,
    Milestone,
    SelectionPeriod,
)
from recruitment.tasks import SESSION_CHANGED, event_notify, milestone_notify

SESSION_FIELDS = ("name", "location", "address", "date", "starts_at", "ends_at", "capacity")
# What a participant must be told about when it changes.
PARTICIPANT_FIELDS = ("location", "address", "date", "starts_at", "ends_at")


class ExamError(Exception):
    pass


@transaction.atomic
def exam_session_create(*, period: SelectionPeriod, **fields) -> ExamSession:
    session = ExamSession(period=period, **{key: fields[key] for key in SESSION_FIELDS})
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def exam_session_update(*, session: ExamSession, actor=None, now=None, **fields) -> ExamSession:
    """Change a session. When its place, date or times change while participants are assigned,
    each participant's timeline records what changed and each is e-mailed (the first schedule
    e-mail is sent once per application, so this one does not go through that claim)."""
    now = now or timezone.now()
    session = ExamSession.objects.select_for_update().get(pk=session.pk)
    old = {key: getattr(session, key) for key in PARTICIPANT_FIELDS}
    for key in SESSION_FIELDS:
        setattr(session, key, fields[key])
    # Locks the participants too, so that nobody is assigned or moved while we write.
    participants = list(
        Application.objects.select_for_update()
        .filter(exam_session=session)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if session.capacity < len(participants):
        raise ExamError(
            _("%(count)s participants are already assigned: the capacity cannot be lower.")
            % {"count": len(participants)}
        )
    session.full_clean()
    session.save()
    changes = [
        f"{ExamSession._meta.get_field(key).verbose_name}: {_shown(old[key])} -> "
        f"{_shown(getattr(session, key))}"
        for key in PARTICIPANT_FIELDS
        if _shown(old[key]) != _shown(getattr(session, key))
    ]
    if participants and changes:
        note = f"{SESSION_CHANGED} {'; '.join(changes)}"
        events = ApplicationEvent.objects.bulk_create(
            [
                ApplicationEvent(
                    application_id=pk,
                    status=Milestone.EXAM_SCHEDULED,
                    note=note,
                    actor=actor,
                    at=now,
                )
                for pk in participants
            ],
            batch_size=1000,
        )
        event_notify([event.pk for event in events])
    return session


def _shown(value) -> str:
    """A session value as the participants read it (dates d-m-Y, times H:M WIB)."""
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value or "")


@transaction.atomic
def exam_session_delete(*, session: ExamSession) -> None:
    session = ExamSession.objects.select_for_update().get(pk=session.pk)
    if session.participants.exists():
        raise ExamError(
            _("Participants are assigned to this session: it cannot be deleted any more.")
        )
    session.delete()


@transaction.atomic
def exam_sessions_assign(*, period: SelectionPeriod, actor, now=None, notify: bool = True) -> int:
    """Assign every MS application without a session, in registration-number order, to the
    sessions with free places (by date and time). All or nothing: refused when places are
    short. Returns how many were assigned."""
    now = now or timezone.now()
    if not Announcement.objects.filter(period=period, kind=Announcement.Kind.POST_APPEAL).exists():
        raise ExamError(
            _(
                "Publish the administrative result after appeals first: it decides who takes the "
                "exam."
            )
        )
    sessions = list(
        ExamSession.objects.select_for_update()
        .filter(period=period)
        .order_by("date", "starts_at", "name")
    )
    taken = dict(
        Application.objects.filter(exam_session__in=sessions)
        .order_by()
        .values("exam_session")
        .annotate(n=Count("pk"))
        .values_list("exam_session", "n")
    )
    waiting = list(
        Application.objects.select_for_update()
        .filter(
            period=period,
            status=Application.Status.SUBMITTED,
            announced_result=AdminResult.MS,
            exam_session__isnull=True,
        )
        .order_by("registration_number")
        .values_list("pk", flat=True)
    )
    free = sum(max(session.capacity - taken.get(session.pk, 0), 0) for session in sessions)
    if len(waiting) > free:
        raise ExamError(
            _(
                "%(waiting)s participants need a session but only %(free)s places are free. "
                "Add sessions or raise their capacity."
            )
            % {"waiting": len(waiting), "free": free}
        )
    start = 0
    events = []
    for session in sessions:
        places = max(session.capacity - taken.get(session.pk, 0), 0)
        chunk = waiting[start : start + places]
        if not chunk:
            continue
        Application.objects.filter(pk__in=chunk).update(exam_session=session)
        events.extend(
            ApplicationEvent(
                application_id=pk,
                status=Milestone.EXAM_SCHEDULED,
                note=str(session),
                actor=actor,
                at=now,
            )
            for pk in chunk
        )
        start += len(chunk)
    ApplicationEvent.objects.bulk_create(events, batch_size=1000)
    if notify:  # False only for the demo data of past stages
        milestone_notify(waiting, Milestone.EXAM_SCHEDULED)
    return len(waiting)
