"""The training certificate as an official document: the issuing office's letterhead, the holder,
the programme, the signatory it was issued with (name, position, NIP), the verification code and
a QR code that opens the public check, on one A4 landscape page. Drawn as an image and read back
(tests/pdf_checks.py)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from tests.factories import EmployeeFactory
from tests.pdf_checks import A4, draw_pdf
from tests.training.factories import ProgrammeFactory, enrolment, past_session
from training.models import Certificate
from training.pdf import certificate_pdf
from training.services.delivery import attendance_record, session_results_record

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8123"
CAMAT = {
    "signatory_name": "Drs. Ahmad Syahrani, M.Si.",
    "signatory_position": "Camat Rakumpit",
    "signatory_nip": "197503122000031004",
}


@pytest.fixture(autouse=True)
def served_at_8123(settings):
    settings.SITE_URL = SITE


def passed_certificate(hr, programme, name="Rina Maharani, S.Kep.") -> Certificate:
    session = past_session(programme=programme, place="Aula Puskesmas Rakumpit")
    place = enrolment(session, EmployeeFactory(full_name=name), by=hr)
    for meeting in session.meetings.all():
        attendance_record(meeting=meeting, present=[place.pk], user=hr)
    session_results_record(session=session, scores={}, user=hr)
    return Certificate.objects.select_related(
        "enrolment__employee", "enrolment__session__programme"
    ).get(enrolment=place)


def check_url(certificate) -> str:
    return SITE + reverse("training:verify_code", args=[certificate.verification_code])


def test_it_draws_the_certificate_as_one_official_a4_landscape_page(hr):
    programme = ProgrammeFactory(name="Pelayanan Prima bagi Pasien", jp=12, **CAMAT)
    certificate = passed_certificate(hr, programme)
    employee = certificate.enrolment.employee

    with translation.override("en"):
        drawn = draw_pdf(certificate_pdf(certificate), "training-certificate-en")

    assert drawn.pages == 1
    assert drawn.is_size(A4, landscape=True)
    assert "PALANGKA RAYA CITY GOVERNMENT" in drawn.words
    assert "KECAMATAN RAKUMPIT" in drawn.words
    assert "CERTIFICATE" in drawn.words
    assert certificate.number in drawn.text
    assert "Rina Maharani, S.Kep." in drawn.text
    assert f"NIP {employee.nip}" in drawn.text
    assert "Pelayanan Prima bagi Pasien" in drawn.text
    assert "12 JP" in drawn.text
    # Who signs, and where and when.
    assert "Camat Rakumpit" in drawn.text
    assert "Drs.AhmadSyahrani,M.Si." in drawn.joined
    assert "NIP 197503122000031004" in drawn.text
    assert "Palangka Raya," in drawn.text
    # The check: the code printed, the address, and a QR code a phone reads as that address.
    assert certificate.verification_code in drawn.text
    assert check_url(certificate) in drawn.joined
    assert drawn.qr_codes() == [check_url(certificate)]


def test_it_draws_the_certificate_in_indonesian(hr):
    certificate = passed_certificate(hr, ProgrammeFactory(**CAMAT))
    with translation.override("id"):
        drawn = draw_pdf(certificate_pdf(certificate), "training-certificate-id")

    assert drawn.pages == 1
    assert "SERTIFIKAT" in drawn.words
    assert "Drs.AhmadSyahrani,M.Si." in drawn.joined
    assert drawn.qr_codes() == [check_url(certificate)]


def test_it_keeps_the_signatory_a_certificate_was_issued_with(hr):
    programme = ProgrammeFactory(**CAMAT)
    certificate = passed_certificate(hr, programme)
    assert certificate.signatory_name == "Drs. Ahmad Syahrani, M.Si."

    programme.signatory_name = "Hj. Norhasanah, S.STP."
    programme.signatory_nip = ""
    programme.save()
    later = passed_certificate(hr, programme, name="Budi Santoso")

    with translation.override("en"):
        first = draw_pdf(certificate_pdf(certificate))
        second = draw_pdf(certificate_pdf(later))
    assert "Drs.AhmadSyahrani,M.Si." in first.joined and "Norhasanah" not in first.text
    assert "Hj.Norhasanah,S.STP." in second.joined and "Syahrani" not in second.text
    assert "NIP 197503122000031004" in first.text and "197503122000031004" not in second.text


def test_it_takes_the_programmes_signatory_for_a_certificate_issued_without_one(hr):
    programme = ProgrammeFactory(signatory_name="")
    certificate = passed_certificate(hr, programme)
    assert certificate.signatory_name == ""

    programme.signatory_name = "Drs. Ahmad Syahrani, M.Si."
    programme.save()
    certificate = Certificate.objects.get(pk=certificate.pk)  # as the next download reads it
    with translation.override("en"):
        drawn = draw_pdf(certificate_pdf(certificate))
    assert "Drs.AhmadSyahrani,M.Si." in drawn.joined
    assert "Camat Rakumpit" in drawn.text  # the position a new programme starts with


def test_it_keeps_a_long_name_and_programme_on_one_page(hr):
    programme = ProgrammeFactory(
        name="Pelatihan Teknis Kegawatdaruratan Maternal dan Neonatal bagi Bidan " * 2,
        provider="Badan Pengembangan Sumber Daya Manusia Provinsi Kalimantan Tengah",
        **CAMAT,
    )
    certificate = passed_certificate(hr, programme, name="Nur " * 28)
    with translation.override("en"):
        drawn = draw_pdf(certificate_pdf(certificate), "training-certificate-long")
    assert drawn.pages == 1
    assert drawn.qr_codes() == [check_url(certificate)]


def test_it_refuses_a_signatory_nip_that_is_not_one():
    programme = ProgrammeFactory.build(signatory_nip="12345")
    with pytest.raises(ValidationError) as error:
        programme.full_clean(exclude=["target_sectors", "target_positions", "answers_topics"])
    assert "signatory_nip" in error.value.message_dict


def test_it_serves_the_certificate_with_its_qr_code(client_as, hr, me):
    programme = ProgrammeFactory(**CAMAT)
    session = past_session(programme=programme)
    place = enrolment(session, me, by=hr)
    for meeting in session.meetings.all():
        attendance_record(meeting=meeting, present=[place.pk], user=hr)
    session_results_record(session=session, scores={}, user=hr)

    place.refresh_from_db()
    response = client_as(me.user).get(reverse("training:certificate_pdf", args=[place.pk]))
    drawn = draw_pdf(response.content)
    assert drawn.qr_codes() == [check_url(place.certificate)]
    assert me.full_name in drawn.text
