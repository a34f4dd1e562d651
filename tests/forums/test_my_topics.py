"""A person's own forum page (/forums/mine/): their topics with the answers they got, the topics
they follow, their discussion sessions and IKM surveys; always their own; a fixed number of
queries however much there is."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forums.models import DiscussionSession, Follow, IkmResponse, SessionRegistration, Visibility
from forums.views.mine import SEEN_COOKIE
from tests.factories import UnitFactory, UserFactory
from tests.forums.factories import CommentFactory, IkmPeriodFactory, TopicFactory

pytestmark = pytest.mark.django_db

URL = reverse("forums:my_topics")


def _main(response) -> str:
    return response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]


def _session(hr, *, days, title):
    return DiscussionSession.objects.create(
        title=title,
        agenda="Agenda",
        starts_at=timezone.now() + timedelta(days=days),
        place="Aula Kecamatan",
        created_by=hr,
    )


def _fill(user, hr, n, *, period, units):
    """n topics of the person, each answered twice by HR and replied to; n topics of others
    the person follows; n sessions; n IKM answers."""
    for i in range(n):
        topic = TopicFactory(author=user, title=f"Topik saya {i}")
        CommentFactory(topic=topic, author=hr, is_official=True, body=f"Jawaban lama {i}")
        CommentFactory(topic=topic, author=hr, is_official=True, body=f"Jawaban baru {i}")
        CommentFactory(topic=topic, body="Setuju")
        followed = TopicFactory(title=f"Topik diikuti {i}")
        Follow.objects.create(topic=followed, user=user)
        SessionRegistration.objects.create(
            session=_session(hr, days=i - n // 2, title=f"Sesi {i}"), user=user
        )
        IkmResponse.objects.create(
            unit=units[i], period=period, respondent=user, **{f"u{k}": 3 for k in range(1, 10)}
        )


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_shows_an_empty_state_that_says_what_to_do(client_as, resident):
    page = _main(client_as(resident).get(URL))
    assert "Write your first expectation" in page
    assert f'href="{reverse("forums:topic_create")}"' in page
    assert "You follow no one else" in page and "You have not rated a service yet." in page


def test_it_does_not_offer_posting_to_someone_who_may_not_post(client_as, applicant):
    page = _main(client_as(applicant).get(URL))
    assert "Write your first expectation" not in page
    assert reverse("forums:topic_create") not in page


def test_it_shows_the_persons_topics_answers_follows_sessions_and_surveys(client_as, resident, hr):
    period = IkmPeriodFactory(name="Semester I Uji")
    _fill(resident, hr, 1, period=period, units=[UnitFactory(name="Pustu Uji")])
    unanswered = TopicFactory(author=resident, title="Belum dijawab")
    grievance = TopicFactory(author=resident, title="Aduan saya", visibility=Visibility.GRIEVANCE)
    page = _main(client_as(resident).get(URL))
    for text in ("Topik saya 0", "Belum dijawab", "Aduan saya", "Topik diikuti 0", "Sesi 0"):
        assert text in page
    assert "Pustu Uji" in page and "Semester I Uji" in page
    # The newest official answer's first words, not the older one.
    assert "Jawaban baru 0" in page and "Jawaban lama 0" not in page
    assert "Official answer: not yet" in page and "Official answer: yes" in page
    assert "Not public: handled as a grievance" in page
    assert unanswered.get_absolute_url() in page and grievance.get_absolute_url() in page


def test_it_shows_only_the_persons_own_things(client_as, resident, hr):
    other = UserFactory(roles=["resident"])
    period = IkmPeriodFactory()
    _fill(other, hr, 2, period=period, units=[UnitFactory(), UnitFactory()])
    TopicFactory(author=other, title="Rahasia tetangga", visibility=Visibility.GRIEVANCE)
    page = _main(client_as(resident).get(URL))
    for text in ("Topik saya", "Topik diikuti", "Sesi 0", "Rahasia tetangga", "Jawaban baru"):
        assert text not in page
    assert "Write your first expectation" in page


def test_it_does_not_list_a_followed_topic_that_was_hidden_since(client_as, resident):
    hidden = TopicFactory(title="Disembunyikan moderator", visibility=Visibility.HIDDEN)
    Follow.objects.create(topic=hidden, user=resident)
    assert "Disembunyikan moderator" not in _main(client_as(resident).get(URL))


def test_it_lists_own_topics_once_though_authors_follow_them(client_as, resident):
    topic = TopicFactory(author=resident, title="Topik milik sendiri")
    Follow.objects.create(topic=topic, user=resident)
    page = _main(client_as(resident).get(URL))
    assert page.count('id="my-topic-') == 1 and 'id="followed-topic-' not in page


def test_it_puts_coming_sessions_first_soonest_first(client_as, resident, hr):
    for days, title in ((-10, "Sesi lalu"), (20, "Sesi nanti"), (3, "Sesi segera")):
        SessionRegistration.objects.create(
            session=_session(hr, days=days, title=title), user=resident
        )
    page = _main(client_as(resident).get(URL))
    assert page.index("Sesi segera") < page.index("Sesi nanti") < page.index("Sesi lalu")
    assert reverse("forums:my_sessions_calendar") in page  # "add to my calendar"


def test_it_counts_replies_by_others_since_the_last_visit(client_as, resident):
    topic = TopicFactory(author=resident)
    client = client_as(resident)
    first = client.get(URL)
    assert "new since your last visit" not in _main(first)
    assert SEEN_COOKIE in first.cookies
    CommentFactory(topic=topic, body="Balasan baru")
    CommentFactory(topic=topic, body="Balasan kedua")
    CommentFactory(topic=topic, author=resident, body="Balasan saya sendiri")
    CommentFactory(topic=topic, body="Disembunyikan", visibility=Visibility.HIDDEN)
    page = _main(client.get(URL))
    assert "2 new since your last visit" in page
    assert "new since your last visit" not in _main(client.get(URL))  # seen now


def _move_seen_back(client, user, *, seconds):
    from django.http import HttpResponse

    from forums.views.mine import SEEN_SALT, seen_value

    response = HttpResponse()
    value = seen_value(user, timezone.now() - timedelta(seconds=seconds))
    response.set_signed_cookie(SEEN_COOKIE, value, salt=SEEN_SALT)
    client.cookies[SEEN_COOKIE] = response.cookies[SEEN_COOKIE].value


def test_it_ignores_a_tampered_or_another_persons_seen_cookie(client_as, resident):
    topic = TopicFactory(author=resident)
    CommentFactory(topic=topic, body="Balasan")
    client = client_as(resident)
    client.cookies[SEEN_COOKIE] = f"{resident.pk}:1"  # unsigned: ignored
    assert "new since your last visit" not in _main(client.get(URL))
    other = UserFactory(roles=["resident"])
    _move_seen_back(client, other, seconds=3600)
    assert "new since your last visit" not in _main(client.get(URL))


def test_it_is_not_kept_by_caches(client_as, resident):
    response = client_as(resident).get(URL)
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_it_pages_many_topics(client_as, resident):
    for i in range(23):
        TopicFactory(author=resident, title=f"Topik nomor {i:02d}")
    client = client_as(resident)
    assert _main(client.get(URL)).count('id="my-topic-') == 20
    assert _main(client.get(URL, {"page": 2})).count('id="my-topic-') == 3
    assert client.get(URL, {"page": "x"}).status_code == 200


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_it_takes_the_same_number_of_queries_for_a_little_and_a_lot(
    client_as, resident, hr, django_assert_max_num_queries
):
    period = IkmPeriodFactory()
    units = [UnitFactory() for _ in range(12)]
    _fill(resident, hr, 2, period=period, units=units[:2])
    client = client_as(resident)
    client.get(URL)  # sets the last-visit cookie: the "new replies" subquery runs from now on
    small = _queries(client)
    lot = UserFactory(roles=["resident"])
    _fill(lot, hr, 10, period=period, units=units[2:])
    client = client_as(lot)
    client.get(URL)
    with django_assert_max_num_queries(small):
        page = _main(client.get(URL))
    assert page.count('id="my-topic-') == 10 and page.count('id="followed-topic-') == 10
    assert _queries(client) == small


def test_it_is_the_one_current_item_of_a_residents_navigation(client_as, resident):
    page = client_as(resident).get(URL).content.decode()
    nav = page.split('aria-label="Main navigation"', 1)[1].split("</nav>", 1)[0]
    assert f'href="{URL}" aria-current="page"' in nav
    assert nav.count('aria-current="page"') == 1  # not also "Residents' forum" (/forums/)
