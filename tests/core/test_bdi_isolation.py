"""Text that cannot spoof (issue 22): what people write is isolated from the page around it,
<bdi> inline and dir="auto" for blocks and free-text fields, so Arabic or Hebrew script cannot
reorder the interface beside it; and a right-to-left override never reaches the HTML."""

import re

import pytest
from django.urls import reverse

from accounts.roles import Role
from tests.factories import UserFactory
from tests.forums.factories import CommentFactory, TopicFactory

pytestmark = pytest.mark.django_db

RLO = "\u202e"
ARABIC_TITLE = "مستشفى جديد Puskesmas 24 jam"
ARABIC_NAME = "فاطمة الزهراء"
HEBREW_BODY = "אנחנו צריכים רופא שיניים 2 ימים בשבוע"
HEBREW_NAME = "דוד לוי"


@pytest.fixture
def topic():
    author = UserFactory(full_name=f"{ARABIC_NAME}{RLO}", roles=[Role.RESIDENT])
    topic = TopicFactory(title=f"{RLO}{ARABIC_TITLE}", body=f"{HEBREW_BODY}{RLO} ok", author=author)
    official = UserFactory(full_name=HEBREW_NAME, roles=[Role.MODERATOR])
    CommentFactory(topic=topic, author=official, body=f"{RLO}{HEBREW_BODY}", is_official=True)
    return topic


def isolated(text: str, page: str) -> bool:
    """The text sits in a <bdi> of its own or inside an element with dir="auto"."""
    if f"<bdi>{text}</bdi>" in page:
        return True
    for match in re.finditer(r"<(\w+)[^>]*\bdir=\"auto\"[^>]*>", page):
        end = page.find(f"</{match.group(1)}>", match.end())
        if text in page[match.end() : end]:
            return True
    return False


def test_it_isolates_titles_in_the_topic_list(client, topic):
    page = client.get(reverse("forums:topic_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert isolated(ARABIC_TITLE, page)
    assert RLO not in page


def test_it_isolates_the_title_body_names_and_answer_on_the_topic_page(client, topic):
    page = client.get(topic.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'<h1 class="h3" id="topic-title"><bdi>{ARABIC_TITLE}</bdi></h1>' in page
    assert f"posted by <bdi>{ARABIC_NAME}</bdi>" in page
    assert f"<strong><bdi>{HEBREW_NAME}</bdi></strong>" in page  # the official answer's author
    assert re.search(
        rf'<div dir="auto" class="forum-text mb-3">\s*<p>{HEBREW_BODY} ok</p>', page
    ), "the topic's body"
    assert re.search(rf'<div dir="auto" class="forum-text">\s*<p>{HEBREW_BODY}</p>', page), (
        "the reply's body"
    )
    assert RLO not in page


@pytest.mark.parametrize("query", ["Puskesmas", "مستشفى"])
def test_it_isolates_titles_in_search_results(client, topic, query):
    TopicFactory(title="Jalan rusak", body="Jembatan ke Petuk Bukit.")
    response = client.get(reverse("forums:topic_list"), {"q": query}, HTTP_ACCEPT_LANGUAGE="en")
    assert [t.pk for t in response.context["page"]] == [topic.pk]
    page = response.content.decode()
    assert isolated(ARABIC_TITLE, page)
    assert "Jalan rusak" not in page
    assert RLO not in page


def test_it_gives_free_text_fields_dir_auto(client_as, resident):
    page = client_as(resident).get(reverse("forums:topic_create")).content.decode()
    title = re.search(r"<input[^>]*name=\"title\"[^>]*>", page).group(0)
    body = re.search(r"<textarea[^>]*name=\"body\"[^>]*>", page).group(0)
    assert 'dir="auto"' in title
    assert 'dir="auto"' in body


def test_the_bdi_filter_escapes_and_leaves_empty_values_alone():
    from core.templatetags.bidi import bdi

    assert bdi("<b>x</b>") == "<bdi>&lt;b&gt;x&lt;/b&gt;</bdi>"
    assert bdi("") == ""
    assert bdi(None) is None


def test_it_isolates_a_notification_subject_in_the_inbox_and_on_its_page(client):
    from notifications.models import Category, Notification

    person = UserFactory(roles=[Role.RESIDENT])
    note = Notification.objects.create(
        recipient=person,
        kind="forums.reply",
        category=Category.FORUMS,
        subject=f"{RLO}{ARABIC_TITLE}",
        body=f"{HEBREW_BODY}{RLO}",
    )
    note.refresh_from_db()
    assert RLO not in note.subject + note.body  # removed when saved
    client.force_login(person)
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert isolated(ARABIC_TITLE, inbox)
    page = client.get(reverse("notifications:open", args=[note.pk])).content.decode()
    assert isolated(ARABIC_TITLE, page)
    assert isolated(HEBREW_BODY, page)
    assert RLO not in inbox + page
