"""The forums' sections of the Today page: the moderators' queue (reports and grievances, with
the oldest waiting since) and, for the officials who answer, the topics per unit still without
an official answer. A fixed number of queries whatever the amount of data."""

import itertools
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import today
from forums.models import Report, Visibility
from forums.selectors.today import (
    TODAY_UNITS,
    today_moderation_queue,
    today_unanswered_topics,
)
from forums.services.moderation import report_create
from tests.factories import UnitFactory, UserFactory
from tests.forums.factories import CommentFactory, TopicFactory

pytestmark = pytest.mark.django_db


_addresses = itertools.count(1)


def _report(topic, comment=None, at=None):
    n = next(_addresses)  # one address each: the rate limit is not what these tests are about
    report = report_create(
        topic=topic, comment=comment, reporter=UserFactory(roles=["resident"]),
        reason=Report.Reason.SPAM, address=f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}",
    )  # fmt: skip
    if at is not None:
        Report.objects.filter(pk=report.pk).update(created_at=at)
    return report


def test_the_sections_are_registered_for_the_right_roles(moderator, hr, resident):
    keys = {section.key: section for section in today.sections()}
    queue, unanswered = keys["forums-moderation"], keys["forums-unanswered"]
    assert queue.visible_to(moderator) and not queue.visible_to(hr)
    assert unanswered.visible_to(hr) and not unanswered.visible_to(moderator)
    assert not queue.visible_to(resident) and not unanswered.visible_to(resident)


def test_it_counts_reported_posts_and_grievances_with_the_oldest_waiting(moderator):
    now = timezone.now()
    first, second = TopicFactory(), TopicFactory()
    _report(first, at=now - timedelta(days=3))
    _report(first, at=now - timedelta(days=1))
    _report(second, at=now - timedelta(days=2))
    comment = CommentFactory(topic=second)
    _report(second, comment=comment, at=now - timedelta(hours=5))
    TopicFactory(visibility=Visibility.GRIEVANCE, created_at=now - timedelta(days=6))
    TopicFactory(visibility=Visibility.GRIEVANCE, first_answer_at=now)  # answered: not waiting
    # Decided reports wait no more.
    decided = _report(TopicFactory())
    Report.objects.filter(pk=decided.pk).update(status=Report.Status.DISMISSED)

    tasks = {task.url.split("#")[1]: task for task in today_moderation_queue(moderator)}
    topics, replies, grievances = (
        tasks["topics-heading"], tasks["replies-heading"], tasks["grievances-heading"]
    )  # fmt: skip
    assert (topics.count, topics.label, topics.detail) == (2, "reported topics", "3 open reports")
    assert abs(topics.waiting_since - (now - timedelta(days=3))) < timedelta(seconds=1)
    assert (replies.count, replies.label) == (1, "reported reply")
    assert abs(replies.waiting_since - (now - timedelta(hours=5))) < timedelta(seconds=1)
    assert (grievances.count, grievances.label) == (1, "grievance without an answer")
    assert topics.url.startswith(reverse("forums:moderation_queue"))


def test_an_empty_queue_gives_no_task(moderator):
    TopicFactory()
    assert today_moderation_queue(moderator) == []


def test_it_lists_units_by_the_longest_waiting_unanswered_topic(hr):
    now = timezone.now()
    old, recent = UnitFactory(name="Pustu Lama"), UnitFactory(name="Pustu Baru")
    TopicFactory(unit=old, created_at=now - timedelta(days=10))
    TopicFactory(unit=old, created_at=now - timedelta(days=1))
    TopicFactory(unit=recent, created_at=now - timedelta(days=4))
    TopicFactory(unit=None, created_at=now - timedelta(days=2))
    TopicFactory(unit=recent, first_answer_at=now, created_at=now - timedelta(days=30))
    TopicFactory(unit=recent, visibility=Visibility.HIDDEN, created_at=now - timedelta(days=40))

    tasks = today_unanswered_topics(hr)
    assert [(t.label, t.count) for t in tasks] == [
        ("unanswered in Pustu Lama", 2),
        ("unanswered in Pustu Baru", 1),
        ("unanswered, naming no unit", 1),
    ]
    assert abs(tasks[0].waiting_since - (now - timedelta(days=10))) < timedelta(seconds=1)
    assert f"unit={old.pk}" in tasks[0].url and "sort=unanswered" in tasks[0].url


def test_it_lists_a_few_units_then_a_link_to_all(hr):
    for n in range(TODAY_UNITS + 2):
        TopicFactory(unit=UnitFactory(name=f"Sekolah {n}"))
    tasks = today_unanswered_topics(hr)
    assert len(tasks) == TODAY_UNITS + 1
    assert tasks[-1].count is None and tasks[-1].label == "More units with unanswered topics"


def test_the_unit_link_shows_only_that_units_unanswered_topics(client, hr):
    unit = UnitFactory(name="Pustu Tujuan")
    TopicFactory(unit=unit, title="Topik unit ini")
    TopicFactory(title="Topik unit lain", unit=UnitFactory())
    url = today_unanswered_topics(hr)[0].url
    page = client.get(url).content.decode()
    assert "Topik unit ini" in page and "Topik unit lain" not in page
    assert "Only the topics about Pustu Tujuan." in page


def _fill(n):
    for _i in range(n):
        unit = UnitFactory()
        topic = TopicFactory(unit=unit)
        TopicFactory(unit=unit)
        _report(topic)
        _report(topic, comment=CommentFactory(topic=topic))
        TopicFactory(visibility=Visibility.GRIEVANCE)


@pytest.mark.parametrize(
    ("provider", "persona"),
    [(today_moderation_queue, "moderator"), (today_unanswered_topics, "hr")],
)
def test_the_providers_run_a_fixed_number_of_queries(request, provider, persona):
    user = request.getfixturevalue(persona)
    _fill(2)
    with CaptureQueriesContext(connection) as small:
        assert provider(user)
    _fill(15)
    with CaptureQueriesContext(connection) as large:
        assert provider(user)
    assert len(large) == len(small) <= 2


def test_the_today_page_shows_the_moderators_queue(client_as, moderator):
    _report(TopicFactory())
    page = client_as(moderator).get(reverse("accounts:today")).content.decode()
    section = page.split('data-section="forums-moderation"', 1)[1].split("</section>", 1)[0]
    assert "Reports and grievances in the moderation queue" in section
    assert "reported topic" in section and "waiting for" in section
