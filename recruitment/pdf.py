"""The registration card (Kartu Pendaftaran) as a PDF, drawn by WeasyPrint on white A4.

The template carries its CSS inline and links to nothing: the card never reads a file or the
network, so it prints the same whatever is down (DOMAIN.md 1.14: a link outage once blocked card
printing nationwide)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from recruitment.models import ApplicantProfile, Application


def verification_url(application: Application) -> str:
    path = reverse("recruitment:verify_code", args=[application.verification_code])
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _no_fetching() -> URLFetcher:
    # No protocol allowed: whatever URL ends up in the template (an applicant's name, say)
    # is never fetched, neither file:// nor http(s)://.
    return URLFetcher(allowed_protocols=frozenset())


def registration_card_pdf(application: Application) -> bytes:
    """The card of a finalised application, in the active language."""
    profile = ApplicantProfile.objects.filter(user_id=application.applicant_id).first()
    html = render_to_string(
        "recruitment/card.html",
        {
            "application": application,
            "profile": profile,
            "formation": application.formation,
            "period": application.period,
            "verification_url": verification_url(application),
        },
    )
    return HTML(string=html, url_fetcher=_no_fetching()).write_pdf()


def exam_card_pdf(application: Application) -> bytes:
    """The exam participant card (Kartu Peserta Ujian, DOMAIN.md 1.6): identity with the NIK
    masked, formation, and the session's place, date and times in WIB."""
    profile = ApplicantProfile.objects.filter(user_id=application.applicant_id).first()
    html = render_to_string(
        "recruitment/announcements/exam_card.html",
        {
            "application": application,
            "profile": profile,
            "formation": application.formation,
            "period": application.period,
            "session": application.exam_session,
        },
    )
    return HTML(string=html, url_fetcher=_no_fetching()).write_pdf()


def announcement_pdf(announcement, rows) -> bytes:
    """A published announcement as a printable A4 list: registration numbers and results per
    formation, never a name or an NIK."""
    html = render_to_string(
        "recruitment/announcements/announcement_pdf.html",
        {"announcement": announcement, "period": announcement.period, "rows": rows},
    )
    return HTML(string=html, url_fetcher=_no_fetching()).write_pdf()
