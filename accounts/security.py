def axes_username(request, credentials=None):
    """The login that a failed attempt counts against, for django-axes.

    allauth authenticates with `email=...` and posts the field `login`; Django admin posts
    `username`. Lower-cased so that case changes do not reset the counter.
    """
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username")
    if not value and request is not None:
        value = request.POST.get("login") or request.POST.get("username")
    return (value or "").strip().lower() or None


def client_ip(request):
    """The client's address for lockouts and rate limits. Behind the one TLS proxy the README
    prescribes (BEHIND_TLS_PROXY), that proxy appends the real address as the last entry of
    X-Forwarded-For; earlier entries come from the client and are not trusted."""
    from django.conf import settings

    if getattr(settings, "BEHIND_TLS_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.split(",")[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR")
