"""Enrolment rules: the window, capacity and the waiting list, overlaps, double booking,
Latsar's one attempt, the supervisor's decision and cancellation."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from tests.factories import EmployeeFactory
from tests.training.factories import (
    ProgrammeFactory,
    SessionFactory,
    employee_with_user,
    enrolment,
    today,
)
from training.models import Enrolment, Programme, TrainingYearRule
from training.services.enrolments import (
    TrainingError,
    enrolment_cancel,
    enrolment_decide,
    enrolment_enrol,
    enrolment_request,
)
from training.services.rules import training_year_rule_ensure
from workforce.services.reference import reference_data_ensure

pytestmark = pytest.mark.django_db
Status = Enrolment.Status


def test_it_sends_a_request_that_holds_no_seat_until_approved(me, employee):
    session = SessionFactory(capacity=1)
    request = enrolment_request(session=session, employee=me, user=employee)
    assert request.status == Status.REQUESTED
    other = enrolment_enrol(session=session, employee=EmployeeFactory(), user=employee)
    assert other.status == Status.ENROLLED  # the request did not take the only seat


def test_it_puts_an_approved_request_on_the_waiting_list_when_full(me, employee, supervisor, hr):
    session = SessionFactory(capacity=1)
    enrolment_enrol(session=session, employee=EmployeeFactory(), user=hr)
    request = enrolment_request(session=session, employee=me, user=employee)
    decided = enrolment_decide(enrolment=request, user=supervisor, approve=True)
    assert decided.status == Status.WAITLISTED
    assert decided.decided_by == supervisor


def test_it_approves_into_a_free_seat_and_refuses_a_second_decision(me, employee, supervisor):
    request = enrolment_request(session=SessionFactory(), employee=me, user=employee)
    assert enrolment_decide(enrolment=request, user=supervisor, approve=True).status == (
        Status.ENROLLED
    )
    with pytest.raises(TrainingError, match="already been decided"):
        enrolment_decide(enrolment=request, user=supervisor, approve=False)


def test_it_rejects_a_request(me, employee, supervisor):
    request = enrolment_request(session=SessionFactory(), employee=me, user=employee)
    assert enrolment_decide(enrolment=request, user=supervisor, approve=False).status == (
        Status.REJECTED
    )


def test_it_refuses_a_request_without_a_supervisor_account(employee):
    alone = employee_with_user(employee)
    with pytest.raises(TrainingError, match="no supervisor"):
        enrolment_request(session=SessionFactory(), employee=alone, user=employee)


def test_it_waitlists_or_refuses_over_capacity(hr):
    session = SessionFactory(capacity=2)
    for _i in range(2):
        enrolment_enrol(session=session, employee=EmployeeFactory(), user=hr)
    third = enrolment_enrol(session=session, employee=EmployeeFactory(), user=hr)
    assert third.status == Status.WAITLISTED
    with pytest.raises(TrainingError, match="full"):
        enrolment_enrol(session=session, employee=EmployeeFactory(), user=hr, waitlist=False)


def test_it_moves_the_first_on_the_waiting_list_up_on_cancellation(hr):
    session = SessionFactory(capacity=1)
    seated = enrolment_enrol(session=session, employee=EmployeeFactory(), user=hr)
    first = enrolment_enrol(session=session, employee=EmployeeFactory(), user=hr)
    second = enrolment_enrol(session=session, employee=EmployeeFactory(), user=hr)
    promoted = enrolment_cancel(enrolment=seated, user=hr)
    assert promoted.pk == first.pk
    first.refresh_from_db()
    second.refresh_from_db()
    seated.refresh_from_db()
    assert (seated.status, first.status, second.status) == (
        Status.CANCELLED,
        Status.ENROLLED,
        Status.WAITLISTED,
    )


def test_it_promotes_nobody_when_a_waiting_person_cancels(hr):
    session = SessionFactory(capacity=1)
    enrolment_enrol(session=session, employee=EmployeeFactory(), user=hr)
    waiting = enrolment_enrol(session=session, employee=EmployeeFactory(), user=hr)
    assert enrolment_cancel(enrolment=waiting, user=hr) is None


def test_it_refuses_to_cancel_once_the_session_started(hr):
    session = SessionFactory(
        starts_on=today(),
        ends_on=today() + timedelta(days=1),
        enrolment_opens_on=today() - timedelta(days=3),
        enrolment_closes_on=today(),
    )
    place = enrolment_enrol(session=session, employee=EmployeeFactory(), user=hr)
    with pytest.raises(TrainingError, match="started"):
        enrolment_cancel(enrolment=place, user=hr)


def test_it_refuses_to_cancel_twice(hr):
    place = enrolment_enrol(session=SessionFactory(), employee=EmployeeFactory(), user=hr)
    enrolment_cancel(enrolment=place, user=hr)
    with pytest.raises(TrainingError, match="nothing to cancel: this enrolment is already cancel"):
        enrolment_cancel(enrolment=place, user=hr)


@pytest.mark.parametrize(
    ("opens", "closes", "message"),
    [(1, 5, "opens on"), (-10, -1, "closed on")],
    ids=["before-the-window", "after-the-window"],
)
def test_it_refuses_enrolment_outside_the_window(hr, opens, closes, message):
    session = SessionFactory(
        enrolment_opens_on=today() + timedelta(days=opens),
        enrolment_closes_on=today() + timedelta(days=closes),
    )
    with pytest.raises(TrainingError, match=message):
        enrolment_enrol(session=session, employee=EmployeeFactory(), user=hr)


@pytest.mark.parametrize("offset", [0, 10], ids=["opening-day", "closing-day"])
def test_it_accepts_enrolment_on_the_edges_of_the_window(hr, offset):
    session = SessionFactory(
        enrolment_opens_on=today() - timedelta(days=10 - offset),
        enrolment_closes_on=today() + timedelta(days=offset),
    )
    if offset == 0:
        session.enrolment_opens_on = today()
        session.save()
    place = enrolment_enrol(session=session, employee=EmployeeFactory(), user=hr)
    assert place.status == Status.ENROLLED


def test_it_refuses_double_booking_of_the_same_session(hr):
    person = EmployeeFactory()
    session = SessionFactory()
    enrolment_enrol(session=session, employee=person, user=hr)
    with pytest.raises(TrainingError) as refused:
        enrolment_enrol(session=session, employee=person, user=hr)
    assert str(refused.value) == f"{person.full_name} is already enrolled in {session}."


def test_it_tells_employees_they_are_already_enrolled(me, boss):
    session = SessionFactory()
    enrolment_request(session=session, employee=me, user=me.user)
    with pytest.raises(TrainingError) as refused:
        enrolment_request(session=session, employee=me, user=me.user)
    assert str(refused.value) == f"You are already enrolled in {session}."


def test_it_names_the_overlapping_session_to_the_employee(me, boss):
    first = SessionFactory()
    enrolment_request(session=first, employee=me, user=me.user)
    second = SessionFactory(starts_on=first.ends_on, ends_on=first.ends_on)
    with pytest.raises(TrainingError) as refused:
        enrolment_request(session=second, employee=me, user=me.user)
    assert str(refused.value) == f"You already have a place in {first}, which overlaps {second}."


def test_it_allows_enrolling_again_after_a_cancellation(hr):
    person = EmployeeFactory()
    session = SessionFactory()
    enrolment_cancel(enrolment=enrolment_enrol(session=session, employee=person, user=hr), user=hr)
    assert enrolment_enrol(session=session, employee=person, user=hr).status == Status.ENROLLED


@pytest.mark.parametrize(
    ("start", "end", "overlaps"),
    [(11, 12, True), (9, 10, True), (8, 9, False), (12, 13, False)],
    ids=["inside", "touching-first-day", "just-before", "just-after"],
)
def test_it_refuses_overlapping_sessions(hr, start, end, overlaps):
    person = EmployeeFactory()
    enrolment_enrol(session=SessionFactory(), employee=person, user=hr)  # days 10-11
    other = SessionFactory(
        starts_on=today() + timedelta(days=start),
        ends_on=today() + timedelta(days=end),
        enrolment_closes_on=today() + timedelta(days=start),
    )
    if overlaps:
        with pytest.raises(TrainingError, match="which overlaps"):
            enrolment_enrol(session=other, employee=person, user=hr)
    else:
        assert enrolment_enrol(session=other, employee=person, user=hr).status == Status.ENROLLED


def test_it_refuses_inactive_employees(hr):
    person = EmployeeFactory(status="on_leave")
    with pytest.raises(TrainingError, match="active employees"):
        enrolment_enrol(session=SessionFactory(), employee=person, user=hr)


def test_it_allows_latsar_once_only(hr):
    latsar = ProgrammeFactory(kind=Programme.Kind.LATSAR)
    person = EmployeeFactory()
    first = enrolment_enrol(session=SessionFactory(programme=latsar), employee=person, user=hr)
    assert first.is_latsar
    later = SessionFactory(
        programme=latsar,
        starts_on=today() + timedelta(days=40),
        ends_on=today() + timedelta(days=41),
    )
    with pytest.raises(TrainingError, match="one attempt only"):
        enrolment_enrol(session=later, employee=person, user=hr)


def test_it_counts_a_failed_latsar_as_the_attempt(hr):
    latsar = ProgrammeFactory(kind=Programme.Kind.LATSAR)
    person = EmployeeFactory()
    failed = enrolment(SessionFactory(programme=latsar), person, by=hr, result="not_passed")
    assert failed.result == "not_passed"
    later = SessionFactory(
        programme=latsar, starts_on=today() + timedelta(days=40), ends_on=today() + timedelta(41)
    )
    with pytest.raises(TrainingError, match="one attempt only"):
        enrolment_enrol(session=later, employee=person, user=hr)


def test_it_lets_a_cancelled_latsar_place_be_taken_again(hr):
    latsar = ProgrammeFactory(kind=Programme.Kind.LATSAR)
    person = EmployeeFactory()
    place = enrolment_enrol(session=SessionFactory(programme=latsar), employee=person, user=hr)
    enrolment_cancel(enrolment=place, user=hr)
    later = SessionFactory(
        programme=latsar, starts_on=today() + timedelta(days=40), ends_on=today() + timedelta(41)
    )
    assert enrolment_enrol(session=later, employee=person, user=hr).status == Status.ENROLLED


def test_it_holds_latsar_once_in_the_database(hr):
    """The unique index holds even when the service's check is bypassed (a race)."""
    latsar = ProgrammeFactory(kind=Programme.Kind.LATSAR)
    person = EmployeeFactory()
    enrolment(SessionFactory(programme=latsar), person, by=hr)
    later = SessionFactory(
        programme=latsar, starts_on=today() + timedelta(days=40), ends_on=today() + timedelta(41)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        enrolment(later, person, by=hr)


def test_it_refuses_jp_of_zero_or_less():
    programme = ProgrammeFactory.build(jp=0)
    with pytest.raises(ValidationError) as error:
        programme.full_clean()
    assert "jp" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeFactory(jp=0)


def test_it_creates_the_year_rule_with_the_domain_defaults():
    rule = training_year_rule_ensure(year=2027)
    assert (rule.pns_min_jp, rule.pppk_max_jp, rule.reminder_days) == (20, 24, 60)
    rule.pns_min_jp = 0
    with pytest.raises(ValidationError):
        rule.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingYearRule.objects.filter(pk=rule.pk).update(pns_min_jp=0)


@pytest.fixture
def reference_data(transactional_db):
    """Transactional tests flush the database, reference data included: put it back."""
    reference_data_ensure()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_gives_the_last_seat_to_one_of_two_concurrent_approvals(
    reference_data, supervisor, employee
):
    boss = employee_with_user(supervisor)
    session = SessionFactory(capacity=1)
    requests = [
        enrolment(session, employee_with_user(supervisor=boss), status=Status.REQUESTED)
        for _i in range(2)
    ]
    barrier = threading.Barrier(2)
    errors = []

    def approve(request):
        try:
            barrier.wait()
            enrolment_decide(enrolment=request, user=supervisor, approve=True)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(r,)) for r in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    statuses = sorted(Enrolment.objects.filter(session=session).values_list("status", flat=True))
    assert statuses == [Status.ENROLLED, Status.WAITLISTED]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_allows_one_of_two_concurrent_latsar_enrolments(reference_data, hr):
    latsar = ProgrammeFactory(kind=Programme.Kind.LATSAR)
    person = EmployeeFactory()
    sessions = [
        SessionFactory(programme=latsar),
        SessionFactory(
            programme=latsar,
            starts_on=today() + timedelta(days=40),
            ends_on=today() + timedelta(days=41),
        ),
    ]
    barrier = threading.Barrier(2)
    outcomes = []

    def enrol(session):
        try:
            barrier.wait()
            enrolment_enrol(session=session, employee=person, user=hr)
            outcomes.append("ok")
        except TrainingError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=enrol, args=(s,)) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert Enrolment.objects.filter(employee=person, is_latsar=True).count() == 1
