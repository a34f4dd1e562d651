"""The registration card (Kartu Pendaftaran) as a PDF, drawn by WeasyPrint on white A4.

The template carries its CSS inline and links to nothing: the card never reads a file or the
network, so it prints the same whatever is down (docs/domain.md 1.14: a link outage once blocked
card printing nationwide)."""

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from recruitment.models import Announcement, ApplicantProfile, Application, Decision


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
    """The exam participant card (Kartu Peserta Ujian, docs/domain.md 1.6): identity with the NIK
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


# A published list changes after its publication only through a logged decision of these kinds
# (docs/domain.md 1.4-1.10): HR's corrections, and for the exam lists new scores and rankings.
LIST_CHANGING_KINDS = {
    Announcement.Kind.ADMIN: [Decision.Kind.CORRECTION],
    Announcement.Kind.POST_APPEAL: [Decision.Kind.CORRECTION],
    Announcement.Kind.SKD: [
        Decision.Kind.CORRECTION,
        Decision.Kind.SCORE,
        Decision.Kind.RANKING,
        Decision.Kind.OPTIMISATION,
    ],
    Announcement.Kind.FINAL: [
        Decision.Kind.CORRECTION,
        Decision.Kind.SCORE,
        Decision.Kind.RANKING,
        Decision.Kind.OPTIMISATION,
    ],
}
ANNOUNCEMENT_PDF_SECONDS = 24 * 60 * 60


def announcement_version(announcement) -> int:
    """The newest decision that can change the announcement's list: one query on the decision
    log's kind index (corrections are rare), so a correction shows in the next download while
    the appeal answers and re-checks of the same weeks do not throw the cached PDF away."""
    kinds = LIST_CHANGING_KINDS[announcement.kind]
    row = Decision.objects.filter(
        kind__in=kinds, application__period_id=announcement.period_id
    ).aggregate(version=Max("pk"))
    return row["version"] or 0


def announcement_pdf_cached(announcement, rows) -> bytes:
    """The announcement's PDF from the shared cache, drawn only when the list or the language
    changed: drawing tens of thousands of rows takes WeasyPrint seconds, and the public asks
    for the same file again and again on announcement day. `rows` is only read on a miss."""
    key = (
        f"recruitment:announcement-pdf:{announcement.pk}:{announcement_version(announcement)}:"
        f"{translation.get_language()}"
    )
    pdf = cache.get(key)
    if pdf is None:
        pdf = announcement_pdf(announcement, rows)
        cache.set(key, pdf, timeout=ANNOUNCEMENT_PDF_SECONDS)
    return pdf
