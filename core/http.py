"""The client's address, the one rule every part of the portal uses (lockouts, rate limits, the
audit trail)."""

from django.conf import settings


def client_ip(request):
    """The client's address for lockouts and rate limits. Behind the one TLS proxy the README
    prescribes (BEHIND_TLS_PROXY), that proxy appends the real address as the last entry of
    X-Forwarded-For; earlier entries come from the client and are not trusted."""
    if getattr(settings, "BEHIND_TLS_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.split(",")[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR")
