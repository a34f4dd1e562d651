"""The documents of a selection as PDFs (core.pdf: WeasyPrint, fetching nothing): the registration
card (Kartu Pendaftaran) and the exam participant card (Kartu Peserta Ujian) on A5, each with the
issuing office's letterhead, the applicant's pas foto, the verification code and a QR code that
opens the public check; the announcements on A4."""

from django.core.cache import cache
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from weasyprint import HTML

from core.pdf import no_fetching, photo_data_uri, qr_svg, render_pdf, site_url
from recruitment.models import Announcement, ApplicantProfile, Application, Decision
from recruitment.selectors.cards import card_photo


def verification_url(application: Application) -> str:
    """The public check of both cards, at the address the portal is served at."""
    return site_url(reverse("recruitment:verify_code", args=[application.verification_code]))


def _card_context(application: Application) -> dict:
    url = verification_url(application)
    return {
        "application": application,
        "profile": ApplicantProfile.objects.filter(user_id=application.applicant_id).first(),
        "formation": application.formation,
        "period": application.period,
        "photo": photo_data_uri(card_photo(application)),
        "qr": qr_svg(url),
        "verification_url": url,
    }


def registration_card_pdf(application: Application) -> bytes:
    """The card of a finalised application, in the active language."""
    return render_pdf("recruitment/card.html", _card_context(application), tighter=2)


def exam_card_pdf(application: Application) -> bytes:
    """The exam participant card (docs/domain.md 1.6): identity with the NIK masked, the photo,
    formation, the session's place, date and times in WIB, and the same verification code as the
    registration card: the public check also says which session the card admits to."""
    context = {**_card_context(application), "session": application.exam_session}
    return render_pdf("recruitment/announcements/exam_card.html", context, tighter=2)


def announcement_pdf(announcement, rows) -> bytes:
    """A published announcement as a printable A4 list: registration numbers and results per
    formation, never a name or an NIK."""
    html = render_to_string(
        "recruitment/announcements/announcement_pdf.html",
        {"announcement": announcement, "period": announcement.period, "rows": rows},
    )
    return HTML(string=html, url_fetcher=no_fetching()).write_pdf()


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
# Moved on when the file's layout or row order changes, so that a release never serves a PDF
# drawn before it (2: passers first, by rank, in each formation).
ANNOUNCEMENT_PDF_LAYOUT = 2


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
        f"recruitment:announcement-pdf:v{ANNOUNCEMENT_PDF_LAYOUT}:{announcement.pk}:"
        f"{announcement_version(announcement)}:"
        f"{translation.get_language()}"
    )
    pdf = cache.get(key)
    if pdf is None:
        pdf = announcement_pdf(announcement, rows)
        cache.set(key, pdf, timeout=ANNOUNCEMENT_PDF_SECONDS)
    return pdf
