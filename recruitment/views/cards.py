"""The registration card PDF (owner or HR) and the public page that says whether a card is
genuine: the registration card or the exam participant card, which carry the same verification
code. The public page shows the registration, never the person: no name, NIK or birth date."""

import re

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from core.ratelimit import over_limit
from recruitment.access import application_for_owner_or_hr
from recruitment.models import Application
from recruitment.pdf import registration_card_pdf
from recruitment.selectors.cards import application_for_check, exam_card_check

Status = Application.Status

# Verification codes are 12 characters from a 32-letter alphabet: guessing one takes ~10^18
# tries; the limit makes each try cost, and keeps the page from becoming a scraping target.
VERIFY_LIMIT = 30
VERIFY_WINDOW_SECONDS = 10 * 60
_CODE_SEPARATORS = re.compile(r"[\s\-.]+")
_CODE_SHAPE = re.compile(r"^[A-Z0-9]{4,16}$")

CARD_UNAVAILABLE = {
    Status.DRAFT: _(
        "This application is still a draft. The registration card is ready as soon as the "
        "application is finalised."
    ),
    Status.WITHDRAWN: _("This application has been withdrawn, so it has no registration card."),
}

# The public page speaks to whoever holds the card, not to the applicant.
PUBLIC_STATUS = {Status.WITHDRAWN: _("Withdrawn by the applicant")}


@login_required
def application_card(request, pk):
    application = application_for_owner_or_hr(request.user, pk)
    if application.status != Status.SUBMITTED:
        reason = CARD_UNAVAILABLE.get(
            application.status, _("This application has no registration card at this stage.")
        )
        context = {"application": application, "reason": reason}
        return render(request, "recruitment/card_unavailable.html", context)
    response = HttpResponse(registration_card_pdf(application), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"kartu-pendaftaran-{application.registration_number}.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def verify(request):
    """The form: a code typed in any case, with spaces or dashes, goes to its canonical page."""
    typed = request.GET.get("code")
    if typed is not None:
        code = normalise_code(typed)
        if _CODE_SHAPE.match(code):
            return redirect("recruitment:verify_code", code=code)
    context = {"state": "form", "typed": typed or "", "invalid": typed is not None}
    return render(request, "recruitment/verify.html", context)


@never_cache
def verify_code(request, code):
    if _over_limit(request):
        return render(request, "recruitment/verify.html", {"state": "limited"}, status=429)
    code = normalise_code(code)
    if not _CODE_SHAPE.match(code):
        code = ""  # a malformed code (a NUL byte, say) is simply not found
    application = application_for_check(code)
    if application is None:
        context = {"state": "not_found", "typed": code}
        return render(request, "recruitment/verify.html", context, status=404)
    context = {
        "state": "found",
        "application": application,
        "status": PUBLIC_STATUS.get(application.status, application.get_status_display()),
        "valid": application.status == Status.SUBMITTED,
        "exam_card": exam_card_check(application),
    }
    return render(request, "recruitment/verify.html", context)


def normalise_code(typed: str) -> str:
    return _CODE_SEPARATORS.sub("", typed).upper()


def _over_limit(request) -> bool:
    return over_limit(
        request, "recruitment-verify", limit=VERIFY_LIMIT, seconds=VERIFY_WINDOW_SECONDS
    )
