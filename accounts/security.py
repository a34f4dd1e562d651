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
