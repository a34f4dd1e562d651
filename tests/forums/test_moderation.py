import pytest
from django.urls import reverse

from forums.limits import RATES
from forums.models import ForumSettings, ModerationAction, Report, Topic, Visibility
from forums.services import ForumError
from forums.services.moderation import report_create
from tests.factories import UserFactory
from tests.forums.conftest import form_data
from tests.forums.factories import CommentFactory

pytestmark = pytest.mark.django_db


def _report(topic, n, comment=None):
    for i in range(n):
        report_create(
            topic=topic, comment=comment, reporter=UserFactory(roles=["resident"]),
            reason=Report.Reason.SPAM, address=f"10.0.0.{i}",
        )  # fmt: skip


def test_it_hides_a_topic_after_n_open_reports_and_logs_it(topic):
    _report(topic, 2)
    topic.refresh_from_db()
    assert topic.visibility == Visibility.PUBLIC
    _report(topic, 1)
    topic.refresh_from_db()
    assert topic.visibility == Visibility.HIDDEN and topic.open_report_count == 3
    assert ModerationAction.objects.get(kind="auto_hide", topic=topic).moderator is None


def test_it_reads_n_from_the_forum_settings(topic):
    ForumSettings.objects.filter(pk=1).update(auto_hide_reports=1)
    _report(topic, 1)
    topic.refresh_from_db()
    assert topic.visibility == Visibility.HIDDEN


def test_it_hides_a_comment_after_n_reports(topic):
    comment = CommentFactory(topic=topic)
    _report(topic, 3, comment=comment)
    comment.refresh_from_db()
    topic.refresh_from_db()
    assert comment.visibility == Visibility.HIDDEN and topic.visibility == Visibility.PUBLIC


def test_it_refuses_reporting_twice_and_reporting_oneself(topic, resident):
    other = UserFactory(roles=["resident"])
    report_create(topic=topic, reporter=other, reason="spam", address="1.1.1.1")
    with pytest.raises(ForumError):
        report_create(topic=topic, reporter=other, reason="spam", address="1.1.1.1")
    with pytest.raises(ForumError):
        report_create(topic=topic, reporter=resident, reason="spam", address="1.1.1.1")


def test_it_lets_only_moderators_moderate(client_as, topic, resident, hr, moderator):
    url = reverse("forums:topic_moderate", args=[topic.pk])
    data = {"moderate-kind": "hide", "moderate-reason": "Iklan"}
    assert client_as(resident).post(url, data).status_code == 403
    assert client_as(hr).post(url, data).status_code == 403
    assert client_as(moderator).get(reverse("forums:moderation_queue")).status_code == 200
    assert client_as(hr).get(reverse("forums:moderation_queue")).status_code == 403
    assert client_as(moderator).post(url, data).status_code == 302
    topic.refresh_from_db()
    assert topic.visibility == Visibility.HIDDEN and topic.moderation_reason == "Iklan"


def test_it_shows_the_reason_to_the_author_and_hides_the_topic_from_others(
    client, client_as, topic, resident, moderator
):
    client_as(moderator).post(
        reverse("forums:topic_moderate", args=[topic.pk]),
        {"moderate-kind": "hide", "moderate-reason": "Menyebut nama pegawai"},
    )
    assert (
        "Menyebut nama pegawai"
        in client_as(resident).get(topic.get_absolute_url()).content.decode()
    )
    client.logout()
    assert client.get(topic.get_absolute_url()).status_code == 404


def test_it_unhides_dismissing_reports(client_as, topic, moderator):
    _report(topic, 3)
    client_as(moderator).post(
        reverse("forums:topic_moderate", args=[topic.pk]),
        {"moderate-kind": "unhide", "moderate-reason": "Tidak melanggar"},
    )
    topic.refresh_from_db()
    assert topic.visibility == Visibility.PUBLIC and topic.open_report_count == 0
    assert not Report.objects.filter(status="open").exists()
    assert ModerationAction.objects.filter(kind="unhide").count() == 1


def test_it_requires_a_reason(client_as, topic, moderator):
    client_as(moderator).post(
        reverse("forums:topic_moderate", args=[topic.pk]), {"moderate-kind": "hide"}
    )
    topic.refresh_from_db()
    assert topic.visibility == Visibility.PUBLIC


def test_it_locks_and_retags(client_as, topic, moderator):
    from workforce.models import Kelurahan, Sector

    client = client_as(moderator)
    client.post(
        reverse("forums:topic_moderate", args=[topic.pk]),
        {"moderate-kind": "lock", "moderate-reason": "Sudah dijawab"},
    )
    pendidikan = Sector.objects.get(slug="pendidikan")
    client.post(
        reverse("forums:topic_retag", args=[topic.pk]),
        {
            "retag-sector": pendidikan.pk,
            "retag-kelurahan": Kelurahan.objects.first().pk,
            "retag-reason": "Salah sektor",
        },
    )
    topic.refresh_from_db()
    assert topic.is_locked and topic.sector == pendidikan


def test_it_suspends_a_user_who_then_cannot_post(client_as, resident, moderator):
    response = client_as(moderator).post(
        reverse("forums:user_suspend", args=[resident.pk]), {"reason": "Spam berulang"}
    )
    assert response.status_code == 302
    response = client_as(resident).post(reverse("forums:topic_create"), form_data(), follow=True)
    assert "Spam berulang" in response.content.decode()
    assert not Topic.objects.exists()


def test_it_rate_limits_posting_per_user(client_as, resident, steady_clock):
    client = client_as(resident)
    limit = RATES["topic"][0].count
    for i in range(limit + 1):
        client.post(reverse("forums:topic_create"), form_data(title=f"Topik {i}"))
    assert Topic.objects.count() == limit


def test_it_rate_limits_supports_per_address(topic, steady_clock):
    from forums.services.topics import topic_support
    from tests.forums.factories import TopicFactory

    per_address = RATES["support"][1].count
    topics = TopicFactory.create_batch(3)
    refused = 0
    for i in range(per_address + 1):
        user = UserFactory(roles=["resident"])
        try:
            topic_support(topic=topics[i % 3], user=user, address="192.0.2.1")
        except ForumError:
            refused += 1
    assert refused == 1


def test_it_lists_the_log_for_moderators(client_as, topic, moderator):
    _report(topic, 3)
    response = client_as(moderator).get(reverse("forums:moderation_log"))
    assert response.status_code == 200 and topic.title in response.content.decode()


def test_the_queue_is_paged_per_list_with_constant_queries(page_cache_off, client_as, moderator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from forums.views.moderation import QUEUE_PAGE_SIZE
    from tests.forums.factories import CommentFactory

    client = client_as(moderator)
    url = reverse("forums:moderation_queue")

    def queries(query=""):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url + query)
        assert response.status_code == 200
        return response.content.decode(), len(captured)

    CommentFactory(body="Balasan tersembunyi nomor awal", visibility="hidden")
    _page, few = queries()
    for number in range(QUEUE_PAGE_SIZE + 2):
        CommentFactory(body=f"Balasan tersembunyi {number:03d}", visibility="hidden")
    first, many = queries()
    assert many == few
    assert first.count("Balasan tersembunyi") == QUEUE_PAGE_SIZE
    assert "comments_page=2" in first
    second, _queries = queries("?comments_page=2")
    assert second.count("Balasan tersembunyi") == 3  # 28 hidden replies, newest first
