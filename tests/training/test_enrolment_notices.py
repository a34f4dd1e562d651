"""Training requests and decisions reach the people they concern: the supervisor hears of a
request, the employee of the decision (in their inbox and by their channels), once each."""

import pytest

from notifications.models import Notification
from tests.training.factories import SessionFactory
from training.models import Enrolment
from training.notices import notify_enrolment
from training.services.enrolments import (
    enrolment_cancel,
    enrolment_decide,
    enrolment_enrol,
    enrolment_request,
)

pytestmark = pytest.mark.django_db
Status = Enrolment.Status


def _inbox(user):
    return list(Notification.objects.filter(recipient=user).order_by("pk"))


def test_the_supervisor_hears_of_a_request_and_the_employee_of_the_decision(
    me, employee, supervisor, django_capture_on_commit_callbacks, mailoutbox
):
    session = SessionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        request = enrolment_request(session=session, employee=me, user=employee)
    [asked] = _inbox(supervisor)
    assert me.full_name in asked.subject
    assert asked.url == "/training/team/"
    assert asked.category == "training"
    assert [m.to for m in mailoutbox] == [[supervisor.email]]
    assert _inbox(employee) == []

    with django_capture_on_commit_callbacks(execute=True):
        enrolment_decide(enrolment=request, user=supervisor, approve=True)
    [told] = _inbox(employee)
    assert str(session.programme) in told.subject
    assert told.url == f"/training/enrolments/{request.pk}/"
    assert len(_inbox(supervisor)) == 1

    # The task running again (a retry, a second publication) tells nobody twice.
    assert notify_enrolment(request.pk) is False
    assert len(_inbox(employee)) == 1
    assert len(mailoutbox) == 2


def test_a_rejection_says_so_in_the_employees_language(
    me, employee, supervisor, django_capture_on_commit_callbacks
):
    employee.preferred_language = "en"
    employee.save(update_fields=["preferred_language"])
    with django_capture_on_commit_callbacks(execute=True):
        request = enrolment_request(session=SessionFactory(), employee=me, user=employee)
        enrolment_decide(enrolment=request, user=supervisor, approve=False)
    [told] = _inbox(employee)
    assert "was not approved" in told.subject


def test_the_first_on_the_waiting_list_hears_that_a_seat_freed(
    me, employee, supervisor, hr, django_capture_on_commit_callbacks
):
    from tests.factories import EmployeeFactory

    session = SessionFactory(capacity=1)
    taken = enrolment_enrol(session=session, employee=EmployeeFactory(), user=hr)
    with django_capture_on_commit_callbacks(execute=True):
        request = enrolment_request(session=session, employee=me, user=employee)
        enrolment_decide(enrolment=request, user=supervisor, approve=True)
    assert [n.key for n in _inbox(employee)] == [f"enrolment:{request.pk}:waitlisted"]
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_cancel(enrolment=taken, user=hr)
    assert [n.key for n in _inbox(employee)] == [
        f"enrolment:{request.pk}:waitlisted",
        f"enrolment:{request.pk}:enrolled",
    ]


def test_a_direct_enrolment_by_hr_sends_no_request_notice(
    me, hr, supervisor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_enrol(session=SessionFactory(), employee=me, user=hr)
    assert _inbox(supervisor) == []
