"""Issue 23: posts store their sanitised HTML when saved (pages no longer render Markdown per
view), the topic page shows its replies a page at a time with the official answers above them,
a link to a reply lands on its page, and the search reads a stored document."""

import pytest
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forums.fields import fill_rendered
from forums.markup import render_markdown
from forums.models import Comment, DiscussionSession, Topic, Visibility
from forums.selectors.topics import REPLIES_PER_PAGE, topic_list
from forums.services import topics as services
from tests.factories import UserFactory
from tests.forums.factories import CommentFactory, TopicFactory

pytestmark = pytest.mark.django_db

MARKDOWN = "Kami butuh:\n- **dokter gigi**\n- bidan\n\nLihat www.example.org"
XSS = "<script>alert('x')</script> [klik](javascript:alert('x')) <img src=x onerror=alert(1)>"


def _replies(topic, count, *, author, start=0, **extra):
    """`count` replies in one INSERT (the stored HTML is rendered by the field on the way in),
    a minute apart, in order."""
    base = timezone.now() - timezone.timedelta(days=1)
    return Comment.objects.bulk_create(
        Comment(
            topic=topic,
            author=author,
            body=f"Balasan **{n}**",
            created_at=base + timezone.timedelta(minutes=n),
            **extra,
        )
        for n in range(start, start + count)
    )


# --- stored HTML ---------------------------------------------------------------------------


def test_it_stores_the_rendered_html_and_renders_it_again_on_edit(resident):
    topic = TopicFactory(author=resident, body=MARKDOWN)
    comment = CommentFactory(topic=topic, body="Setuju, _sangat_.")
    topic.refresh_from_db()
    comment.refresh_from_db()
    assert topic.body_html == render_markdown(MARKDOWN) and "<strong>dokter gigi</strong>" in (
        topic.body_html
    )
    assert comment.body_html == render_markdown("Setuju, _sangat_.")
    services.topic_edit(
        topic=topic, user=resident, title=topic.title, body="Baru: **penting**",
        sector=topic.sector, kelurahan=topic.kelurahan,
    )  # fmt: skip
    topic.refresh_from_db()
    assert topic.body_html == render_markdown("Baru: **penting**")
    assert "dokter" not in topic.body_html


def test_it_stores_a_sessions_agenda_and_minutes(hr):
    session = DiscussionSession.objects.create(
        title="Forum kesehatan", agenda="1. Puskesmas\n2. Posyandu", place="Aula",
        starts_at=timezone.now(), created_by=hr,
    )  # fmt: skip
    session.refresh_from_db()
    assert session.agenda_html == render_markdown("1. Puskesmas\n2. Posyandu")
    assert session.minutes_html == ""
    session.minutes = "Disepakati **jadwal baru**."
    session.save()
    session.refresh_from_db()
    assert session.minutes_html == render_markdown("Disepakati **jadwal baru**.")


def test_it_keeps_the_stored_html_sanitised(client):
    topic = TopicFactory(body=XSS)
    CommentFactory(topic=topic, body=XSS)
    stored = [topic.body_html, *Comment.objects.values_list("body_html", flat=True)]
    for html in stored:
        assert "<script" not in html and "javascript:" not in html and "<img" not in html
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert" in page  # shown as the text it was


def test_it_fills_rows_that_have_no_html_yet_as_the_data_migration_does():
    topic = TopicFactory(body=MARKDOWN)
    comments = CommentFactory.create_batch(3, topic=topic, body="Sama **tebal**")
    Topic.objects.filter(pk=topic.pk).update(body_html="")
    Comment.objects.filter(topic=topic).update(body_html="")
    assert fill_rendered(Topic) == 1 and fill_rendered(Comment) == 3
    topic.refresh_from_db()
    assert topic.body_html == render_markdown(MARKDOWN)
    for comment in comments:
        comment.refresh_from_db()
        assert comment.body_html == render_markdown("Sama **tebal**")
    assert fill_rendered(Comment) == 0  # nothing left to fill


# --- replies a page at a time --------------------------------------------------------------


@pytest.fixture
def long_topic(db):
    """A topic with 2½ pages of replies and an official answer posted among them."""
    topic = TopicFactory()
    writer = UserFactory(roles=["resident"])
    replies = _replies(topic, REPLIES_PER_PAGE * 2 + 10, author=writer)
    answer = CommentFactory(
        topic=topic, is_official=True, body="Jawaban resmi: **sudah dijadwalkan**.",
        created_at=replies[30].created_at,
    )  # fmt: skip
    return topic, replies, answer


def test_it_pages_the_replies_and_keeps_the_official_answer_above_each_page(client, long_topic):
    topic, replies, answer = long_topic
    first = client.get(topic.get_absolute_url())
    last = client.get(topic.get_absolute_url(), {"page": "last"})
    assert [c.pk for c in first.context["replies"]] == [c.pk for c in replies[:REPLIES_PER_PAGE]]
    assert [c.pk for c in last.context["replies"]] == [c.pk for c in replies[-10:]]
    for response in (first, last):
        html = response.content.decode()
        assert [c.pk for c in response.context["official_answers"]] == [answer.pk]
        assert html.count(f'id="comment-{answer.pk}"') == 1
        assert html.index("Official answers") < html.index('id="replies-heading"')
        assert "<strong>sudah dijadwalkan</strong>" in html
    assert "Replies 101–110 of 110" in last.content.decode()
    assert 'href="?page=2#replies-heading"' in last.content.decode()


def test_it_links_a_reply_to_the_page_that_holds_it(client, long_topic):
    topic, replies, answer = long_topic
    url = topic.get_absolute_url()
    assert replies[75].get_absolute_url() == reverse("forums:comment_link", args=[replies[75].pk])
    response = client.get(replies[75].get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == f"{url}?page=2#comment-{replies[75].pk}"
    assert client.get(replies[3].get_absolute_url())["Location"] == (
        f"{url}#comment-{replies[3].pk}"
    )
    # The official answer stands above every page.
    assert client.get(answer.get_absolute_url())["Location"] == f"{url}#comment-{answer.pk}"
    landed = client.get(response["Location"])
    assert f'id="comment-{replies[75].pk}"' in landed.content.decode()


def test_it_counts_only_the_replies_the_reader_sees_to_find_the_page(client, client_as):
    topic = TopicFactory()
    writer = UserFactory(roles=["resident"])
    hidden = _replies(topic, 10, author=writer, visibility=Visibility.HIDDEN)
    shown = _replies(topic, REPLIES_PER_PAGE, author=UserFactory(), start=10)
    url = topic.get_absolute_url()
    # The reader sees 50 replies: the last one is on page 1 for them, page 2 for its author.
    assert client.get(shown[-1].get_absolute_url())["Location"] == f"{url}#comment-{shown[-1].pk}"
    # A hidden reply leads others to the topic, its author to it.
    assert client.get(hidden[0].get_absolute_url())["Location"] == url
    mine = client_as(writer).get(shown[-1].get_absolute_url())["Location"]
    assert mine == f"{url}?page=2#comment-{shown[-1].pk}"


def test_it_hides_a_reply_link_whose_topic_the_reader_may_not_see(client):
    comment = CommentFactory(topic=TopicFactory(visibility=Visibility.GRIEVANCE))
    assert client.get(comment.get_absolute_url()).status_code == 404
    assert client.get(reverse("forums:comment_link", args=[999_999])).status_code == 404


def test_it_sends_the_writer_of_a_reply_to_its_page(client_as, long_topic):
    topic, _replies_made, _answer = long_topic
    response = client_as(UserFactory(roles=["resident"])).post(
        reverse("forums:comment_create", args=[topic.pk]), {"body": "Saya juga."}, follow=True
    )
    assert response.redirect_chain[-1][0].startswith(f"{topic.get_absolute_url()}?page=3#comment-")
    assert "Saya juga." in response.content.decode()


def test_it_keeps_the_topic_page_queries_the_same_at_50_and_500_replies(
    page_cache_off, client_as, moderator
):
    topic = TopicFactory()
    writer = UserFactory(roles=["resident"])
    _replies(topic, 50, author=writer)
    CommentFactory(topic=topic, is_official=True)
    url = topic.get_absolute_url()

    def queries(the_client, **params):
        with CaptureQueriesContext(connection) as captured:
            assert the_client.get(url, params).status_code == 200
        return len(captured.captured_queries)

    anonymous, signed_in = Client(), client_as(moderator)
    small = [queries(anonymous), queries(anonymous, page="last"), queries(signed_in)]
    _replies(topic, 450, author=writer, start=50)
    large = [queries(anonymous), queries(anonymous, page="last"), queries(signed_in)]
    assert small == large, (small, large)
    # The topic, the official answers, the count and the page of replies, the history.
    assert small[0] == 5, small


# --- search --------------------------------------------------------------------------------


def _search_as_before(text):
    """The search as it was before issue 23: the document computed for each topic per query."""
    vector = SearchVector("title", weight="A", config="indonesian") + SearchVector(
        "body", weight="B", config="indonesian"
    )
    query = SearchQuery(text, config="indonesian", search_type="websearch")
    return list(
        Topic.objects.filter(visibility=Visibility.PUBLIC)
        .annotate(search=vector, rank=SearchRank(vector, query))
        .filter(search=query)
        .order_by("-rank", "-created_at", "-pk")
        .values_list("pk", "rank")
    )


@pytest.mark.postgres
def test_it_finds_and_ranks_the_same_topics_as_before(resident):
    TopicFactory(title="Pelayanan dokter gigi", body="Tidak ada dokter gigi di puskesmas.")
    TopicFactory(title="Puskesmas", body="Kami butuh pelayanan dokter gigi di sini.")
    TopicFactory(title="Air bersih", body="Air sungai keruh; pelayanan PDAM lambat.")
    TopicFactory(title="Guru", body="Sekolah kekurangan guru, dokter datang sebulan sekali.")
    TopicFactory(title="Tersembunyi dokter", body="gigi", visibility=Visibility.HIDDEN)
    found = {}
    for text in ("dokter gigi", "layanan", '"air bersih"', "dokter -gigi", "puskesmas OR guru"):
        found[text] = [(t.pk, t.rank) for t in topic_list(resident, search=text)]
        assert found[text] == _search_as_before(text), text
    assert [len(found[text]) for text in found] == [2, 3, 1, 1, 3]


@pytest.mark.postgres
def test_it_keeps_the_stored_document_in_step_with_an_edit(resident):
    topic = TopicFactory(author=resident, title="Jalan rusak", body="Berlubang.")
    assert not list(topic_list(resident, search="jembatan"))
    services.topic_edit(
        topic=topic, user=resident, title="Jalan rusak", body="Jembatan runtuh.",
        sector=topic.sector, kelurahan=topic.kelurahan,
    )  # fmt: skip
    assert [t.pk for t in topic_list(resident, search="jembatan")] == [topic.pk]
