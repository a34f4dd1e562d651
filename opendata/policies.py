"""The API's rate limit and its errors in problem+json (RFC 9457), named in settings.REST_FRAMEWORK.

Kept apart from opendata.api: DRF reads these settings while it defines its APIView, so this
module must not import rest_framework.views at import time."""

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle

from core.http import client_ip

PROBLEM_TYPE = "https://rakumpit.go.id/problems/"  # a URI naming the kind of problem (RFC 9457)


class AddressRateThrottle(BaseThrottle):
    """OPEN_DATA_RATE_PER_MINUTE requests a minute per address (core.http.client_ip: the one
    Django sees, or the last X-Forwarded-For behind BEHIND_TLS_PROXY), read from the settings at
    each request, so a deployment or a test may change it.

    A counter per address and clock minute in the shared cache (one atomic increment a
    request), rather than DRF's SimpleRateThrottle, which keeps every request of the last minute
    in one list per address and rewrites it on each request (10,000 entries, +1.6 ms a request,
    for a busy harvester). With the cache down nobody is limited (the site keeps serving,
    docs/operations/faults.md)."""

    def allow_request(self, request, view):
        now = time.time()
        minute = int(now // 60)
        self._wait = 60 - (now % 60)
        key = f"opendata-rate:{client_ip(request) or 'unknown'}:{minute}"
        try:
            cache.add(key, 0, timeout=70)
            count = cache.incr(key)
        except ValueError:  # the counter vanished between the two calls (evicted, cache down)
            return True
        return count <= settings.OPEN_DATA_RATE_PER_MINUTE

    def wait(self):
        return max(1, math.ceil(self._wait))


class BadQuery(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid-query"

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__(
            _("The query is not valid: %(names)s.") % {"names": ", ".join(sorted(errors))}
        )


TITLES = {
    400: gettext_lazy("Bad request"),
    404: gettext_lazy("Not found"),
    405: gettext_lazy("Method not allowed"),
    406: gettext_lazy("Not acceptable"),
    429: gettext_lazy("Too many requests"),
}
CODES = {400: "invalid-query", 404: "not-found", 405: "method-not-allowed", 429: "rate-limited"}


def problem(status_code: int, detail: str, **extra) -> Response:
    body = {
        "type": PROBLEM_TYPE + CODES.get(status_code, "error"),
        "title": str(TITLES.get(status_code, _("Error"))),
        "status": status_code,
        "detail": detail,
        **extra,
    }
    return Response(body, status=status_code, content_type="application/problem+json")


def problem_exception_handler(exc, context):
    """DRF's handler (status, Retry-After, Allow), its body in problem+json (RFC 9457):
    type, title, status, detail, and `errors` (parameter -> what is wrong) for a bad query."""
    from rest_framework.views import exception_handler

    response = exception_handler(exc, context)
    if response is None:
        return None
    code = response.status_code
    extra = {}
    if isinstance(exc, BadQuery):
        extra["errors"] = exc.errors
        detail = str(exc.detail)
    elif isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait or 60)
        extra["retry_after"] = wait
        detail = _("Too many requests from your address: try again in %(seconds)d seconds.") % {
            "seconds": wait
        }
    elif isinstance(exc, Http404 | exceptions.NotFound):
        detail = _("Nothing was found at this address.")
    elif isinstance(exc, exceptions.MethodNotAllowed):
        detail = _("This API only reads: use GET.")
    else:
        detail = str(getattr(exc, "detail", "")) or str(TITLES.get(code, _("Error")))
    body = problem(code, detail, **extra)
    response.data = body.data
    response.content_type = "application/problem+json"
    return response
