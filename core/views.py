from datetime import date

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core import health
from core import home as home_page
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
    return JsonResponse(body, status=503 if failed else 200)
