from datetime import date

from django.db import DatabaseError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from core import health, outbox
from core import home as home_page
from core import metrics as portal_metrics
from core.pagecache import public_page_response


def home(request):
    return public_page_response(
        request,
        home_page.labels(),
        lambda: render(request, "home.html", {"figures": home_page.figures()}),
    )


# The day the accessibility statement was last checked against the portal (templates/
# accessibility.html): change it with the text after each review.
ACCESSIBILITY_REVIEWED = date(2026, 12, 6)


@require_GET
def accessibility(request):
    """The accessibility statement: what is tested, the known limits, how to report a problem."""
    return render(request, "accessibility.html", {"reviewed": ACCESSIBILITY_REVIEWED})


@never_cache
@require_GET
def healthz(request):
    results = health.run_checks()
    failed = sorted(name for name, result in results.items() if result != "ok")
    body = {"status": "fail" if failed else "ok", "checks": results}
    if failed:
        body["failed"] = failed
    if results.get("database") == "ok":
        # What waits in the outbox (core/outbox.py): counts only, never a failure by itself.
        try:
            body["outbox"] = outbox.depth()
        except DatabaseError:
            body["outbox"] = None
    return JsonResponse(body, status=503 if failed else 200)


@never_cache
@require_GET
def metrics(request):
    """Prometheus metrics (core/metrics.py): staff, or a scraper on this machine; others 404."""
    if not portal_metrics.may_read(request):
        raise Http404
    return HttpResponse(portal_metrics.exposition(), content_type=CONTENT_TYPE_LATEST)
