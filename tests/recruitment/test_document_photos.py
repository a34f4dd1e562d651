"""A phone photo sent to an image slot (pas foto, KTP...) is made to fit, never refused for its
size: what is stored (and checksummed) is the fresh JPEG, and the applicant is told what was
done. The photo processing itself is tested in tests/core/test_photos.py."""

import hashlib
import math

import pytest
from django.conf import settings as django_settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.urls import reverse
from PIL import ExifTags

from core.photos import RAW_MAX_BYTES
from recruitment.models import Document
from recruitment.selectors.documents import document_slot
from tests.factories import ApplicationFactory
from tests.photos import CAMERA, heic, phone_jpeg, stored_pixels

pytestmark = pytest.mark.django_db


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


@pytest.fixture(scope="module")
def phone_photo() -> bytes:
    return phone_jpeg()  # 4032 × 3024 held upright, with GPS: about 3.5 MB


@pytest.fixture
def application(applicant):
    return ApplicationFactory(applicant=applicant)


def slot(application, slug):
    return application.period.document_requirements.get(slug=slug)


def client_in(client_as, user, language):
    client = client_as(user)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    return client


def post_photo(client, application, requirement, name, content, **extra):
    url = reverse("recruitment:document_upload", args=[application.pk, requirement.slug])
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(url, {"file": upload}, **extra)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_it_shrinks_a_phone_photo_into_the_pas_foto_slot_and_says_so(
    client_as, applicant, application, private_root, phone_photo
):
    pas_foto = slot(application, "pas-foto")  # 200 KB, at most 600 × 800
    assert len(phone_photo) > 10 * pas_foto.max_bytes

    response = post_photo(
        client_in(client_as, applicant, "en"), application, pas_foto, "IMG_2041.JPG", phone_photo
    )

    document = Document.objects.get(application=application, requirement=pas_foto)
    stored = (private_root / document.file.name).read_bytes()
    assert (document.size, document.sha256) == (len(stored), hashlib.sha256(stored).hexdigest())
    assert len(stored) <= pas_foto.max_bytes
    assert (document.extension, document.content_type) == ("jpg", "image/jpeg")
    image = stored_pixels(stored)
    assert image.size == (600, 800)
    assert not image.getexif() and not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert CAMERA.encode() not in stored
    megabytes = round(len(phone_photo) / 1024 / 1024, 1)
    assert messages_of(response) == [
        f"Version 1 of “{pas_foto.label}” has been saved. The photo was reduced from "
        f"3024 × 4032, {megabytes} MB to 600 × 800, {math.ceil(len(stored) / 1024)} KB. "
        "Its location (GPS) and camera data were removed."
    ]


def test_it_writes_the_sizes_as_indonesian_does(client_as, applicant, application, phone_photo):
    response = post_photo(
        client_in(client_as, applicant, "id"),
        application,
        slot(application, "pas-foto"),
        "foto.jpg",
        phone_photo,
    )

    [message] = messages_of(response)
    megabytes = f"{round(len(phone_photo) / 1024 / 1024, 1)}".replace(".", ",")
    assert f"{megabytes} MB" in message and "600 × 800" in message


def test_it_answers_the_upload_script_with_what_it_did(
    client_as, applicant, application, phone_photo
):
    response = post_photo(
        client_in(client_as, applicant, "en"),
        application,
        slot(application, "pas-foto"),
        "foto.jpg",
        phone_photo,
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )

    assert (response.status_code, response["X-Upload-Fragment"]) == (200, "1")
    page = response.content.decode()
    assert "The photo was reduced from 3024 × 4032" in page
    assert "alert-success" in page


def test_it_takes_an_heic_photo_into_the_ktp_slot(client_as, applicant, application, private_root):
    ktp = slot(application, "ktp")  # at most 1200 × 1200

    response = post_photo(
        client_in(client_as, applicant, "en"), application, ktp, "IMG_0001.HEIC", heic((1600, 1200))
    )

    document = Document.objects.get(requirement=ktp)
    stored = (private_root / document.file.name).read_bytes()
    assert stored_pixels(stored).size == (1200, 900)
    assert document.original_name == "IMG_0001.HEIC"  # as the applicant knows it...
    assert document.file.name.endswith(".jpg")  # ... kept as what it now is
    [message] = messages_of(response)
    assert "It was converted from HEIC to JPEG." in message


def test_it_keeps_no_more_than_a_phone_sends_and_says_why(
    monkeypatch, client_as, applicant, application, private_root
):
    kept = []
    original = TemporaryFileUploadHandler.receive_data_chunk

    def spy(self, raw_data, start):
        kept.append(len(raw_data))
        return original(self, raw_data, start)

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", spy)
    content = b"\xff\xd8\xff" + b"\x00" * (20 * 1024 * 1024)

    response = post_photo(
        client_in(client_as, applicant, "en"),
        application,
        slot(application, "pas-foto"),
        "foto.jpg",
        content,
    )

    assert messages_of(response) == [
        "The photo is 20 MB; photos up to 15 MB can be sent. Send the photo as the camera saved "
        "it, or a screenshot of it."
    ]
    assert 0 < sum(kept) <= RAW_MAX_BYTES
    assert not Document.objects.exists() and not private_root.exists()


def test_a_refused_photo_keeps_the_earlier_version(
    client_as, applicant, application, phone_photo, private_root
):
    client = client_in(client_as, applicant, "en")
    pas_foto = slot(application, "pas-foto")
    post_photo(client, application, pas_foto, "foto.jpg", phone_photo)

    response = post_photo(client, application, pas_foto, "foto.jpg", phone_photo[:30_000])

    assert messages_of(response)[-1].startswith("The photo could not be read.")
    assert list(Document.objects.values_list("version", "is_current")) == [(1, True)]


def test_the_slot_tells_what_it_accepts_and_keeps(client_as, applicant, application):
    pas_foto = slot(application, "pas-foto")
    url = reverse("recruitment:document_upload", args=[application.pk, "pas-foto"])

    page = client_in(client_as, applicant, "en").get(url).content.decode()

    assert (
        "A photo (JPEG, PNG, WebP or HEIC), kept as a JPEG of at most 600 × 800 pixels and "
        "200 KB. A larger photo straight from your phone is made smaller for you."
    ) in page
    assert "photos up to 15 MB can be sent" in page
    assert document_slot(application, pas_foto).upload_max_bytes == RAW_MAX_BYTES
    # A PDF slot keeps its own limit for what is received.
    assert document_slot(application, slot(application, "ijazah")).upload_max_bytes == 800 * 1024
