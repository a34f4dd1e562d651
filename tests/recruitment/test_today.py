"""Recruitment's part of the Today page: what waits for HR and verifiers, counted per formation
and period, with the deadlines computed here by hand (docs/domain.md 1.5), and a page whose
query count does not grow with the data."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from recruitment.models import Appeal, PeriodAssignment, ScoreImport
from recruitment.selectors import today
from tests.factories import FormationFactory, SelectionPeriodFactory, UserFactory
from tests.recruitment.factories_screening import announce, assign, submitted_application

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")


def _screened(application, *, confirmed=False):
    application.admin_result = "MS"
    application.screened_at = timezone.now()
    if confirmed:
        application.confirmed_at = timezone.now()
    application.save(update_fields=["admin_result", "screened_at", "confirmed_at"])
    return application


@pytest.fixture
def verifier(db):
    return UserFactory(roles=[Role.VERIFIER], is_staff=True)


def test_it_counts_the_unscreened_applications_of_each_formation(hr):
    period = SelectionPeriodFactory(admin_announcement_at=timezone.now() + timedelta(days=4))
    first, second, done = (FormationFactory(period=period) for _ in range(3))
    for _ in range(3):
        submitted_application(first)
    _screened(submitted_application(first))
    submitted_application(second)
    _screened(submitted_application(done))

    tasks = today.today_screening(hr)

    by_url = {task.url: task for task in tasks}
    queue = reverse("recruitment:screening_queue", args=[first.pk]) + "?state=unscreened"
    assert by_url[queue].count == 3
    assert by_url[queue].due == period.admin_announcement_at
    assert first.position.name in by_url[queue].label
    assert len(tasks) == 2  # the formation screened to the last application asks nothing


def test_the_earliest_announcement_comes_first_then_the_most_waiting(hr):
    now = timezone.now()
    undated = SelectionPeriodFactory(admin_announcement_at=None)
    later = SelectionPeriodFactory(admin_announcement_at=now + timedelta(days=9))
    sooner = SelectionPeriodFactory(admin_announcement_at=now + timedelta(days=2))
    waiting = [
        (undated, 5),  # no date: after every dated period, however many wait
        (later, 1),
        (sooner, 1),
        (sooner, 3),
        (later, 2),
        (sooner, 1),  # a tie with the third: the older formation first
    ]
    formations = []
    for period, count in waiting:
        formation = FormationFactory(period=period)
        for _ in range(count):
            submitted_application(formation)
        formations.append(formation)

    tasks = today.today_screening(hr)

    order = [formations[i] for i in (3, 2, 5, 4, 1, 0)]
    assert [(task.url, task.count) for task in tasks] == [
        (reverse("recruitment:screening_queue", args=[f.pk]) + "?state=unscreened", n)
        for f, n in zip(order, (3, 1, 1, 2, 1, 5), strict=True)
    ]


def test_a_verifier_sees_only_the_periods_assigned_to_them(verifier):
    mine, other = SelectionPeriodFactory(), SelectionPeriodFactory()
    mine_formation = FormationFactory(period=mine)
    submitted_application(mine_formation)
    submitted_application(FormationFactory(period=other))
    assign(mine, verifier)

    tasks = today.today_screening(verifier)

    assert [task.count for task in tasks] == [1]
    assert str(mine_formation.pk) in tasks[0].url


def test_a_second_checker_gets_second_checks_not_screening(verifier):
    period = SelectionPeriodFactory(second_check_required=True)
    formation = FormationFactory(period=period)
    submitted_application(formation)  # not screened yet
    _screened(submitted_application(formation))
    _screened(submitted_application(formation))
    _screened(submitted_application(formation), confirmed=True)
    assign(period, verifier, PeriodAssignment.Duty.CONFIRMER)

    assert today.today_screening(verifier) == []
    [task] = today.today_second_checks(verifier)
    assert task.count == 2
    assert task.url.endswith("?state=awaiting")


def test_a_period_without_a_second_check_asks_for_none(hr):
    formation = FormationFactory(period=SelectionPeriodFactory(second_check_required=False))
    _screened(submitted_application(formation))
    assert today.today_second_checks(hr) == []


def test_screening_stops_asking_once_the_result_is_announced(hr):
    formation = FormationFactory()
    submitted_application(formation)
    assert len(today.today_screening(hr)) == 1
    announce(formation.period)
    assert today.today_screening(hr) == []


def test_someone_without_a_screening_role_gets_nothing():
    formation = FormationFactory()
    submitted_application(formation)
    assert today.today_screening(UserFactory(roles=[Role.EMPLOYEE])) == []


def test_appeals_are_due_the_answer_days_after_the_window_closes(hr):
    # Announced 16 Oct 2026 10:00 WIB; 3 appeal days (17, 18, 19 Oct); answers within 7 days of
    # the window's close (20 Oct 00:00 WIB): due before 27 Oct 2026 00:00 WIB, shown as the
    # last minute of 26 Oct, as the appeal list says it.
    period = SelectionPeriodFactory(appeal_days=3, appeal_answer_days=7)
    formation = FormationFactory(period=period)
    announce(period, at=datetime(2026, 10, 16, 10, 0, tzinfo=WIB))
    sent = datetime(2026, 10, 17, 9, 0, tzinfo=WIB)
    for _ in range(2):
        Appeal.objects.create(
            application=submitted_application(formation), reason="x", submitted_at=sent
        )
    Appeal.objects.create(
        application=submitted_application(formation),
        reason="x",
        status=Appeal.Status.REJECTED,
    )

    [task] = today.today_appeals(hr)

    assert task.count == 2
    assert task.due == datetime(2026, 10, 26, 23, 59, tzinfo=WIB)
    assert task.waiting_since == sent
    assert task.url == reverse("recruitment:hr_appeal_list", args=[period.pk])


def test_only_checked_unapplied_recent_score_files_wait(hr):
    period = SelectionPeriodFactory()
    now = timezone.now()

    def upload(name, *, days_ago=0, applied=False, errors=(), kind="skd"):
        item = ScoreImport.objects.create(
            period=period,
            kind=kind,
            file_name=name,
            rows=[{"row": 2}],
            errors=list(errors),
            applied_at=now if applied else None,
        )
        ScoreImport.objects.filter(pk=item.pk).update(uploaded_at=now - timedelta(days=days_ago))
        return item

    waiting = upload("waiting.xlsx", kind="skb")
    upload("broken.xlsx", errors=[{"row": 3, "message": "x"}])
    upload("old.xlsx", days_ago=today.IMPORT_STALE_DAYS + 1)
    upload("replaced.xlsx", days_ago=2)
    upload("applied-later.xlsx", days_ago=1, applied=True)

    tasks = today.today_score_imports(hr)

    assert [task.url for task in tasks] == [
        reverse("recruitment:scores_import_detail", args=[waiting.pk])
    ]


def _data(n: int):
    period = SelectionPeriodFactory(second_check_required=True)
    announce_period = SelectionPeriodFactory()
    announce(announce_period, at=timezone.now() - timedelta(days=1))
    for _ in range(n):
        formation = FormationFactory(period=period)
        for _ in range(n):
            submitted_application(formation, with_documents=False)
            _screened(submitted_application(formation, with_documents=False))
        appealed = submitted_application(
            FormationFactory(period=announce_period), with_documents=False
        )
        Appeal.objects.create(application=appealed, reason="x")


def test_the_page_makes_as_many_queries_with_ten_times_the_data(client_as, hr):
    client = client_as(hr)
    url = reverse("accounts:today")
    _data(1)
    client.get(url)  # warm the session and the role caches
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _data(6)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]


def test_the_today_page_links_hr_to_the_queue(client_as, hr):
    formation = FormationFactory()
    for _ in range(2):
        submitted_application(formation)
    response = client_as(hr).get(reverse("accounts:today"))
    body = response.content.decode()
    queue = reverse("recruitment:screening_queue", args=[formation.pk])
    assert f'href="{queue}?state=unscreened"' in body
    assert '<span class="today-count">2</span> applications to screen for' in body


def test_the_screening_page_offers_the_next_application_to_screen(client_as, hr):
    from datetime import timedelta as days

    formation = FormationFactory()
    first, second, third = (submitted_application(formation) for _ in range(3))
    for offset, application in enumerate((first, second, third)):
        application.submitted_at = timezone.now() - days(hours=10 - offset)
        application.save(update_fields=["submitted_at"])
    _screened(second)
    client = client_as(hr)

    def next_link(application):
        body = client.get(
            reverse("recruitment:screening_application", args=[application.pk]),
            HTTP_ACCEPT_LANGUAGE="en",
        ).content.decode()
        found = re.search(r'href="(/recruitment/screening/applications/\d+/)">Next to screen', body)
        return found.group(1) if found else None

    url = lambda a: reverse("recruitment:screening_application", args=[a.pk])  # noqa: E731
    assert next_link(first) == url(third)  # the screened one in between is skipped
    assert next_link(third) == url(first)  # none after: back to the first still waiting
    _screened(first)
    assert next_link(third) is None
