"""The public page that says whether a training certificate is genuine. It shows the holder's
name and the programme, nothing else about the person (no NIP, unit or birth date)."""

import re

from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.ratelimit import over_limit
from training.models import Certificate

# As recruitment's card check: 12 characters from 32 letters; the limit makes guessing cost.
VERIFY_LIMIT = 30
VERIFY_WINDOW_SECONDS = 10 * 60
_CODE_SEPARATORS = re.compile(r"[\s\-.]+")
_CODE_SHAPE = re.compile(r"^[A-Z0-9]{4,16}$")


@require_GET
def verify(request):
    typed = request.GET.get("code")
    if typed is not None:
        code = normalise_code(typed)
        if _CODE_SHAPE.match(code):
            return redirect("training:verify_code", code=code)
    context = {"state": "form", "typed": typed or "", "invalid": typed is not None}
    return render(request, "training/verify.html", context)


@require_GET
@never_cache
def verify_code(request, code):
    if _over_limit(request):
        return render(request, "training/verify.html", {"state": "limited"}, status=429)
    code = normalise_code(code)
    certificate = (
        Certificate.objects.select_related("enrolment__employee", "enrolment__session__programme")
        .filter(verification_code=code)
        .first()
    )
    if certificate is None:
        context = {"state": "not_found", "typed": code}
        return render(request, "training/verify.html", context, status=404)
    enrolment = certificate.enrolment
    context = {
        "state": "found",
        "certificate": certificate,
        "name": enrolment.employee.full_name,
        "programme": enrolment.session.programme,
        "session": enrolment.session,
    }
    return render(request, "training/verify.html", context)


def normalise_code(typed: str) -> str:
    return _CODE_SEPARATORS.sub("", typed).upper()


def _over_limit(request) -> bool:
    return over_limit(request, "training-verify", limit=VERIFY_LIMIT, seconds=VERIFY_WINDOW_SECONDS)
