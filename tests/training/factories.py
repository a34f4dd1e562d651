"""Factories of the training app (the shared ones are in tests/factories.py)."""

from datetime import timedelta

import factory
from django.utils import timezone

from tests.factories import EmployeeFactory, UserFactory
from training.models import Enrolment, Meeting, Programme, Session


def today():
    return timezone.localdate()


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Pelatihan {n}")
    kind = Programme.Kind.TECHNICAL
    mode = Programme.Mode.CLASSICAL
    jp = 8
    provider = "BPSDM Kalteng"
    competencies = "komunikasi"


class SessionFactory(factory.django.DjangoModelFactory):
    """Open for enrolment now; starts in 10 days, two days long."""

    class Meta:
        model = Session

    programme = factory.SubFactory(ProgrammeFactory)
    starts_on = factory.LazyFunction(lambda: today() + timedelta(days=10))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + timedelta(days=1))
    place = "Aula Puskesmas Rakumpit"
    trainer = "Widyaiswara"
    capacity = 10
    enrolment_opens_on = factory.LazyFunction(lambda: today() - timedelta(days=5))
    enrolment_closes_on = factory.LazyAttribute(lambda o: o.starts_on)


def past_session(*, days_ago: int = 0, **kwargs) -> Session:
    """A two-day session ending `days_ago` days ago (default: today), with its two meetings.
    Enrolment stays open until its last day."""
    end = today() - timedelta(days=days_ago)
    start = end - timedelta(days=1)
    session = SessionFactory(
        starts_on=start,
        ends_on=end,
        enrolment_opens_on=start - timedelta(days=10),
        enrolment_closes_on=end,
        **kwargs,
    )
    for number, day in enumerate((start, end), start=1):
        Meeting.objects.create(session=session, number=number, date=day)
    return session


def employee_with_user(user=None, **kwargs):
    """An employee linked to a user account (a new one unless given)."""
    return EmployeeFactory(user=user or UserFactory(roles=["employee"]), **kwargs)


def enrolment(session, employee, *, status=Enrolment.Status.ENROLLED, by=None, **kwargs):
    return Enrolment.objects.create(
        session=session,
        employee=employee,
        status=status,
        is_latsar=session.programme.is_latsar,
        requested_by=by or employee.user or UserFactory(),
        **kwargs,
    )
