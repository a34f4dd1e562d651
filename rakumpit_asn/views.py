from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from rakumpit_asn import health, selectors
from rakumpit_asn.pagecache import public_page


@public_page("recruitment", "workforce")
def home(request):
    return render(request, "home.html", {"stats": selectors.home_stats()})


@never_cache
@require_GET
def healthz(request):
    results = health.run_checks()
    failed = sorted(name for name, result in results.items() if result != "ok")
    body = {"status": "fail" if failed else "ok", "checks": results}
    if failed:
        body["failed"] = failed
    return JsonResponse(body, status=503 if failed else 200)
