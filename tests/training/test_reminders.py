"""The JP reminder task: only when the year is running out, once per (person, year, kind)."""

from datetime import date, datetime
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from core.models import OutboxMessage
from core.outbox import deliver_pending
from tests.factories import EmployeeFactory, UserFactory
from tests.training.factories import employee_with_user
from training.models import JpReminder, TrainingYearRule
from training.tasks import send_jp_reminders
from workforce.models import AsnType

pytestmark = pytest.mark.django_db


def _on(day: date):
    moment = timezone.make_aware(datetime(day.year, day.month, day.day, 9, 0))
    return mock.patch("django.utils.timezone.now", return_value=moment)


@pytest.fixture
def team(supervisor):
    boss = employee_with_user(supervisor)
    short = employee_with_user(supervisor=boss)
    return boss, short


def test_it_reminds_the_short_employee_and_the_supervisor_once(team, supervisor):
    _boss, short = team
    year = timezone.localdate().year
    with _on(date(year, 12, 1)):
        first = send_jp_reminders()
        second = send_jp_reminders()
    # The supervisor (a PNS employee too, with 0 JP) is reminded as an employee and as a boss.
    assert first == 3
    assert second == 0
    assert len(mail.outbox) == 3
    assert {m.to[0] for m in mail.outbox} == {short.user.email, supervisor.email}
    assert JpReminder.objects.filter(recipient=supervisor, kind="supervisor").count() == 1
    # The supervisor's team e-mail (in the supervisor's language) names the short employee.
    assert any(m.to[0] == supervisor.email and short.full_name in m.body for m in mail.outbox)


def test_it_waits_until_the_reminder_window(team):
    year = timezone.localdate().year
    with _on(date(year, 11, 1)):  # 60 days before 31 December is 1 November: not yet
        assert send_jp_reminders() == 0
    with _on(date(year, 11, 2)):
        assert send_jp_reminders() > 0


def test_it_uses_the_year_rule_window(team):
    year = timezone.localdate().year
    TrainingYearRule.objects.create(year=year, reminder_days=10)
    with _on(date(year, 12, 1)):
        assert send_jp_reminders() == 0
    with _on(date(year, 12, 22)):
        assert send_jp_reminders() > 0


def test_it_leaves_out_pppk_inactive_and_accountless_staff():
    year = timezone.localdate().year
    EmployeeFactory(user=UserFactory(), asn_type=AsnType.PPPK, nip="199005172015212001")
    EmployeeFactory(user=UserFactory(), status="retired")
    EmployeeFactory()  # no account
    with _on(date(year, 12, 15)):
        assert send_jp_reminders() == 0
    assert mail.outbox == []


def test_it_sends_again_next_year(team):
    year = timezone.localdate().year
    with _on(date(year, 12, 20)):
        assert send_jp_reminders() == 3
    with _on(date(year + 1, 12, 20)):
        assert send_jp_reminders() == 3
    assert JpReminder.objects.count() == 6


def test_a_refused_send_keeps_the_claim_and_the_outbox_sends_later(team):
    year = timezone.localdate().year
    with (
        _on(date(year, 12, 20)),
        mock.patch(
            "django.core.mail.backends.locmem.EmailBackend.send_messages",
            side_effect=ConnectionError,
        ),
    ):
        assert send_jp_reminders.run() == 3  # claimed and queued
        assert send_jp_reminders.run() == 0  # a retry queues nothing twice
    assert JpReminder.objects.count() == 3
    assert mail.outbox == []
    assert list(OutboxMessage.objects.values_list("state", "attempts")) == [("pending", 1)] * 3
    OutboxMessage.objects.update(available_at=timezone.now())
    assert deliver_pending().sent == 3
    assert len(mail.outbox) == 3
