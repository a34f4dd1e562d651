"""The training certificate as a PDF (core.pdf: WeasyPrint, fetching nothing) on A4 landscape: the
issuing office's letterhead, the holder and the programme, the signatory's name and position, the
verification code and a QR code that opens the public check."""

from django.urls import reverse

from core.pdf import qr_svg, render_pdf, site_url
from training.models import Certificate, Programme


def verification_url(certificate: Certificate) -> str:
    return site_url(reverse("training:verify_code", args=[certificate.verification_code]))


def certificate_signatory(certificate: Certificate, programme: Programme) -> dict:
    """Who signs: the signatory the certificate was issued with; one issued while its programme
    had no signatory named takes the programme's present one."""
    source = certificate if certificate.signatory_name else programme
    return {
        "name": source.signatory_name,
        "position": source.signatory_position,
        "nip": source.signatory_nip,
    }


def certificate_pdf(certificate: Certificate) -> bytes:
    enrolment = certificate.enrolment
    programme = enrolment.session.programme
    url = verification_url(certificate)
    return render_pdf(
        "training/certificate.html",
        {
            "certificate": certificate,
            "enrolment": enrolment,
            "employee": enrolment.employee,
            "session": enrolment.session,
            "programme": programme,
            "signatory": certificate_signatory(certificate, programme),
            "qr": qr_svg(url),
            "verification_url": url,
        },
        tighter=2,
    )
