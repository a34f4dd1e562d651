"""HR plans the catalogue in the portal: programmes and their sessions (create and edit).

A session's meetings follow its dates: one a day, made when the session is created and remade
when its dates change, as long as no attendance has been taken. Edits that would break what
has already happened (fewer seats than people enrolled, new dates after attendance) are refused
with a message that says what to do instead.
"""

from datetime import timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from training.models import Attendance, Enrolment, Meeting, Programme, Session
from training.services.enrolments import TrainingError

PROGRAMME_FIELDS = (
    "name",
    "kind",
    "mode",
    "jp",
    "provider",
    "competencies",
    "description",
    "min_attendance_percent",
    "pass_score",
    "is_active",
)
SESSION_FIELDS = (
    "title",
    "starts_on",
    "ends_on",
    "place",
    "online_url",
    "trainer",
    "capacity",
    "enrolment_opens_on",
    "enrolment_closes_on",
)
# One meeting a day; a longer course (Latsar runs for weeks) gets its meetings in the admin.
MAX_DAILY_MEETINGS = 31


@transaction.atomic
def programme_save(
    *, programme: Programme | None = None, data: dict, target_sectors=(), user
) -> Programme:
    """Create a programme (`programme` None) or change one, from the form's cleaned data."""
    programme = programme or Programme()
    for name in PROGRAMME_FIELDS:
        if name in data:
            setattr(programme, name, data[name])
    programme.full_clean()
    programme.save()
    programme.target_sectors.set(target_sectors)
    return programme


@transaction.atomic
def session_save(*, session: Session | None = None, programme: Programme, data: dict, user):
    """Create a session of `programme` (`session` None) or change one; keeps its meetings in
    step with its dates."""
    creating = session is None
    if creating:
        session = Session(programme=programme)
    else:
        session = Session.objects.select_for_update().select_related("programme").get(pk=session.pk)
    old_dates = (session.starts_on, session.ends_on)
    for name in SESSION_FIELDS:
        if name in data:
            setattr(session, name, data[name])
    if not creating:
        _check_edit(session, dates_changed=old_dates != (session.starts_on, session.ends_on))
    session.full_clean()
    session.save()
    if creating or old_dates != (session.starts_on, session.ends_on):
        _daily_meetings(session)
    return session


def _check_edit(session: Session, *, dates_changed: bool) -> None:
    enrolled = session.enrolments.filter(status=Enrolment.Status.ENROLLED).count()
    if session.capacity < enrolled:
        raise TrainingError(
            _(
                "%(count)s people are already enrolled, so the capacity cannot be less than "
                "%(count)s. Cancel places first, or keep the capacity at %(count)s or more."
            )
            % {"count": enrolled}
        )
    if dates_changed and Attendance.objects.filter(meeting__session=session).exists():
        raise TrainingError(
            _(
                "Attendance has already been taken in this session, so its dates can no longer "
                "change. Plan a new session instead."
            )
        )


def _daily_meetings(session: Session) -> None:
    days = (session.ends_on - session.starts_on).days + 1
    session.meetings.all().delete()
    Meeting.objects.bulk_create(
        Meeting(session=session, number=n + 1, date=session.starts_on + timedelta(days=n))
        for n in range(min(days, MAX_DAILY_MEETINGS))
    )
