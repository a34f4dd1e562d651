import pytest
from django.core import mail

from forums.models import Follow, Notification
from forums.services.topics import (
    Action,
    comment_create,
    official_answer_create,
    topic_status_change,
)
from forums.tasks import notify_followers, send_weekly_digest
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def follower(topic):
    user = UserFactory(roles=["resident"])
    Follow.objects.create(topic=topic, user=user)
    return user


def test_it_emails_followers_once_per_event(django_capture_on_commit_callbacks, topic, follower):
    replier = UserFactory(roles=["resident"])
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_create(topic=topic, author=replier, body="Setuju", address="1.1.1.1")
    assert [m.to[0] for m in mail.outbox] == [follower.email]  # not the replier himself
    assert notify_followers("comment", comment.pk) == 0  # a retried task sends nothing
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(event="comment", object_id=comment.pk).count() == 1


def test_it_emails_on_official_answers_and_status_changes(
    django_capture_on_commit_callbacks, topic, follower, hr
):
    from datetime import date

    with django_capture_on_commit_callbacks(execute=True):
        official_answer_create(topic=topic, author=hr, body="Kami tindak lanjuti.")
    topic.refresh_from_db()
    assert topic.status == "answered" and topic.first_answer_at
    with django_capture_on_commit_callbacks(execute=True):
        topic_status_change(
            topic=topic, user=hr, to_status="acted_upon",
            action=Action(kind="vacancy", description="Formasi dibuka", url="/recruitment/",
                          done_on=date(2026, 3, 1)),
        )  # fmt: skip
    events = sorted(Notification.objects.filter(user=follower).values_list("event", flat=True))
    assert events == ["official", "status", "status"]  # answered, then acted upon
    assert any("Formasi dibuka" in m.body for m in mail.outbox)


def test_it_refuses_acted_upon_without_what_was_done(topic, hr):
    from forums.services import ForumError

    with pytest.raises(ForumError):
        topic_status_change(topic=topic, user=hr, to_status="acted_upon")
    with pytest.raises(ForumError):
        topic_status_change(topic=topic, user=hr, to_status="received")


def test_it_sends_the_weekly_digest_once(topic, follower):
    from tests.forums.factories import CommentFactory

    CommentFactory(topic=topic, body="Balasan baru")
    assert send_weekly_digest() == 1
    assert send_weekly_digest() == 0
    assert "Balasan baru" in mail.outbox[0].body
