"""The performance sections of the Today page and the tasks on the employee's own page: what
they list, for whom, and a query count that does not grow with the data."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.roles import Role
from performance.models import Review
from performance.selectors import today as tasks
from performance.services import reviews as services
from performance.services.skps import skp_save
from tests.factories import UserFactory
from tests.performance.factories import (
    INDICATORS,
    agreed_skp,
    checkpoint,
    cycle,
    employee_for,
    final_review,
    team,
)
from workforce.models import Employee

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 10, 20)  # Q1-Q3 2026 ended; Q3's reviews were due on 10 October


@pytest.fixture
def the_cycle():
    return cycle(2026)


def _count(func, *args, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        result = func(*args, **kwargs)
    return result, len(queries)


def test_it_lists_the_teams_reviews_to_write_with_their_due_dates(the_cycle, supervisor):
    _boss, (alice, bob) = team(supervisor, 2)
    Employee.objects.filter(pk=alice.pk).update(full_name="Alice")
    Employee.objects.filter(pk=bob.pk).update(full_name="Bob")
    alice_skp = agreed_skp(alice, the_cycle, by=supervisor)
    agreed_skp(bob, the_cycle, by=supervisor)
    for number in (1, 2):
        final_review(alice_skp, checkpoint(the_cycle, number), by=supervisor)
    # a draft still counts as to write
    services.review_save(
        skp=alice_skp,
        checkpoint=checkpoint(the_cycle, 3),
        data=services.ReviewInput(feedback="half done"),
        user=supervisor,
    )
    with translation.override("en"):
        found = tasks.today_reviews_to_write(supervisor, today=DAY)
    labels = [(t.label, t.detail) for t in found]
    assert labels == [
        ("Review of Bob", "Period 1, 2026"),
        ("Review of Bob", "Period 2, 2026"),
        ("Review of Alice", "Period 3, 2026"),
        ("Review of Bob", "Period 3, 2026"),
    ]
    q3 = checkpoint(the_cycle, 3)
    assert found[2].url == reverse("performance:review_edit", args=[alice_skp.pk, q3.pk])
    assert timezone.localtime(found[2].due).date() == q3.due_date
    assert found[2].overdue  # Q3 was due on 10 October
    # Q4 has not ended on DAY: nothing to write for it yet.
    assert all("Period 4" not in t.detail for t in found)


def test_it_leaves_out_people_outside_the_team(the_cycle, supervisor):
    _boss, (active, on_leave) = team(supervisor, 2)
    for member in (active, on_leave):
        agreed_skp(member, the_cycle, by=supervisor)
    Employee.objects.filter(pk=on_leave.pk).update(status=Employee.Status.ON_LEAVE)
    other = UserFactory(roles=[Role.EMPLOYEE, Role.SUPERVISOR])
    _b, (stranger,) = team(other, 1)
    agreed_skp(stranger, the_cycle, by=other)
    found = tasks.reviews_to_write(supervisor, DAY)
    assert {row["skp"]["name"] for row in found} == {active.full_name}


def test_it_keeps_the_reviews_to_write_query_count_at_two_sizes(the_cycle, supervisor):
    counts = []
    for size in (2, 14):
        _boss, members = team(supervisor, size)
        for member in members:
            skp = agreed_skp(member, the_cycle, by=supervisor)
            final_review(skp, checkpoint(the_cycle, 1), by=supervisor)
        found, queries = _count(tasks.today_reviews_to_write, supervisor, today=DAY)
        counts.append(queries)
    assert len(found) == (2 + 14) * 2  # Q2 and Q3 of everyone, one line each
    assert counts[0] == counts[1] <= 3, counts


@pytest.fixture
def objections(the_cycle, supervisor):
    """The supervisor's own boss (`head`) resolves objections against the supervisor's reviews."""
    head = UserFactory(roles=[Role.EMPLOYEE, Role.SUPERVISOR])
    boss = supervisor.employee if hasattr(supervisor, "employee") else employee_for(supervisor)
    boss.supervisor = employee_for(head)
    boss.save(update_fields=["supervisor"])

    def grow(size):
        _b, members = team(supervisor, size)
        for member in members:
            skp = agreed_skp(member, the_cycle, by=supervisor)
            review = final_review(skp, checkpoint(the_cycle), by=supervisor)
            services.objection_file(review=review, reasons="Bukti saya.", user=member.user)

    return head, grow


def test_it_lists_objections_for_the_next_supervisor_and_hr_with_a_deadline(
    objections, supervisor, hr
):
    head, grow = objections
    grow(1)
    with translation.override("en"):
        (task,) = tasks.today_objections_to_resolve(head)
    review = Review.objects.get(status=Review.Status.OBJECTED)
    assert task.url == reverse("performance:objection_resolve", args=[review.pk])
    assert task.label == f"Objection of {review.skp.employee.full_name}"
    days = review.checkpoint.cycle.objection_resolution_days
    filed = timezone.localdate(review.objection.filed_at)
    assert timezone.localtime(task.due).date() == filed + dt.timedelta(days=days)
    assert task.waiting_since == review.objection.filed_at
    assert len(tasks.today_objections_to_resolve(hr)) == 1
    # the evaluator does not resolve objections to their own reviews
    assert tasks.today_objections_to_resolve(supervisor) == []


def test_it_keeps_the_objections_query_count_at_two_sizes(objections, hr):
    head, grow = objections
    for user in (head, hr):
        tasks.today_objections_to_resolve(user)  # the user's roles are read once and kept
    counts = []
    for size in (2, 12):
        grow(size)
        for user in (head, hr):
            found, queries = _count(tasks.today_objections_to_resolve, user)
            counts.append(queries)
    assert len(found) == 14 and all(t.count is None for t in found)
    assert counts == [1, 1, 1, 1], counts


def test_it_lists_the_employees_review_to_confirm_and_skp_to_agree(the_cycle, supervisor):
    _boss, (member,) = team(supervisor, 1)
    skp = agreed_skp(member, the_cycle, by=supervisor)
    review = final_review(skp, checkpoint(the_cycle, 2), by=supervisor)
    skp_save(employee=member, cycle=cycle(2027), indicators=INDICATORS, user=supervisor)
    with translation.override("en"):
        (confirm,) = tasks.today_reviews_to_confirm(member.user)
        (agree,) = tasks.today_skps_to_agree(member.user)
    assert confirm.label == "Confirm your review: Period 2, 2026"
    assert confirm.url == review.get_absolute_url()
    assert timezone.localtime(confirm.due).date() == review.objection_deadline
    assert agree.label == "Read and agree to your SKP 2027"
    services.review_acknowledge(review=review, user=member.user)
    assert tasks.today_reviews_to_confirm(member.user) == []
    # nobody else's
    assert tasks.today_reviews_to_confirm(supervisor) == []


def test_it_keeps_the_employee_tasks_query_count_at_two_sizes(the_cycle, supervisor):
    _boss, (member,) = team(supervisor, 1)
    skp = agreed_skp(member, the_cycle, by=supervisor)
    counts = []
    for numbers in ((1,), (2, 3, 4)):
        for number in numbers:
            final_review(skp, checkpoint(the_cycle, number), by=supervisor)
        for provider in (tasks.today_reviews_to_confirm, tasks.today_skps_to_agree):
            _found, queries = _count(provider, member.user)
            counts.append(queries)
    assert counts == [1, 1, 1, 1], counts


def test_the_employees_page_shows_the_review_waiting_for_confirmation(
    client_as, the_cycle, supervisor
):
    _boss, (member,) = team(supervisor, 1)
    skp = agreed_skp(member, the_cycle, by=supervisor)
    review = final_review(skp, checkpoint(the_cycle, 2), by=supervisor)
    html = client_as(member.user).get(reverse("performance:mine")).content.decode()
    assert "Nothing is due for you." not in html
    assert "Confirm your review: Period 2, 2026" in html
    assert f'href="{review.get_absolute_url()}"' in html
    services.review_acknowledge(review=review, user=member.user)
    html = client_as(member.user).get(reverse("performance:mine")).content.decode()
    assert "Confirm your review" not in html


def test_the_today_page_shows_the_performance_sections(client_as, the_cycle, supervisor):
    _boss, (member,) = team(supervisor, 1)
    skp = agreed_skp(member, the_cycle, by=supervisor)
    final_review(skp, checkpoint(the_cycle, 2), by=supervisor)
    html = client_as(member.user).get(reverse("accounts:today")).content.decode()
    assert 'data-section="performance-confirm"' in html
    section = html[html.index('data-section="performance-confirm"') :]
    assert "Confirm your review: Period 2, 2026" in section[:3000], section[:3000]
    html = client_as(supervisor).get(reverse("accounts:today")).content.decode()
    assert 'data-section="performance-reviews"' in html
    assert 'data-section="performance-objections"' in html
