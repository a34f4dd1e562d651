"""Document uploads and downloads, with real small files made here: what is accepted, what is
refused (and that a refusal stores nothing and keeps the earlier version), who may download."""

import hashlib
import io
import threading
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import ExifTags, Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from recruitment.models import Application, Document
from recruitment.selectors.documents import document_slots
from recruitment.services.applications import ApplicationError
from recruitment.services.documents import document_upload
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


# --- real files --------------------------------------------------------------------------------


def jpeg_bytes(size=(120, 160), *, exif=None, quality=90) -> bytes:
    out = io.BytesIO()
    extra = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, (190, 30, 40)).save(out, "JPEG", quality=quality, **extra)
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Orientation] = 1
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (1.0, 58.0, 12.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (113.0, 50.0, 30.0)
    return jpeg_bytes(exif=exif)


def noisy_jpeg(side: int, quality: int) -> bytes:
    """Noise does not compress, so the JPEG quality decides the size."""
    out = io.BytesIO()
    Image.effect_noise((side, side), 80).convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


def pdf_bytes(*, pages=1, encrypt=False, javascript=False) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if javascript:
        writer.root_object[NameObject("/OpenAction")] = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert('hi');"),
            }
        )
    if encrypt:
        writer.encrypt("secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
PE_HEADER = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 50 + b"PE\x00\x00"
ELF_HEADER = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
POLYGLOT = b"%PDF-1.4\n<html><script>alert(1)</script></html>\n"


class EndlessStream:
    """A 50 MB upload that is never built in memory; it counts what was read from it."""

    name = "ijazah.pdf"

    def __init__(self, size=50 * 1024 * 1024):
        self.remaining = size
        self.served = 0

    def read(self, size=-1):
        size = self.remaining if size is None or size < 0 else min(size, self.remaining)
        self.remaining -= size
        self.served += size
        chunk = b"%PDF-1.4\n" if self.served == size else b""
        return (chunk + b"0" * size)[:size]


# --- fixtures ----------------------------------------------------------------------------------


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


def stored_files(root):
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def application(applicant):
    return ApplicationFactory(applicant=applicant)


@pytest.fixture
def photo(application):
    return application.period.document_requirements.get(slug="pas-foto")  # JPEG, 200 KB


@pytest.fixture
def ijazah(application):
    return application.period.document_requirements.get(slug="ijazah")  # PDF, 800 KB


@pytest.fixture
def owner(client_as, applicant):
    client = client_as(applicant)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def upload_url(application, requirement):
    return reverse("recruitment:document_upload", args=[application.pk, requirement.slug])


def post_file(client, application, requirement, name, content, **extra):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(upload_url(application, requirement), {"file": upload}, **extra)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def upload(application, requirement, name, content):
    return document_upload(
        application=application,
        requirement=requirement,
        uploaded_file=SimpleUploadedFile(name, content),
        user=application.applicant,
    )


# --- accepted files ----------------------------------------------------------------------------


def test_it_stores_a_jpeg_again_under_a_generated_name(owner, application, photo, private_root):
    original = jpeg_bytes()
    response = post_file(owner, application, photo, "../../etc/Pas Foto.JPG", original)

    assert response.status_code == 302
    assert response.url == reverse("recruitment:application_detail", args=[application.pk])
    assert messages_of(response) == [
        f"Version 1 of “{photo.label}” has been saved. The photo is kept at 120 × 160 pixels, 1 KB."
    ]
    document = Document.objects.get(application=application, requirement=photo)
    assert (document.version, document.is_current, document.extension) == (1, True, "jpg")
    assert document.content_type == "image/jpeg"
    assert document.original_name == "Pas Foto.JPG"  # folders stripped, kept only for display
    assert len(document.token) == 32 and document.token not in document.original_name
    assert document.file.name == f"applications/{application.pk}/{document.token}.jpg"
    [path] = stored_files(private_root)
    data = path.read_bytes()
    assert (document.size, document.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    with Image.open(io.BytesIO(data)) as image:
        assert (image.format, image.mode, image.size) == ("JPEG", "RGB", (120, 160))


def test_it_drops_exif_gps_and_anything_hidden_after_the_photo(application, photo, private_root):
    original = jpeg_with_gps() + b"<html><script>alert(1)</script></html>"
    with Image.open(io.BytesIO(original)) as image:
        assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test file does carry GPS

    document = upload(application, photo, "selfie.jpg", original)

    data = (private_root / document.file.name).read_bytes()
    with Image.open(io.BytesIO(data)) as image:
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info
    assert b"PhoneMaker" not in data and b"<script>" not in data


def test_it_lowers_the_quality_until_the_photo_fits(application, photo):
    sent = noisy_jpeg(300, quality=60)
    photo.max_kb = len(sent) // 1024 + 1
    photo.save()
    assert len(noisy_jpeg(300, quality=85)) > photo.max_bytes  # quality 85 would not fit

    document = upload(application, photo, "photo.jpg", sent)

    assert document.size <= photo.max_bytes


def test_it_refuses_a_photo_that_does_not_fit_even_at_low_quality(application, photo):
    # Noise does not compress, and 300 pixels is already below the smallest size the portal
    # shrinks a photo to, so nothing can bring it under 10 KB.
    sent = noisy_jpeg(300, quality=20)
    photo.max_kb = 10
    photo.save()
    assert len(noisy_jpeg(300, quality=50)) > photo.max_bytes

    with pytest.raises(ApplicationError, match="Even at 300 × 300 pixels and a low quality"):
        upload(application, photo, "photo.jpg", sent)
    assert not Document.objects.exists()


def test_it_stores_a_valid_pdf_as_it_is(application, ijazah, private_root):
    original = pdf_bytes()

    document = upload(application, ijazah, "C:\\Users\\me\\ijazah.pdf", original)

    assert (private_root / document.file.name).read_bytes() == original
    assert (document.extension, document.content_type) == ("pdf", "application/pdf")
    assert document.original_name == "ijazah.pdf"


def test_it_adds_versions_and_keeps_only_the_latest_current(application, ijazah, private_root):
    for _ in range(3):
        upload(application, ijazah, "ijazah.pdf", pdf_bytes())

    versions = Document.objects.filter(application=application, requirement=ijazah)
    assert sorted(versions.values_list("version", "is_current")) == [
        (1, False),
        (2, False),
        (3, True),
    ]
    assert len(stored_files(private_root)) == 3  # every version is kept


# --- refused files -----------------------------------------------------------------------------

REFUSALS = [
    ("html-renamed-pdf", "ijazah", "ijazah.pdf", HTML_PAGE, "web page (HTML)"),
    ("pe-renamed-jpg", "pas-foto", "foto.jpg", PE_HEADER, "is a program"),
    ("elf-renamed-pdf", "ijazah", "ijazah.pdf", ELF_HEADER, "is a program"),
    ("polyglot", "ijazah", "ijazah.pdf", POLYGLOT + pdf_bytes(), "web-page code"),
    ("empty", "ijazah", "ijazah.pdf", b"", "The file is empty"),
    ("pdf-in-jpeg-slot", "pas-foto", "foto.jpg", pdf_bytes(), "is a PDF file, not a photo"),
    ("jpeg-in-pdf-slot", "ijazah", "ijazah.pdf", jpeg_bytes(), "is a JPG file, not a PDF"),
    ("broken-jpeg", "pas-foto", "foto.jpg", b"\xff\xd8\xff\xe0" + b"junk" * 100, "not be read"),
    ("broken-pdf", "ijazah", "ijazah.pdf", b"%PDF-1.7\n" + b"junk " * 100, "not be read"),
    ("pdf-without-pages", "ijazah", "ijazah.pdf", pdf_bytes(pages=0), "no pages"),
    ("encrypted-pdf", "ijazah", "ijazah.pdf", pdf_bytes(encrypt=True), "password"),
    ("pdf-with-javascript", "ijazah", "ijazah.pdf", pdf_bytes(javascript=True), "contains scripts"),
    ("unknown-bytes", "ijazah", "ijazah.pdf", b"hello, world\n" * 10, "is not a PDF"),
    ("oversize", "ijazah", "ijazah.pdf", b"%PDF-1.4\n" + b"0" * (900 * 1024 - 9), "900 KB; the"),
    ("junk-jpeg", "pas-foto", "foto.jpg", b"\xff\xd8\xff" + b"0" * 300_000, "not be read"),
]


@pytest.mark.parametrize(
    ("slug", "name", "content", "reason"),
    [pytest.param(*case[1:], id=case[0]) for case in REFUSALS],
)
def test_it_refuses_a_bad_file_says_why_and_stores_nothing(
    owner, application, private_root, slug, name, content, reason
):
    requirement = application.period.document_requirements.get(slug=slug)

    response = post_file(owner, application, requirement, name, content)

    assert response.status_code == 302
    [message] = messages_of(response)
    assert reason in message
    assert not Document.objects.exists()
    assert stored_files(private_root) == []


def test_it_says_the_limit_and_the_size_of_an_oversize_file(owner, application, ijazah):
    response = post_file(owner, application, ijazah, "ijazah.pdf", b"%PDF-1.4\n" + b"0" * 900_000)

    assert messages_of(response) == ["The file is 879 KB; the limit for this document is 800 KB."]


def test_it_keeps_the_earlier_version_when_an_upload_is_refused(
    owner, application, ijazah, private_root
):
    first = upload(application, ijazah, "ijazah.pdf", pdf_bytes())

    post_file(owner, application, ijazah, "ijazah.pdf", HTML_PAGE)

    assert list(Document.objects.values_list("pk", "is_current")) == [(first.pk, True)]
    assert stored_files(private_root) == [private_root / first.file.name]


def test_it_reads_no_more_than_the_limit_of_a_huge_upload(application, ijazah, private_root):
    stream = EndlessStream()

    with pytest.raises(ApplicationError, match="larger than the limit of 800 KB"):
        document_upload(
            application=application,
            requirement=ijazah,
            uploaded_file=stream,
            user=application.applicant,
        )

    assert stream.served == ijazah.max_bytes + 1
    assert stored_files(private_root) == []


def test_it_drops_a_large_upload_without_keeping_it(
    monkeypatch, owner, application, ijazah, private_root
):
    # Past the limit the view's upload handler counts the bytes and drops them: the default
    # handlers (memory, temporary file) never see more than the limit.
    kept = []
    original = TemporaryFileUploadHandler.receive_data_chunk

    def spy(self, raw_data, start):
        kept.append(len(raw_data))
        return original(self, raw_data, start)

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", spy)
    content = b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024 - 9)

    response = post_file(owner, application, ijazah, "ijazah.pdf", content)

    assert messages_of(response) == ["The file is 3072 KB; the limit for this document is 800 KB."]
    assert 0 < sum(kept) <= ijazah.max_bytes
    assert stored_files(private_root) == []


def test_it_refuses_a_post_without_a_file(owner, application, photo):
    response = owner.post(upload_url(application, photo), {})

    assert messages_of(response) == ["Choose a file to upload."]
    assert not Document.objects.exists()


# --- when uploads are allowed ------------------------------------------------------------------


def test_it_refuses_uploads_after_finalisation(owner, application, photo, private_root):
    Application.objects.filter(pk=application.pk).update(status=Application.Status.SUBMITTED)

    response = post_file(owner, application, photo, "foto.jpg", jpeg_bytes())

    assert messages_of(response) == [
        "You have finalised this application; its documents can no longer be changed."
    ]
    assert stored_files(private_root) == []


def test_it_refuses_uploads_after_the_deadline(owner, application, photo, private_root):
    period = application.period
    period.registration_opens_at = timezone.now() - timedelta(days=20)
    period.registration_closes_at = timezone.now() - timedelta(minutes=1)
    period.save()

    response = post_file(owner, application, photo, "foto.jpg", jpeg_bytes())

    assert messages_of(response) == [
        "Registration for this formation is closed; nothing can be changed any more."
    ]
    assert not Document.objects.exists() and stored_files(private_root) == []


def test_it_refuses_a_slot_of_another_period(application, ijazah):
    other = ApplicationFactory().period.document_requirements.get(slug="ijazah")

    with pytest.raises(ApplicationError, match="does not belong"):
        upload(application, other, "ijazah.pdf", pdf_bytes())


def test_it_refuses_an_upload_by_someone_else_in_the_service(application, ijazah, hr):
    with pytest.raises(ApplicationError, match="Only the applicant"):
        document_upload(
            application=application,
            requirement=ijazah,
            uploaded_file=SimpleUploadedFile("ijazah.pdf", pdf_bytes()),
            user=hr,
        )


# --- pages, fragments and who may use them -----------------------------------------------------


def test_it_shows_the_upload_form_of_one_slot(owner, application, photo):
    response = owner.get(upload_url(application, photo))

    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        'enctype="multipart/form-data"',
        'accept=".jpg,.jpeg,.png,.webp,.heic,.heif,image/jpeg,image/png,image/webp,image/heic,'
        'image/heif"',
        f'data-max-bytes="{15 * 1024 * 1024}"',  # a phone photo is received whole...
        'data-keep-bytes="204800"',  # ... and kept within the slot's limit
        "data-msg-shrink=",
        "data-msg-size=",
        "<progress",
        "js/uploads.js",
        "Not uploaded yet.",
    ):
        assert text in page, text


def test_it_answers_a_script_with_the_slot_fragment(owner, application, photo):
    xhr = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}

    accepted = post_file(owner, application, photo, "foto.jpg", jpeg_bytes(), **xhr)
    refused = post_file(owner, application, photo, "foto.pdf", HTML_PAGE, **xhr)

    assert (accepted.status_code, accepted["X-Upload-Fragment"]) == (200, "1")
    assert "Version 1 of" in accepted.content.decode()
    assert "<html" not in accepted.content.decode()  # a fragment, not a page
    assert refused.status_code == 422
    assert "web page (HTML)" in refused.content.decode()
    assert 'id="slot-pas-foto"' in refused.content.decode()
    assert Document.objects.get().version == 1


def test_it_checks_the_csrf_token_after_limiting_the_upload(applicant, application, photo):
    client = Client(enforce_csrf_checks=True)
    client.force_login(applicant)

    response = post_file(client, application, photo, "foto.jpg", jpeg_bytes())

    assert response.status_code == 403
    assert not Document.objects.exists()


@pytest.mark.parametrize("persona", ["hr", "other_applicant", "resident"])
def test_it_hides_the_upload_from_everyone_but_the_applicant(
    request, client_as, application, photo, private_root, persona
):
    client = client_as(request.getfixturevalue(persona))

    assert client.get(upload_url(application, photo)).status_code == 404
    assert post_file(client, application, photo, "foto.jpg", jpeg_bytes()).status_code == 404
    assert stored_files(private_root) == []


def test_it_sends_anonymous_uploaders_to_the_login_page(client, application, photo):
    response = post_file(client, application, photo, "foto.jpg", jpeg_bytes())

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not Document.objects.exists()


def test_it_returns_404_for_an_unknown_slot(owner, application):
    url = reverse("recruitment:document_upload", args=[application.pk, "no-such-slot"])

    assert owner.get(url).status_code == 404


@pytest.fixture
def stored_photo(application, photo):
    return upload(application, photo, "foto.jpg", jpeg_bytes())


@pytest.mark.parametrize("persona", ["applicant", "hr"])
def test_it_lets_the_owner_and_hr_download(request, client_as, stored_photo, private_root, persona):
    response = client_as(request.getfixturevalue(persona)).get(stored_photo.get_absolute_url())

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    app_pk = stored_photo.application_id
    assert response["Content-Disposition"] == (
        f'attachment; filename="application-{app_pk}-pas-foto-v1.jpg"'
    )
    body = b"".join(response.streaming_content)
    assert body == (private_root / stored_photo.file.name).read_bytes()


def test_it_names_the_download_after_the_registration_number(client_as, applicant, stored_photo):
    Application.objects.filter(pk=stored_photo.application_id).update(
        registration_number="RKP-2026-000042"
    )

    response = client_as(applicant).get(stored_photo.get_absolute_url())

    assert 'filename="RKP-2026-000042-pas-foto-v1.jpg"' in response["Content-Disposition"]


@pytest.mark.parametrize("persona", ["other_applicant", "resident", "employee"])
def test_it_hides_documents_from_others(request, client_as, stored_photo, persona):
    client = client_as(request.getfixturevalue(persona))

    assert client.get(stored_photo.get_absolute_url()).status_code == 404


def test_it_sends_anonymous_downloaders_to_the_login_page(client, stored_photo):
    response = client.get(stored_photo.get_absolute_url())

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_it_returns_404_when_the_stored_file_is_gone(client_as, applicant, stored_photo):
    stored_photo.file.storage.delete(stored_photo.file.name)

    assert client_as(applicant).get(stored_photo.get_absolute_url()).status_code == 404


# --- the slots of an application ---------------------------------------------------------------


def test_it_lists_the_slots_in_one_query_once_the_formations_slots_are_kept(
    django_assert_num_queries, application, photo, ijazah, settings
):
    upload(application, ijazah, "ijazah.pdf", pdf_bytes())
    upload(application, ijazah, "ijazah.pdf", pdf_bytes())
    application = Application.objects.select_related("formation", "period").get(pk=application.pk)
    with django_assert_num_queries(3):  # the formation's slots, its required ones, the documents
        document_slots(application)

    with django_assert_num_queries(1):  # the application's documents, every version
        slots = document_slots(application)

    by_slug = {slot.requirement.slug: slot for slot in slots}
    assert [slot.requirement.slug for slot in slots][:3] == ["pas-foto", "swafoto", "ktp"]
    assert (by_slug["ijazah"].required, by_slug["ijazah"].versions) == (True, 2)
    assert by_slug["ijazah"].current.version == 2 and by_slug["ijazah"].earlier_versions == 1
    assert (by_slug["pas-foto"].required, by_slug["pas-foto"].current) == (True, None)
    assert by_slug["swafoto"].required is False  # the factory requires pas foto and ijazah only
    assert all(slot.editable for slot in slots)


def test_it_shows_hr_the_documents_without_an_upload_form(client_as, hr, application, stored_photo):
    response = client_as(hr).get(application.get_absolute_url())

    page = response.content.decode()
    assert stored_photo.get_absolute_url() in page
    assert 'type="file"' not in page


# --- two uploads at the same moment ------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_keeps_one_current_version_when_two_uploads_race(private_root):
    from workforce.services.reference import reference_data_ensure

    reference_data_ensure()  # an earlier transactional test may have flushed the seeded data
    application = ApplicationFactory()
    ijazah = application.period.document_requirements.get(slug="ijazah")
    barrier = threading.Barrier(2)
    outcomes = []

    def send():
        try:
            barrier.wait(timeout=10)
            outcomes.append(upload(application, ijazah, "ijazah.pdf", pdf_bytes()).version)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == [1, 2]
    current = Document.objects.filter(application=application, requirement=ijazah, is_current=True)
    assert list(current.values_list("version", flat=True)) == [2]
