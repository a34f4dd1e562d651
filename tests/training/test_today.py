"""Training on the Today page: the supervisor's enrolment requests to approve (per session, with
the count and since when the oldest waits), HR's waiting lists; a fixed number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import today as today_registry
from tests.factories import UserFactory
from tests.training.factories import SessionFactory, employee_with_user, enrolment
from training.models import Enrolment
from training.selectors.today import (
    TODAY_LIMIT,
    today_requests_to_approve,
    today_waiting_lists,
)
from workforce.models import Employee

pytestmark = pytest.mark.django_db
Status = Enrolment.Status


def _request(session, employee, *, days_ago=0):
    requested = enrolment(session, employee, status=Status.REQUESTED)
    at = timezone.now() - timedelta(days=days_ago)
    Enrolment.objects.filter(pk=requested.pk).update(created_at=at)
    return at


def test_it_lists_the_requests_of_the_team_per_session(boss, supervisor):
    session, other = SessionFactory(), SessionFactory()
    oldest = _request(session, employee_with_user(supervisor=boss), days_ago=3)
    _request(session, employee_with_user(supervisor=boss), days_ago=1)
    _request(other, employee_with_user(supervisor=boss))
    _request(session, employee_with_user())  # someone else's team
    on_leave = employee_with_user(supervisor=boss, status=Employee.Status.ON_LEAVE)
    _request(other, on_leave)  # not in the team (workforce.selectors.teams)
    first, second = today_requests_to_approve(supervisor)
    assert (first.label, first.count, first.waiting_since) == (str(session), 2, oldest)
    assert first.url == reverse("training:team_requests")
    assert "2 requests to approve" in first.detail
    assert (second.label, second.count) == (str(other), 1)


def test_decided_requests_leave_the_list(boss, supervisor):
    session = SessionFactory()
    _request(session, employee_with_user(supervisor=boss))
    Enrolment.objects.update(status=Status.ENROLLED)
    assert today_requests_to_approve(supervisor) == []


def test_the_supervisor_sees_the_section_on_today(client_as, boss, supervisor):
    session = SessionFactory()
    _request(session, employee_with_user(supervisor=boss))
    text = client_as(supervisor).get(reverse("accounts:today")).content.decode()
    assert "Enrolment requests to approve" in text
    assert str(session) in text


def test_it_is_registered_for_supervisors_and_hr_only():
    keys = {section.key: section.roles for section in today_registry.sections()}
    assert keys["training-requests"] == ("supervisor",)
    assert keys["training-waiting-lists"] == ("hr",)


def test_hr_sees_upcoming_sessions_with_a_waiting_list():
    full = SessionFactory(capacity=1)
    enrolment(full, employee_with_user())
    enrolment(full, employee_with_user(), status=Status.WAITLISTED)
    SessionFactory()  # nobody waiting
    [task] = today_waiting_lists(UserFactory(roles=["hr"]))
    assert (task.label, task.count) == (str(full), 1)


def _queries(provider, user):
    with CaptureQueriesContext(connection) as queries:
        provider(user)
    return len(queries)


@pytest.mark.parametrize("provider", [today_requests_to_approve, today_waiting_lists])
def test_the_sections_run_the_same_queries_at_two_sizes(boss, supervisor, provider):
    def add(count):
        for _ in range(count):
            session = SessionFactory(capacity=1)
            enrolment(session, employee_with_user())
            enrolment(session, employee_with_user(), status=Status.WAITLISTED)
            _request(session, employee_with_user(supervisor=boss))

    add(1)
    small = _queries(provider, supervisor)
    add(TODAY_LIMIT + 3)
    assert _queries(provider, supervisor) == small
    tasks = provider(supervisor)
    assert len(tasks) == TODAY_LIMIT + 1  # the last one says there is more


def _enrolled_employee(n_sessions: int, *, jp_done: int):
    """An employee (PNS) with a user, seats in n upcoming sessions and `jp_done` JP passed
    this year."""
    from datetime import timedelta

    from django.utils import timezone

    from tests.training.factories import ProgrammeFactory

    employee = employee_with_user()
    today = timezone.localdate()
    for n in range(n_sessions):
        start = today + timedelta(days=10 + n)
        session = SessionFactory(starts_on=start, ends_on=start)
        enrolment(session, employee)
    if jp_done:
        done_on = today.replace(month=1, day=1)
        passed = SessionFactory(
            programme=ProgrammeFactory(jp=jp_done),
            starts_on=done_on,
            ends_on=done_on,
            enrolment_opens_on=done_on - timedelta(days=10),
            enrolment_closes_on=done_on,
        )
        enrolment(passed, employee, result=Enrolment.Result.PASSED)
    return employee


def test_an_employee_sees_their_seats_and_the_jp_still_missing():
    from training.selectors.ledger import DEFAULT_PNS_MIN_JP
    from training.selectors.today import today_my_training

    employee = _enrolled_employee(2, jp_done=DEFAULT_PNS_MIN_JP - 3)
    tasks = today_my_training(employee.user)
    assert len(tasks) == 3
    assert tasks[-1].label.startswith("3 ")
    assert tasks[-1].count is None  # hours are one task, not three


def test_no_jp_task_once_the_minimum_is_reached():
    from training.selectors.ledger import DEFAULT_PNS_MIN_JP
    from training.selectors.today import today_my_training

    employee = _enrolled_employee(0, jp_done=DEFAULT_PNS_MIN_JP)
    assert today_my_training(employee.user) == []


def test_my_training_reads_as_much_with_more_sessions(django_assert_num_queries):
    from training.selectors.today import today_my_training

    small = _enrolled_employee(1, jp_done=2)
    large = _enrolled_employee(6, jp_done=2)
    with django_assert_num_queries(4):
        today_my_training(small.user)
    with django_assert_num_queries(4):
        today_my_training(large.user)
