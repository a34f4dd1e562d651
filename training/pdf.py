"""The training certificate as a PDF, drawn by WeasyPrint on white A4. Like recruitment's card,
the template carries its CSS inline and the fetcher fetches nothing (no file, no network)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from training.models import Certificate


def verification_url(certificate: Certificate) -> str:
    path = reverse("training:verify_code", args=[certificate.verification_code])
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _no_fetching() -> URLFetcher:
    return URLFetcher(allowed_protocols=frozenset())


def certificate_pdf(certificate: Certificate) -> bytes:
    enrolment = certificate.enrolment
    html = render_to_string(
        "training/certificate.html",
        {
            "certificate": certificate,
            "enrolment": enrolment,
            "employee": enrolment.employee,
            "session": enrolment.session,
            "programme": enrolment.session.programme,
            "verification_url": verification_url(certificate),
        },
    )
    return HTML(string=html, url_fetcher=_no_fetching()).write_pdf()
