"""The preview of a topic and of a reply: the text rendered by the same function as a post, the
form shown again with everything typed, and nothing saved."""

import pytest
from django.urls import reverse

from forums.models import Comment, Topic
from tests.forums.conftest import form_data
from tests.forums.factories import TopicFactory

pytestmark = pytest.mark.django_db

PLAIN = "Kami butuh:\n- ambulans\n- perawat jaga\nInfo: https://rakumpit.go.id/layanan"


def _main(response) -> str:
    return response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]


def test_it_previews_a_topic_keeps_the_text_and_saves_nothing(client_as, resident):
    data = form_data(title="Ambulans dan perawat", body=PLAIN, preview="1")
    response = client_as(resident).post(reverse("forums:topic_create"), data)
    assert response.status_code == 200
    page = _main(response)
    preview = page.split('id="topic-preview"', 1)[1].split("</section>", 1)[0]
    assert "<li>ambulans</li>" in preview and "<li>perawat jaga</li>" in preview
    assert 'href="https://rakumpit.go.id/layanan"' in preview
    # The form again, as typed, without errors (everything sent is valid).
    assert 'value="Ambulans dan perawat"' in page
    assert "Kami butuh:\n- ambulans\n- perawat jaga" in page
    assert f'<option value="{data["sector"]}" selected>' in page
    assert "was not saved" not in page and "is-invalid" not in page
    assert not Topic.objects.exists()


def test_it_previews_an_empty_text_and_says_what_is_missing(client_as, resident):
    response = client_as(resident).post(
        reverse("forums:topic_create"), form_data(title="", body="", preview="1")
    )
    page = _main(response)
    # A preview checks the fields as a submission would (tests/forums/test_walk_findings.py).
    assert "nothing to preview yet" in page
    assert "Write a title." in page and "Write what you expect of the service." in page
    assert "was not saved" not in page and "Before you post, correct" in page
    assert not Topic.objects.exists()


def test_it_asks_for_the_photo_again_after_a_preview(client_as, resident):
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("foto.jpg", b"\xff\xd8\xff\xe0 not really", "image/jpeg")
    response = client_as(resident).post(
        reverse("forums:topic_create"), {**form_data(preview="1"), "photo": photo}
    )
    assert "A preview does not keep the photo" in _main(response)
    assert not Topic.objects.exists()


def test_it_previews_an_edit_of_ones_own_topic_without_saving(client_as, resident):
    topic = TopicFactory(author=resident, body="Teks lama")
    url = reverse("forums:topic_edit", args=[topic.pk])
    data = form_data(title=topic.title, body="Teks baru\n1) satu\n2) dua", preview="1")
    page = _main(client_as(resident).post(url, data))
    assert "<ol>" in page and "<li>satu</li>" in page and "Teks baru" in page
    topic.refresh_from_db()
    assert topic.body == "Teks lama" and topic.updated_at is None


def test_it_previews_only_ones_own_topic(client_as, resident):
    other = TopicFactory()
    url = reverse("forums:topic_edit", args=[other.pk])
    assert client_as(resident).post(url, form_data(preview="1")).status_code == 404


def test_it_previews_a_reply_keeps_the_text_and_saves_nothing(client_as, resident, topic):
    url = reverse("forums:comment_create", args=[topic.pk])
    response = client_as(resident).post(url, {"body": "Setuju:\n• cepat\n• ramah", "preview": "1"})
    assert response.status_code == 200
    page = _main(response)
    preview = page.split('id="reply-preview"', 1)[1].split("</section>", 1)[0]
    assert "<ul>" in preview and "<li>cepat</li>" in preview and "<li>ramah</li>" in preview
    assert "Setuju:\n• cepat\n• ramah</textarea>" in page
    assert f'action="{url}#reply-form"' in page
    assert not Comment.objects.exists()
    topic.refresh_from_db()
    assert topic.comment_count == 0


def test_it_does_not_preview_a_reply_to_a_topic_one_may_not_see(client_as, resident):
    hidden = TopicFactory(visibility="hidden")
    url = reverse("forums:comment_create", args=[hidden.pk])
    assert client_as(resident).post(url, {"body": "x", "preview": "1"}).status_code == 404


def test_it_shows_a_plain_hint_not_markdown(client_as, resident, topic):
    client = client_as(resident)
    for url in (reverse("forums:topic_create"), topic.get_absolute_url()):
        page = _main(client.get(url))
        assert "Markdown" not in page
        assert "For a list, start each line with - or 1." in page
