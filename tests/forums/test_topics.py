import pytest
from django.urls import reverse

from forums.models import Follow, Support, Topic, Visibility
from forums.services import ForumError
from forums.services.topics import topic_support
from tests.factories import UserFactory
from tests.forums.conftest import form_data
from tests.forums.factories import CommentFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_it_lets_a_resident_post_a_topic_and_follow_it(client_as, resident):
    response = client_as(resident).post(reverse("forums:topic_create"), form_data())
    topic = Topic.objects.get()
    assert response.status_code == 302 and response["Location"] == topic.get_absolute_url()
    assert topic.author == resident and topic.visibility == Visibility.PUBLIC
    assert Follow.objects.filter(topic=topic, user=resident).exists()


def test_it_sends_anonymous_users_to_sign_in_and_refuses_other_roles(client, client_as, employee):
    response = client.get(reverse("forums:topic_create"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client_as(employee).get(reverse("forums:topic_create")).status_code == 403


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": "   ", "body": "x"}, "Write a title."),
        ({"body": "   "}, "Write what you expect of the service."),
        ({"body": "a" * 8001}, "The text is 8001 characters long; the limit is 8000."),
    ],
)
def test_it_refuses_empty_and_over_long_posts_with_a_message(
    client_as, resident, overrides, message
):
    response = client_as(resident).post(reverse("forums:topic_create"), form_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Topic.objects.exists()


def test_it_refuses_an_over_long_title(client_as, resident):
    response = client_as(resident).post(reverse("forums:topic_create"), form_data(title="t" * 161))
    assert response.status_code == 200 and not Topic.objects.exists()


def test_it_refuses_a_filled_honeypot(client_as, resident):
    client_as(resident).post(reverse("forums:topic_create"), form_data(website="http://spam"))
    assert not Topic.objects.exists()


def test_it_refuses_accounts_without_a_verified_email(client_as):
    unverified = UserFactory(roles=["resident"], verified=False)
    response = client_as(unverified).post(reverse("forums:topic_create"), form_data(), follow=True)
    assert "Verify your e-mail address" in response.content.decode()
    assert not Topic.objects.exists()


def test_it_moves_a_post_naming_an_employee_to_the_grievance_track(
    client, client_as, resident, moderator
):
    client_as(resident).post(reverse("forums:topic_create"), form_data(names_employee="on"))
    topic = Topic.objects.get()
    assert topic.visibility == Visibility.GRIEVANCE
    client.logout()
    assert client.get(topic.get_absolute_url()).status_code == 404
    assert topic.title not in client.get(reverse("forums:topic_list")).content.decode()
    assert client_as(resident).get(topic.get_absolute_url()).status_code == 200
    assert client_as(moderator).get(topic.get_absolute_url()).status_code == 200


def test_it_gives_404_when_editing_someone_elses_topic(client_as, topic):
    other = UserFactory(roles=["resident"])
    url = reverse("forums:topic_edit", args=[topic.pk])
    assert client_as(other).get(url).status_code == 404
    assert client_as(other).post(url, form_data(title="Diubah")).status_code == 404
    topic.refresh_from_db()
    assert topic.title != "Diubah"


def test_it_lets_the_author_edit(client_as, resident, topic):
    url = reverse("forums:topic_edit", args=[topic.pk])
    response = client_as(resident).post(url, form_data(title="Judul baru"))
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.title == "Judul baru" and topic.updated_at


def test_it_counts_supporting_twice_once(client_as, topic):
    supporter = UserFactory(roles=["resident"])
    client = client_as(supporter)
    url = reverse("forums:topic_support", args=[topic.pk])
    client.post(url)
    client.post(url)
    topic.refresh_from_db()
    assert topic.support_count == 1
    assert Support.objects.filter(topic=topic).count() == 1
    assert topic_support(topic=topic, user=supporter, address="1.2.3.4") is False


def test_it_withdraws_a_support(client_as, topic):
    supporter = UserFactory(roles=["resident"])
    client = client_as(supporter)
    url = reverse("forums:topic_support", args=[topic.pk])
    client.post(url)
    client.post(url, {"remove": "1"})
    topic.refresh_from_db()
    assert topic.support_count == 0


def test_it_posts_a_reply_and_counts_it(client_as, topic):
    replier = UserFactory(roles=["resident"])
    response = client_as(replier).post(
        reverse("forums:comment_create", args=[topic.pk]), {"body": "Setuju sekali."}
    )
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.comment_count == 1
    assert Follow.objects.filter(topic=topic, user=replier).exists()


def test_it_refuses_an_empty_reply_and_replies_on_a_locked_topic(client_as, topic):
    replier = UserFactory(roles=["resident"])
    url = reverse("forums:comment_create", args=[topic.pk])
    response = client_as(replier).post(url, {"body": "  "}, follow=True)
    assert "The reply is empty" in response.content.decode()
    Topic.objects.filter(pk=topic.pk).update(is_locked=True)
    response = client_as(replier).post(url, {"body": "Halo"}, follow=True)
    assert "This topic is locked" in response.content.decode()
    assert topic.comments.count() == 0


def test_it_sorts_by_support_discussion_and_unanswered(client):
    quiet = TopicFactory(title="Sepi")
    popular = TopicFactory(title="Ramai", support_count=5)
    discussed = TopicFactory(title="Dibahas", comment_count=9)
    answered = TopicFactory(title="Dijawab")
    from django.utils import timezone

    Topic.objects.filter(pk=answered.pk).update(first_answer_at=timezone.now())

    def order(sort):
        page = client.get(reverse("forums:topic_list"), {"sort": sort}).context["page"]
        return [t.pk for t in page]

    assert order("supported")[0] == popular.pk
    assert order("discussed")[0] == discussed.pk
    unanswered = order("unanswered")
    assert answered.pk not in unanswered and quiet.pk in unanswered


def test_it_keeps_the_topic_list_query_count_constant(
    page_cache_off, client_as, resident, django_assert_max_num_queries
):
    client = client_as(resident)
    url = reverse("forums:topic_list")
    TopicFactory.create_batch(3)
    with django_assert_max_num_queries(12) as small:
        client.get(url)
    TopicFactory.create_batch(40)
    with django_assert_max_num_queries(12) as large:
        client.get(url)
    assert len(small.captured_queries) == len(large.captured_queries)


def test_it_keeps_the_topic_page_query_count_constant(
    page_cache_off, client_as, resident, hr, topic, django_assert_max_num_queries
):
    url = topic.get_absolute_url()
    counts = []
    for viewer in (resident, hr):
        client = client_as(viewer)
        CommentFactory(topic=topic)
        with django_assert_max_num_queries(20) as small:
            client.get(url)
        CommentFactory.create_batch(30, topic=topic)
        with django_assert_max_num_queries(20) as large:
            client.get(url)
        counts.append((len(small.captured_queries), len(large.captured_queries)))
    assert all(a == b for a, b in counts), counts


def test_it_raises_forum_error_for_a_unit_of_another_sector(resident):
    from forums.services.topics import topic_create
    from tests.factories import UnitFactory
    from workforce.models import Kelurahan, Sector

    school = UnitFactory(sector=Sector.objects.get(slug="pendidikan"))
    with pytest.raises(ForumError):
        topic_create(
            author=resident, title="x", body="y", sector=Sector.objects.get(slug="kesehatan"),
            kelurahan=Kelurahan.objects.first(), unit=school, address="1.1.1.1",
        )  # fmt: skip
