"""Official answers and status through the pages, the accountability page, sessions, the
selectors other apps call, and the demo data."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from forums.models import Comment, DiscussionSession, Topic
from forums.selectors.accountability import accountability_by_sector
from forums.selectors.staffing import open_expectations_by_sector, open_expectations_by_unit
from forums.selectors.topics import topics_for_ids
from tests.forums.factories import TopicFactory

pytestmark = pytest.mark.django_db


def test_it_lets_hr_answer_and_move_the_status(client_as, topic, hr, resident):
    answer = reverse("forums:answer_create", args=[topic.pk])
    assert client_as(resident).post(answer, {"answer-body": "x"}).status_code == 403
    client = client_as(hr)
    client.post(answer, {"answer-body": "Jawaban resmi"})
    assert Comment.objects.get(topic=topic).is_official
    response = client.post(
        reverse("forums:status_change", args=[topic.pk]),
        {
            "status-to_status": "acted_upon",
            "status-action_kind": "vacancy",
            "status-action_description": "Formasi dibuka",
            "status-action_url": "/recruitment/",
            "status-action_date": "2026-03-01",
        },
    )
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.status == "acted_upon"
    page = client_as(resident).get(topic.get_absolute_url()).content.decode()
    assert "Formasi dibuka" in page and 'href="/recruitment/"' in page


def test_it_refuses_an_outside_link_for_what_was_done(client_as, topic, hr):
    response = client_as(hr).post(
        reverse("forums:status_change", args=[topic.pk]),
        {
            "status-to_status": "acted_upon",
            "status-action_kind": "other",
            "status-action_description": "x",
            "status-action_url": "//evil.example/",
            "status-action_date": "2026-03-01",
        },
    )
    assert response.status_code == 400
    topic.refresh_from_db()
    assert topic.status == "received"


def test_it_computes_the_median_time_to_first_answer_per_sector():
    now = timezone.now()
    for days in (2, 4, 10):
        TopicFactory(
            created_at=now - timedelta(days=30), first_answer_at=now - timedelta(days=30 - days)
        )
    TopicFactory()  # unanswered
    (health,) = accountability_by_sector()
    assert health.total == 4 and health.answered == 3
    assert health.median_days == 4.0


def test_it_shows_the_accountability_page(client):
    TopicFactory()
    assert client.get(reverse("forums:accountability")).status_code == 200


def test_it_gives_other_apps_open_expectations_by_unit_and_sector(unit):
    TopicFactory(unit=unit, title="A", support_count=3)
    TopicFactory(unit=unit, title="B", support_count=9)
    TopicFactory(unit=unit, title="Done", status=Topic.Status.ACTED_UPON)
    TopicFactory(unit=unit, title="Hidden", visibility="hidden")
    by_unit = open_expectations_by_unit([unit.pk])
    assert by_unit[unit.pk].count == 2 and by_unit[unit.pk].themes == ["B", "A"]
    assert open_expectations_by_sector()[unit.sector_id].count == 2
    ids = [t.pk for t in Topic.objects.all()]
    assert {t.title for t in topics_for_ids(ids)} == {"A", "B", "Done"}


def test_it_registers_a_resident_for_a_session_once(client_as, resident, hr):
    session = DiscussionSession.objects.create(
        title="Forum", agenda="Agenda", starts_at=timezone.now() + timedelta(days=3),
        place="Aula", created_by=hr,
    )  # fmt: skip
    client = client_as(resident)
    url = reverse("forums:session_register", args=[session.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert session.registrations.count() == 1
    assert "already registered" in response.content.decode()
    assert client.get(session.get_absolute_url()).status_code == 200
    assert client.get(reverse("forums:session_list")).status_code == 200


def test_it_seeds_the_demo_data_twice_without_duplicates():
    from accounts import demo as accounts_demo
    from forums import demo
    from workforce import demo as workforce_demo
    from workforce.services.reference import reference_data_ensure

    reference_data_ensure()
    users = accounts_demo.seed()
    workforce_demo.seed(users)
    demo.seed(users)
    counts = (Topic.objects.count(), Comment.objects.count(), DiscussionSession.objects.count())
    demo.seed(users)
    assert counts == (
        Topic.objects.count(),
        Comment.objects.count(),
        DiscussionSession.objects.count(),
    )
    assert Topic.objects.filter(status="acted_upon").exists()
