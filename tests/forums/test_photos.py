"""The optional photo on a forum topic: checked and re-encoded like recruitment's uploads
(core.uploads), stored under a server-generated name in private storage, and served
under the topic's own visibility rule."""

import io
import os

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.test import Client
from django.urls import reverse
from PIL import Image

from accounts.roles import Role
from core.photos import RAW_MAX_BYTES
from forums.models import ForumSettings, Topic, Visibility
from tests.factories import UserFactory
from tests.forums.conftest import form_data
from tests.photos import CAMERA, heic, phone_jpeg, stored_pixels, transparent_png

pytestmark = pytest.mark.django_db

GPS_SECRET = "KOORDINAT-RAHASIA-3.0S-113.9E"


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    root = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root, "base_url": None},
        },
    }
    return root


def jpeg_with_exif(size=(120, 80), *, noise=False) -> bytes:
    if noise:
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = GPS_SECRET  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif, quality=95)
    return output.getvalue()


def upload(data: bytes, name="foto.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def post_topic(client, photo, **overrides):
    return client.post(reverse("forums:topic_create"), {**form_data(**overrides), "photo": photo})


def test_it_stores_a_valid_jpeg_re_encoded_without_exif(client_as, resident, private_root):
    original = jpeg_with_exif()
    response = post_topic(client_as(resident), upload(original))
    topic = Topic.objects.get()
    assert response.status_code == 302
    stored = topic.photo.read()
    topic.photo.close()
    assert stored != original and stored.startswith(b"\xff\xd8")
    assert GPS_SECRET.encode() not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif()
        assert image.size == (80, 120)  # turned upright by the EXIF orientation, then dropped
    # A server-generated name: nothing of the resident's file name on disk.
    assert topic.photo.name.startswith("forums/topics/") and "foto" not in topic.photo.name
    assert (private_root / topic.photo.name).exists()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (
            b"<!DOCTYPE html><html><script>alert(1)</script></html>",
            "This file is a web page (HTML), not a photo. Choose a photo (JPEG, PNG, WebP or "
            "HEIC); for a paper document, take a photo of it.",
        ),
        (
            b"MZ\x90\x00\x03" + b"\x00" * 59 + b"PE\x00\x00" + b"\x00" * 200,
            "This file is a program, not a photo. Programs are never accepted. Choose a photo "
            "(JPEG, PNG, WebP or HEIC); for a paper document, take a photo of it.",
        ),
    ],
    ids=["html", "pe"],
)
def test_it_refuses_a_disguised_file_and_keeps_what_was_typed(
    client_as, resident, private_root, data, reason
):
    response = post_topic(
        client_as(resident),
        upload(data, name="foto.jpg"),
        title="Dokter gigi di puskesmas",
        body="Kami perlu dokter gigi setiap minggu.",
    )
    assert response.status_code == 200
    assert not Topic.objects.exists()
    assert response.context["form"].errors["photo"] == [reason]
    page = response.content.decode()
    assert "Dokter gigi di puskesmas" in page and "Kami perlu dokter gigi setiap minggu." in page
    assert not private_root.exists() or not any(private_root.rglob("*.*"))


def test_it_refuses_a_photo_that_cannot_be_brought_under_the_limit(
    client_as, resident, private_root
):
    # Random pixels do not compress, and 300 pixels is below the smallest size a photo is
    # shrunk to: nothing brings this one under 10 KB.
    ForumSettings.objects.update_or_create(pk=1, defaults={"photo_max_kb": 10})
    response = post_topic(client_as(resident), upload(jpeg_with_exif((300, 300), noise=True)))
    assert response.status_code == 200
    assert not Topic.objects.exists()
    (error,) = response.context["form"].errors["photo"]
    assert error.startswith("Even at 300 × 300 pixels and a low quality the photo does not fit")
    assert not private_root.exists() or not any(private_root.rglob("*.*"))


def test_the_author_replaces_and_removes_the_photo(
    client_as, resident, private_root, django_capture_on_commit_callbacks
):
    client = client_as(resident)
    post_topic(client, upload(jpeg_with_exif()))
    topic = Topic.objects.get()
    first = topic.photo.name
    edit = reverse("forums:topic_edit", args=[topic.pk])
    data = form_data()
    with django_capture_on_commit_callbacks(execute=True):  # the old file goes on commit
        response = client.post(edit, {**data, "photo": upload(jpeg_with_exif((60, 60)))})
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.photo.name != first and not (private_root / first).exists()
    response = client.post(edit, {**data, "remove_photo": "on"})
    topic.refresh_from_db()
    assert response.status_code == 302 and not topic.photo


def _topic_with_photo(client, author, **kwargs) -> Topic:
    post_topic(client, upload(jpeg_with_exif()))
    topic = Topic.objects.get(author=author)
    if kwargs:
        Topic.objects.filter(pk=topic.pk).update(**kwargs)
    return topic


def test_a_public_topics_photo_is_served_to_anonymous_with_nosniff(client_as, resident):
    topic = _topic_with_photo(client_as(resident), resident)
    url = reverse("forums:topic_photo", args=[topic.pk])
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(topic.get_absolute_url())
    assert url in page.content.decode()
    response = Client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")


@pytest.mark.parametrize("visibility", [Visibility.HIDDEN, Visibility.GRIEVANCE])
def test_a_hidden_topics_photo_is_404_to_others_like_the_page(
    client_as, resident, moderator, visibility
):
    topic = _topic_with_photo(client_as(resident), resident, visibility=visibility)
    url = reverse("forums:topic_photo", args=[topic.pk])
    assert client_as(resident).get(url).status_code == 200  # the author still sees it
    assert client_as(moderator).get(url).status_code == 200
    other = UserFactory(roles=[Role.RESIDENT])
    for client in (Client(), client_as(other)):
        assert client.get(topic.get_absolute_url()).status_code == 404
        assert client.get(url).status_code == 404


def test_a_topic_without_a_photo_has_no_photo_url(client, topic):
    assert client.get(reverse("forums:topic_photo", args=[topic.pk])).status_code == 404


# --- a photo straight from a phone -----------------------------------------------------------


@pytest.fixture(scope="module")
def phone_photo() -> bytes:
    return phone_jpeg()  # 4032 × 3024 held upright, with GPS: about 3.5 MB


def test_it_makes_a_phone_photo_fit_and_tells_the_author(
    client_as, resident, private_root, phone_photo
):
    limit = ForumSettings.objects.get_or_create(pk=1)[0].photo_max_kb * 1024
    assert len(phone_photo) > limit

    response = post_topic(client_as(resident), upload(phone_photo, name="IMG_2041.JPG"))

    assert response.status_code == 302
    topic = Topic.objects.get()
    stored = (private_root / topic.photo.name).read_bytes()
    assert len(stored) <= limit
    image = stored_pixels(stored)
    assert image.size == (1200, 1600)  # upright, within 1600 × 1600
    assert not image.getexif() and CAMERA.encode() not in stored
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith(
        "Your topic has been posted. Thank you! The photo was reduced from 3024 × 4032, "
    )
    assert message.endswith("Its location (GPS) and camera data were removed.")


def test_it_takes_a_png_screenshot_and_an_heic_photo(client_as, resident, private_root):
    client = client_as(resident)
    post_topic(client, upload(transparent_png(), name="Screenshot.png", content_type="image/png"))
    topic = Topic.objects.get()
    edit = reverse("forums:topic_edit", args=[topic.pk])

    response = client.post(edit, {**form_data(), "photo": upload(heic(), name="IMG_1.HEIC")})

    assert response.status_code == 302
    topic.refresh_from_db()
    assert stored_pixels((private_root / topic.photo.name).read_bytes()).size == (1200, 900)
    [*_, message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "It was converted from HEIC to JPEG." in message


def test_it_keeps_no_more_of_a_photo_than_a_phone_sends(
    monkeypatch, client_as, resident, private_root
):
    kept = []
    original = TemporaryFileUploadHandler.receive_data_chunk

    def spy(self, raw_data, start):
        kept.append(len(raw_data))
        return original(self, raw_data, start)

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", spy)
    huge = b"\xff\xd8\xff" + b"\x00" * (20 * 1024 * 1024)

    response = post_topic(client_as(resident), upload(huge), title="Jalan rusak di Petuk")

    assert response.status_code == 200
    assert response.context["form"].errors["photo"] == [
        "The photo is 20 MB; photos up to 15 MB can be sent. Send the photo as the camera saved "
        "it, or a screenshot of it."
    ]
    assert "Jalan rusak di Petuk" in response.content.decode()  # what was typed stays
    assert 0 < sum(kept) <= RAW_MAX_BYTES
    assert not Topic.objects.exists()


def test_the_size_limit_does_not_switch_off_the_csrf_check(resident):
    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)

    response = post_topic(client, upload(jpeg_with_exif()))

    assert response.status_code == 403
    assert not Topic.objects.exists()


def test_the_form_says_a_phone_photo_is_fine(client_as, resident):
    page = client_as(resident).get(reverse("forums:topic_create")).content.decode()

    assert "A photo straight from your phone (JPEG, PNG, WebP or HEIC, up to 15 MB)." in page
    assert 'accept=".jpg,.jpeg,.png,.webp,.heic,.heif,image/jpeg' in page
