"""Text that cannot spoof the page (core/text.py): bidirectional embedding, override and isolate
controls never reach the database, whichever way the text is written; the marks stay."""

import pytest
from django.urls import reverse

from accounts.models import User
from core.text import BIDI_CONTROLS, has_bidi_controls, strip_bidi_controls
from forums.models import Comment, Topic
from tests.factories import UserFactory
from tests.forums.conftest import form_data
from tests.forums.factories import TopicFactory

pytestmark = pytest.mark.django_db

RLO, PDF, RLI, PDI = "\u202e", "\u202c", "\u2067", "\u2069"
RLM = "\u200f"


def test_it_removes_each_of_the_nine_controls_and_keeps_the_marks():
    assert len(BIDI_CONTROLS) == 9
    for char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
        assert strip_bidi_controls(f"a{char}b") == "ab"
    assert strip_bidi_controls(f"a{RLM}b") == f"a{RLM}b"
    assert not has_bidi_controls("Kecamatan Rakumpit")


def test_a_forum_title_and_body_are_saved_without_them(client_as, resident):
    title = f"Jalan rusak {RLO}gnp.exe{PDF} di Mungku Baru"
    body = f"Mohon diperbaiki {RLI}segera{PDI}."
    response = client_as(resident).post(
        reverse("forums:topic_create"), form_data(title=title, body=body, privacy_consent="on")
    )
    assert response.status_code == 302, response.context["form"].errors
    topic = Topic.objects.get()
    assert topic.title == "Jalan rusak gnp.exe di Mungku Baru"
    assert topic.body == "Mohon diperbaiki segera."
    page = client_as(resident).get(topic.get_absolute_url()).content.decode()
    assert not has_bidi_controls(page)


def test_a_comment_and_a_name_written_by_code_are_cleaned_too(resident):
    topic = TopicFactory()
    comment = Comment.objects.create(topic=topic, author=resident, body=f"Setuju {RLO}!")
    comment.refresh_from_db()
    assert comment.body == "Setuju !"
    user = UserFactory(full_name=f"Budi{RLO} Santoso")
    assert User.objects.get(pk=user.pk).full_name == "Budi Santoso"
