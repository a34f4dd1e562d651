"""The daily reminder job, called directly: what is due for whom, exactly once per (recipient,
kind, object, due date, days before), batched queries, and the user's own pending list."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from performance.models import CoachingFollowUp, ReminderDelivery
from performance.selectors.reminders import reminders_pending_for
from performance.services.reminders import reminders_send
from performance.tasks import send_due_reminders
from tests.factories import UserFactory
from tests.performance.factories import (
    agreed_skp,
    checkpoint,
    cycle,
    employee_for,
    final_review,
    team,
)

pytestmark = pytest.mark.django_db
Kind = ReminderDelivery.Kind

# Quarterly 2026, reviews due 10 days after the period: Q1 is due on 10 April.
Q1_DUE = dt.date(2026, 4, 10)


@pytest.fixture
def head(db):
    """The supervisor's own supervisor, who hears of overdue reviews after M days."""
    return UserFactory(roles=[Role.EMPLOYEE, Role.SUPERVISOR])


def _team_with_skps(supervisor, head, size):
    the_cycle = cycle(2026)
    boss, members = team(supervisor, size)
    boss.supervisor = getattr(head, "employee", None) or employee_for(head)
    boss.save(update_fields=["supervisor"])
    for member in members:
        agreed_skp(member, the_cycle, by=supervisor)
    return the_cycle, members


def _sent(kind=None):
    rows = ReminderDelivery.objects.all()
    return rows.filter(kind=kind) if kind else rows


def test_it_reminds_the_supervisor_of_reviews_due_in_7_and_1_days(supervisor, head):
    _cycle, members = _team_with_skps(supervisor, head, 3)
    run = reminders_send(today=Q1_DUE - dt.timedelta(days=7))
    q1 = _sent(Kind.REVIEW_DUE).filter(due_date=Q1_DUE)
    assert q1.count() == 3 and run.emails == 1  # one e-mail listing the three
    assert set(q1.values_list("recipient", flat=True)) == {supervisor.pk}
    assert mail.outbox[0].to == [supervisor.email]
    assert members[0].full_name in mail.outbox[0].body
    reminders_send(today=Q1_DUE - dt.timedelta(days=3))  # not an offset: nothing
    assert _sent().count() == 3
    reminders_send(today=Q1_DUE - dt.timedelta(days=1))
    assert q1.filter(offset_days=1).count() == 3 and len(mail.outbox) == 2


def test_it_sends_each_reminder_once_however_often_it_runs(supervisor, head):
    _team_with_skps(supervisor, head, 4)
    today = Q1_DUE - dt.timedelta(days=7)
    first = reminders_send(today=today)
    second = reminders_send(today=today)
    send_due_reminders.delay(today.isoformat())  # through Celery (in-process without a broker)
    assert first.claimed == 4 and second.found == 4
    assert second.claimed == 0 and second.emails == 0
    assert len(mail.outbox) == 1
    assert _sent().count() == 4


def test_it_sends_once_in_small_batches_too(supervisor, head):
    _team_with_skps(supervisor, head, 5)
    today = Q1_DUE - dt.timedelta(days=1)
    assert reminders_send(today=today, batch_size=2).claimed == 5
    assert reminders_send(today=today, batch_size=2).claimed == 0
    assert _sent().count() == 5


def test_it_reports_overdue_reviews_and_escalates_after_m_days(supervisor, head):
    the_cycle, _members = _team_with_skps(supervisor, head, 2)
    reminders_send(today=Q1_DUE + dt.timedelta(days=1))
    assert _sent(Kind.REVIEW_OVERDUE).count() == 2
    assert not _sent(Kind.REVIEW_ESCALATED).exists()
    reminders_send(today=Q1_DUE + dt.timedelta(days=the_cycle.escalation_after_days))
    escalated = _sent(Kind.REVIEW_ESCALATED)
    assert set(escalated.values_list("recipient", flat=True)) == {head.pk}
    assert escalated.count() == 2
    assert _sent(Kind.REVIEW_OVERDUE).count() == 2  # the supervisor is not told again


def test_it_stops_reminding_once_the_review_is_final(supervisor, head):
    the_cycle, members = _team_with_skps(supervisor, head, 2)
    final_review(members[0].skps.get(), checkpoint(the_cycle), by=supervisor)
    reminders_send(today=Q1_DUE - dt.timedelta(days=7))
    assert _sent(Kind.REVIEW_DUE).filter(due_date=Q1_DUE).count() == 1


def test_it_reminds_employees_and_supervisors_of_skps_to_agree(supervisor, head):
    the_cycle = cycle(2026)
    _boss, members = team(supervisor, 2)
    agreed_skp(members[0], the_cycle, by=supervisor)
    reminders_send(today=the_cycle.skp_due_date - dt.timedelta(days=7))
    rows = _sent(Kind.SKP_DUE)
    assert set(rows.values_list("recipient", flat=True)) == {members[1].user_id, supervisor.pk}


def test_it_reminds_of_pending_acknowledgements_and_coaching_follow_ups(supervisor, head):
    the_cycle, (member,) = _team_with_skps(supervisor, head, 1)
    review = final_review(member.skps.get(), checkpoint(the_cycle), by=supervisor, hasil="below")
    reminders_send(today=review.objection_deadline - dt.timedelta(days=1))
    assert _sent(Kind.ACK_PENDING).get().recipient_id == member.user_id
    follow_up = CoachingFollowUp.objects.order_by("due_date").first()
    reminders_send(today=follow_up.due_date - dt.timedelta(days=7))
    recipients = set(_sent(Kind.COACHING_FOLLOWUP).values_list("recipient", flat=True))
    assert recipients == {member.user_id, supervisor.pk}


def test_it_skips_people_without_an_account(supervisor, head):
    the_cycle = cycle(2026)
    _boss, _members = team(supervisor, 2, with_users=False)
    reminders_send(today=the_cycle.skp_due_date - dt.timedelta(days=1))
    assert set(_sent().values_list("recipient", flat=True)) == {supervisor.pk}


@pytest.mark.parametrize("today", [Q1_DUE - dt.timedelta(days=7), Q1_DUE + dt.timedelta(days=8)])
def test_it_batches_its_queries_whatever_the_team_size(page_cache_off, supervisor, head, today):
    """The query count is the same for 3 and 15 employees (finders, then 2 per batch)."""
    counts = []
    for size in (3, 12):
        _team_with_skps(supervisor, head, size)
        ReminderDelivery.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            run = reminders_send(today=today)
        assert run.claimed > 0
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_it_lists_a_users_pending_reminders_for_their_page(supervisor, head):
    _the_cycle, members = _team_with_skps(supervisor, head, 2)
    today = Q1_DUE - dt.timedelta(days=3)  # not an offset day: the page still shows it
    mine = reminders_pending_for(supervisor, today)
    assert {(r.kind, r.due_date) for r in mine} == {(Kind.REVIEW_DUE, Q1_DUE)}
    assert len(mine) == 2
    assert reminders_pending_for(members[0].user, today) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_sends_once_when_two_runs_race(supervisor, head):
    """Two threads (two connections) run the job at the same moment: each reminder once."""
    _team_with_skps(supervisor, head, 6)
    today = Q1_DUE - dt.timedelta(days=7)
    barrier = threading.Barrier(2)
    results = []

    def run():
        barrier.wait()
        try:
            results.append(reminders_send(today=today, batch_size=2))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sum(r.claimed for r in results) == 6
    assert _sent().count() == 6
    sent_keys = [line for m in mail.outbox for line in m.body.splitlines() if "/review/" in line]
    assert len(sent_keys) == len(set(sent_keys)) == 6
