"""The moderation queue decides in place: each post with its reports grouped by reason (count,
notes, reporters), hide / restore / dismiss on the queue itself, back to the same row with a
message, and the history of decisions beside it (and on the topic's page)."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forums.models import ModerationAction, Report, Visibility
from forums.services.moderation import report_create, topic_moderate
from tests.factories import UserFactory
from tests.forums.factories import CommentFactory, TopicFactory

pytestmark = pytest.mark.django_db

QUEUE = "/forums/moderation/"


_addresses = itertools.count(1)


def _report(target_topic, reason, note="", comment=None):
    n = next(_addresses)  # one address each: the rate limit is not what these tests are about
    return report_create(
        topic=target_topic, comment=comment, reporter=UserFactory(roles=["resident"]),
        reason=reason, note=note, address=f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}",
    )  # fmt: skip


def _row(page: str, anchor: str) -> str:
    return page.split(f'id="{anchor}"', 1)[1].split('class="list-group-item queue-item"', 1)[0]


def test_it_groups_the_reports_of_a_post_by_reason_with_counts_and_notes(client_as, moderator):
    topic = TopicFactory(title="Jual pulsa murah")
    _report(topic, Report.Reason.SPAM, note="Iklan pulsa")
    _report(topic, Report.Reason.SPAM)
    _report(topic, Report.Reason.PERSONAL_DATA, note="Ada nomor HP")
    page = client_as(moderator).get(reverse("forums:moderation_queue")).content.decode()
    row = _row(page, f"queue-topic-{topic.pk}")
    assert "3 open reports" in row
    spam = row.split("Spam or advertising", 1)[1].split("</ul>", 1)[0]
    assert 'rounded-pill">2</span>' in spam and "“<bdi>Iklan pulsa</bdi>”" in spam
    personal = row.split("Personal data (NIK, phone, address)", 1)[1].split("</ul>", 1)[0]
    assert 'rounded-pill">1</span>' in personal and "“<bdi>Ada nomor HP</bdi>”" in personal
    # Three reports hid it automatically (ForumSettings): the row offers to restore it or to
    # dismiss its reports, and its history says the portal's rule hid it.
    assert 'name="moderate-kind" value="unhide"' in row
    assert 'name="moderate-kind" value="dismiss"' in row
    assert 'value="hide"' not in row
    assert "Hidden automatically after reports" in row and "the portal" in row


def test_a_public_reported_post_offers_to_hide_it(client_as, moderator):
    topic = TopicFactory()
    _report(topic, Report.Reason.SPAM)
    page = client_as(moderator).get(reverse("forums:moderation_queue")).content.decode()
    row = _row(page, f"queue-topic-{topic.pk}")
    assert 'name="moderate-kind" value="hide"' in row and 'value="unhide"' not in row
    assert "1 open report" in row


def test_it_hides_in_place_and_returns_to_the_same_row_with_a_message(client_as, moderator):
    topic = TopicFactory()
    _report(topic, Report.Reason.ABUSE)
    client = client_as(moderator)
    back = f"{QUEUE}?topics_page=1#queue-topic-{topic.pk}"
    response = client.post(
        reverse("forums:topic_moderate", args=[topic.pk]),
        {"moderate-kind": "hide", "moderate-reason": "Kata-kata kasar", "next": back},
    )
    assert response.status_code == 302 and response["Location"] == back
    topic.refresh_from_db()
    assert topic.visibility == Visibility.HIDDEN and topic.open_report_count == 0
    page = client.get(back).content.decode()
    assert "Decision recorded: Hidden." in page
    row = _row(page, f"queue-topic-{topic.pk}")
    # Still in the queue (hidden), now offering to restore it, with the decision's history.
    assert 'value="unhide"' in row and 'value="hide"' not in row
    history = row.split("queue-history", 1)[1]
    assert "Hidden" in history and "Kata-kata kasar" in history and str(moderator) in history


def test_it_restores_and_dismisses_a_reply_in_place(client_as, moderator, topic):
    comment = CommentFactory(topic=topic)
    _report(topic, Report.Reason.OFF_TOPIC, comment=comment)
    client = client_as(moderator)
    url = reverse("forums:comment_moderate", args=[comment.pk])
    back = f"{QUEUE}#queue-comment-{comment.pk}"
    client.post(url, {"kind": "hide", "reason": "Di luar topik", "next": back})
    comment.refresh_from_db()
    assert comment.visibility == Visibility.HIDDEN
    response = client.post(url, {"kind": "unhide", "reason": "Masih relevan", "next": back})
    assert response["Location"] == back
    comment.refresh_from_db()
    assert comment.visibility == Visibility.PUBLIC
    kinds = list(
        ModerationAction.objects.filter(comment=comment)
        .order_by("at", "pk")
        .values_list("kind", flat=True)
    )
    assert kinds == ["hide", "unhide"]


def test_it_dismisses_the_reports_and_the_post_leaves_the_queue(client_as, moderator):
    topic = TopicFactory(title="Laporan yang keliru")
    _report(topic, Report.Reason.OTHER, note="Salah pencet")
    client = client_as(moderator)
    client.post(
        reverse("forums:topic_moderate", args=[topic.pk]),
        {"moderate-kind": "dismiss", "moderate-reason": "Tidak melanggar", "next": QUEUE},
    )
    assert Report.objects.get(topic=topic).status == Report.Status.DISMISSED
    page = client.get(QUEUE).content.decode()
    assert f"queue-topic-{topic.pk}" not in page and "Decision recorded: Reports dismissed." in page


def test_it_refuses_a_decision_without_a_reason_and_stays_on_the_queue(client_as, moderator):
    topic = TopicFactory()
    _report(topic, Report.Reason.SPAM)
    client = client_as(moderator)
    response = client.post(
        reverse("forums:topic_moderate", args=[topic.pk]),
        {"moderate-kind": "hide", "moderate-reason": "", "next": QUEUE},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == QUEUE
    assert "give a reason: the author will see it" in response.content.decode()
    topic.refresh_from_db()
    assert topic.visibility == Visibility.PUBLIC


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:1"])
def test_it_never_returns_to_another_site(client_as, moderator, topic, target):
    response = client_as(moderator).post(
        reverse("forums:topic_moderate", args=[topic.pk]),
        {"moderate-kind": "lock", "moderate-reason": "Cukup", "next": target},
    )
    assert response["Location"] == topic.get_absolute_url()


def test_only_moderators_see_and_use_the_queue(client, client_as, resident, hr, topic):
    assert client.get(QUEUE).status_code == 302
    for user in (resident, hr):
        assert client_as(user).get(QUEUE).status_code == 403
        response = client_as(user).post(
            reverse("forums:topic_moderate", args=[topic.pk]),
            {"moderate-kind": "hide", "moderate-reason": "x", "next": QUEUE},
        )
        assert response.status_code == 403
    topic.refresh_from_db()
    assert topic.visibility == Visibility.PUBLIC


def test_a_decision_on_a_post_that_is_not_there_is_404(client_as, moderator):
    response = client_as(moderator).post(
        reverse("forums:topic_moderate", args=[999999]),
        {"moderate-kind": "hide", "moderate-reason": "x", "next": QUEUE},
    )
    assert response.status_code == 404


def test_the_topic_page_shows_moderators_the_history_of_decisions(
    client_as, moderator, resident, topic
):
    topic_moderate(topic=topic, moderator=moderator, kind="hide", reason="Iklan terselubung")
    page = client_as(moderator).get(topic.get_absolute_url()).content.decode()
    history = page.split('id="moderation-history"', 1)[1]
    assert "Hidden" in history and "Iklan terselubung" in history and str(moderator) in history
    assert (
        'id="moderation-history"'
        not in client_as(resident).get(topic.get_absolute_url()).content.decode()
    )


def _fill_queue(n):
    for _i in range(n):
        topic = TopicFactory()
        comment = CommentFactory(topic=topic)
        for reason in (Report.Reason.SPAM, Report.Reason.ABUSE):
            _report(topic, reason, note="catatan")
            _report(topic, reason, comment=comment)
        topic_moderate(
            topic=topic, moderator=UserFactory(roles=["moderator"]), kind="lock", reason="x"
        )
    TopicFactory(visibility=Visibility.GRIEVANCE)


def test_the_queue_runs_the_same_queries_with_more_rows(client_as, moderator):
    client = client_as(moderator)
    _fill_queue(2)
    client.get(QUEUE)  # warm the session and the caches
    with CaptureQueriesContext(connection) as small:
        assert client.get(QUEUE).status_code == 200
    _fill_queue(12)
    with CaptureQueriesContext(connection) as large:
        assert client.get(QUEUE).status_code == 200
    assert len(large) == len(small), (
        [q["sql"][:120] for q in small.captured_queries],
        [q["sql"][:120] for q in large.captured_queries],
    )


def test_a_decided_post_leaves_the_waiting_list_and_stays_restorable(moderator):
    from datetime import timedelta

    from django.utils import timezone

    from forums.selectors.moderation import DECIDED_DAYS, moderation_queue

    reported, auto_hidden, old = TopicFactory(), TopicFactory(), TopicFactory()
    _report(reported, Report.Reason.SPAM)
    # Hidden with no moderator's decision (as the report threshold does): still waiting.
    auto_hidden.visibility = Visibility.HIDDEN
    auto_hidden.save(update_fields=["visibility"])
    _report(old, Report.Reason.SPAM)
    topic_moderate(topic=old, moderator=moderator, kind="hide", reason="Iklan.")
    ModerationAction.objects.filter(topic=old).update(
        at=timezone.now() - timedelta(days=DECIDED_DAYS + 1)
    )

    def ids(rows):
        return {row.pk for row in rows}

    lists = moderation_queue()
    assert ids(lists["topics"]) == {reported.pk, auto_hidden.pk}
    assert ids(lists["decided_topics"]) == set()  # decided too long ago

    topic_moderate(topic=reported, moderator=moderator, kind="hide", reason="Iklan pulsa.")
    lists = moderation_queue()
    assert ids(lists["topics"]) == {auto_hidden.pk}
    assert ids(lists["decided_topics"]) == {reported.pk}

    # Reported again after the decision: it waits again.
    _report(reported, Report.Reason.ABUSE)
    assert reported.pk in ids(moderation_queue()["topics"])
