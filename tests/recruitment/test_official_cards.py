"""The registration card and the exam participant card as official documents: the issuing
office's letterhead, the applicant's pas foto, the verification code and a QR code that opens
the public check at the address the portal is served at, one A5 page, in the active language.
Each card is drawn as an image and read back (tests/pdf_checks.py)."""

import secrets

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import get_random_string

from recruitment.models import AdminResult, Announcement, Document, DocumentRequirement
from recruitment.pdf import exam_card_pdf, registration_card_pdf, verification_url
from recruitment.services.announcements import announcement_publish
from recruitment.services.applications import CODE_ALPHABET
from recruitment.services.exams import exam_sessions_assign
from tests.factories import ApplicantProfileFactory
from tests.pdf_checks import A5, draw_pdf, mm_to_pixels, photo_bytes
from tests.recruitment.factories_selection import (
    closed_period,
    exam_session,
    formation_in,
    screened_application,
    wib,
)

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

SITE = "http://127.0.0.1:8123"

NAME = "Siti Nurhaliza Rahmawati"
RED = (200, 16, 32)
# The photo box is 30 x 40 mm; drawn at the checks' resolution, most of it must be the photo.
PHOTO_PIXELS = mm_to_pixels(30) * mm_to_pixels(40)


@pytest.fixture(autouse=True)
def served_at_8123(settings):
    settings.SITE_URL = SITE + "/"  # a trailing slash must not double the path's


@pytest.fixture
def formation():
    return formation_in(closed_period(name="Seleksi CPNS Kecamatan Rakumpit 2026"))


@pytest.fixture
def application(formation):
    profile = ApplicantProfileFactory(name_on_ktp=NAME)
    return finalised(formation, applicant=profile.user)


def finalised(formation, **kwargs):
    """A screened application with the verification code that finalising draws."""
    application = screened_application(formation, **kwargs)
    application.verification_code = get_random_string(12, allowed_chars=CODE_ALPHABET)
    application.save(update_fields=["verification_code"])
    return application


def store_pas_foto(application, content: bytes, extension: str = "jpg") -> Document:
    """The applicant's current pas foto, stored as the upload service stores it."""
    requirement = DocumentRequirement.objects.get(period=application.period, slug="pas-foto")
    earlier = Document.objects.filter(application=application, requirement=requirement)
    version = earlier.count() + 1
    earlier.update(is_current=False)
    token = secrets.token_hex(16)
    document = Document(
        application=application,
        requirement=requirement,
        version=version,
        token=token,
        extension=extension,
        original_name=f"IMG_0001.{extension}",
        content_type="image/jpeg",
        size=len(content),
        sha256="0" * 64,
    )
    document.file.save(f"{token}.{extension}", ContentFile(content), save=False)
    document.save()
    return document


def schedule(application, hr, **session):
    period = application.period
    exam_session(period, **session)
    announcement_publish(
        period=period, kind=Announcement.Kind.ADMIN, actor=hr, now=wib(2026, 10, 13, 9, 0)
    )
    announcement_publish(
        period=period, kind=Announcement.Kind.POST_APPEAL, actor=hr, now=wib(2026, 10, 25, 9, 0)
    )
    exam_sessions_assign(period=period, actor=hr)
    application.refresh_from_db()
    return application


def check_url(application) -> str:
    return SITE + reverse("recruitment:verify_code", args=[application.verification_code])


# --- the registration card ------------------------------------------------------------------


def test_it_draws_the_registration_card_as_one_official_a5_page(application):
    store_pas_foto(application, photo_bytes(RED))
    with translation.override("en"):
        card = draw_pdf(registration_card_pdf(application), "registration-card-en")

    assert card.pages == 1
    assert card.is_size(A5)
    assert "PALANGKA RAYA CITY GOVERNMENT" in card.words
    assert "KECAMATAN RAKUMPIT" in card.words
    assert "Jl. Tjilik Riwut Km 34" in card.text
    assert "REGISTRATION CARD" in card.words
    assert "Seleksi CPNS Kecamatan Rakumpit 2026" in card.text
    assert NAME in card.text
    assert application.registration_number in card.text
    assert application.verification_code in card.text
    assert check_url(application) in card.joined
    assert application.applicant.applicant_profile.nik not in card.text
    # A scanner reads the QR code as the address of the public check, at this portal's port.
    assert card.qr_codes() == [check_url(application)]
    assert verification_url(application) == check_url(application)
    # The photo fills its 3 x 4 cm box.
    assert card.pixels_near(RED) > 0.9 * PHOTO_PIXELS


def test_it_draws_the_card_in_indonesian(application):
    with translation.override("id"):
        card = draw_pdf(registration_card_pdf(application), "registration-card-id")

    assert card.pages == 1
    assert "KARTU PENDAFTARAN" in card.words
    assert "KODE VERIFIKASI" in card.words
    assert "REGISTRATION CARD" not in card.words
    assert card.qr_codes() == [check_url(application)]


def test_it_leaves_an_empty_photo_box_without_a_pas_foto(application):
    with translation.override("en"):
        card = draw_pdf(registration_card_pdf(application))

    assert card.pages == 1
    assert "Photo 3 × 4" in card.text
    assert card.pixels_near(RED) == 0


@pytest.mark.parametrize(
    "content", [b"not a photo at all", photo_bytes(RED)[:400]], ids=["garbage", "truncated"]
)
def test_it_still_prints_the_card_when_the_photo_cannot_be_read(application, content):
    store_pas_foto(application, content)
    with translation.override("en"):
        card = draw_pdf(registration_card_pdf(application))

    assert card.pages == 1
    assert "Photo 3 × 4" in card.text
    assert card.qr_codes() == [check_url(application)]


def test_it_prints_the_card_when_the_photo_file_is_gone(application):
    document = store_pas_foto(application, photo_bytes(RED))
    document.file.storage.delete(document.file.name)

    card = draw_pdf(registration_card_pdf(application))
    assert card.pages == 1
    assert card.pixels_near(RED) == 0


def test_it_prints_a_png_photo_with_transparency_on_white(application):
    store_pas_foto(application, photo_bytes((20, 60, 200), fmt="PNG"), extension="png")
    card = draw_pdf(registration_card_pdf(application))
    assert card.pixels_near((20, 60, 200)) > 0.9 * PHOTO_PIXELS


def test_it_keeps_long_names_on_one_page(formation):
    formation.position.name = "Ahli Pertama - Administrator Kesehatan Masyarakat " * 2
    formation.position.save()
    formation.position.unit.name = "Unit Pelaksana Teknis Daerah Puskesmas Rakumpit " * 2
    formation.position.unit.save()
    profile = ApplicantProfileFactory(name_on_ktp="Nur " * 24, birth_place="Tumbang " * 6)
    application = finalised(formation, applicant=profile.user)

    with translation.override("en"):
        card = draw_pdf(registration_card_pdf(application), "registration-card-long")
    assert card.pages == 1
    assert card.qr_codes() == [check_url(application)]


def test_it_serves_the_card_with_the_photo_to_its_owner(client_as, formation):
    """Through the view: the finalised application's owner downloads the card."""
    profile = ApplicantProfileFactory(name_on_ktp=NAME)
    application = finalised(formation, applicant=profile.user)
    store_pas_foto(application, photo_bytes(RED))

    url = reverse("recruitment:application_card", args=[application.pk])
    response = client_as(profile.user).get(url)
    card = draw_pdf(response.content)
    assert card.pixels_near(RED) > 0.9 * PHOTO_PIXELS
    assert card.qr_codes() == [check_url(application)]


# --- the exam participant card --------------------------------------------------------------


def test_it_draws_the_exam_card_with_photo_code_and_qr(application, hr):
    store_pas_foto(application, photo_bytes(RED))
    schedule(application, hr, location="SMPN 7 Palangka Raya", address="Jl. RTA Milono Km 4")

    with translation.override("en"):
        card = draw_pdf(exam_card_pdf(application), "exam-card-en")

    assert card.pages == 1
    assert card.is_size(A5)
    assert "PALANGKA RAYA CITY GOVERNMENT" in card.words
    assert "EXAM PARTICIPANT CARD" in card.words
    assert NAME in card.text
    assert application.registration_number in card.text
    assert application.verification_code in card.text  # missing from the card before
    assert "SMPN 7 Palangka Raya" in card.text and "Jl. RTA Milono Km 4" in card.text
    assert "08:00–09:40 WIB" in card.text
    assert card.qr_codes() == [check_url(application)]
    assert card.pixels_near(RED) > 0.9 * PHOTO_PIXELS


def test_it_keeps_the_exam_card_on_one_page_with_long_values(formation, hr):
    profile = ApplicantProfileFactory(name_on_ktp="Nur " * 24)
    application = finalised(formation, applicant=profile.user)
    formation.position.name = "Ahli Pertama - Administrator Kesehatan Masyarakat " * 2
    formation.position.save()
    schedule(application, hr, location="L" * 200, address="Jalan " * 50, name="S" * 60)
    with translation.override("en"):
        card = draw_pdf(exam_card_pdf(application), "exam-card-long")
    assert card.pages == 1
    assert card.qr_codes() == [check_url(application)]  # still readable, drawn smaller


# --- the public check of both cards ---------------------------------------------------------


def verify(client, application):
    return client.get(
        reverse("recruitment:verify_code", args=[application.verification_code]),
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_it_says_which_session_a_valid_exam_card_admits_to(client, application, hr):
    schedule(application, hr, name="Sesi 2", location="SMPN 7 Palangka Raya")
    page = verify(client, application).text

    assert "This card is genuine" in page
    assert "The exam participant card of this registration is valid for this session" in page
    assert "Sesi 2" in page and "SMPN 7 Palangka Raya" in page
    assert application.exam_session.date.strftime("%Y-%m-%d") in page
    assert "08:00–09:40 WIB" in page
    assert NAME not in page  # the public page shows no personal data


def test_it_says_nothing_about_exams_before_the_exam_stage(client, application):
    page = verify(client, application).text
    assert "This card is genuine" in page
    assert "Exam participant card" not in page


def test_it_says_a_tms_registration_has_no_valid_exam_card(client, formation, hr):
    tms = finalised(formation, result=AdminResult.TMS)
    ms = finalised(formation)
    schedule(ms, hr)

    page = verify(client, tms).text
    assert "has no valid exam participant card" in page
    assert "valid for this session" not in page


def test_it_checks_an_exam_card_in_one_query(
    page_cache_off, client, application, hr, django_assert_num_queries
):
    schedule(application, hr)
    # the application with its period, formation, unit and session, and whether exam cards
    # exist (the post-appeal announcement)
    with django_assert_num_queries(1):
        assert "valid for this session" in verify(client, application).text
