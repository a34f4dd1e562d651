"""Keeping pages, page parts and computed values under the generations of the apps they show
(see core.pagecache)."""

import hashlib
import re
import time
import uuid
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core.pagecache.generations import check_labels, current, lag_timeout

_TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_TOKEN_TEXT = re.compile(_TOKEN.pattern.decode())
_PLACEHOLDER_TEXT = "\x00csrf\x00"
_PLACEHOLDER_VALUE = f'value="{_PLACEHOLDER_TEXT}"'
HEADER = "X-Page-Cache"


def _viewer_default(user) -> str:
    # Fail closed: without the accounts app's answer, a part kept for one role could be shown
    # to another.
    raise ImproperlyConfigured("No viewer key: the accounts app calls set_viewer_key() at start.")


# What a signed-in part may differ by between visitors allowed to see it (their roles): set once
# by the accounts app (`set_viewer_key`), which knows what roles are.
_viewer_key = _viewer_default


def set_viewer_key(function) -> None:
    """`function(user) -> str`: what a part kept by `rendered_part` may differ by between the
    visitors allowed to see it (the accounts app gives their roles)."""
    global _viewer_key
    _viewer_key = function


# How long a request waits for the value another request is computing before it computes the
# value itself (a crashed worker leaves its lock for at most COMPUTING_LOCK_SECONDS).
COMPUTING_WAIT_SECONDS = 10
COMPUTING_LOCK_SECONDS = 60
# Stored as (value, fresh until): a new prefix, so that values stored bare by an earlier release
# are never read as pairs.
VALUE_PREFIX = "pagecache:value2:"


def _value_key(name: str, app_labels, generations=None, windows=None) -> str:
    """Where `remember` keeps `name` under the apps' generations (current ones unless given;
    `windows`: see `current`)."""
    if generations is None:
        generations = current(app_labels, windows=windows)
    raw = "|".join([name, *map(str, generations)])
    return VALUE_PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def remember(
    name: str, app_labels, compute, *, timeout: int | None = None, generations: tuple | None = None
):
    """The value of `compute()`, kept in the cache until one of `app_labels` changes (the same
    generations as the pages) or `timeout` seconds (COMPUTED_CACHE_SECONDS) pass. For a heavy
    computation several requests need (the needs map, its charts and its totals).

    One request computes, the others do not pile on: when the value is missing (the data
    changed), the first request takes a lock and computes while the others wait for its answer;
    when it is only older than `timeout`, the first recomputes while the others are answered
    with the previous value (kept for twice as long). The value may be None. `generations`:
    see `pinned`."""
    check_labels(app_labels)
    timeout = settings.COMPUTED_CACHE_SECONDS if timeout is None else timeout
    if not timeout:
        return compute()
    if generations is not None and None in generations:
        current(app_labels)  # start the missing ones, for the next request
        return compute()
    windows = []
    key = _value_key(name, app_labels, generations, windows)
    lock = key + ":computing"
    token = uuid.uuid4().hex  # whose lock it is: only its holder removes it
    stored = cache.get(key)  # (value, fresh until) or None
    if stored is not None:
        value, fresh_until = stored
        if fresh_until > time.time() or not cache.add(lock, token, COMPUTING_LOCK_SECONDS):
            return value  # fresh, or stale while another request computes it again
    elif not cache.add(lock, token, COMPUTING_LOCK_SECONDS):
        deadline = time.monotonic() + COMPUTING_WAIT_SECONDS
        while True:
            time.sleep(0.05)
            stored = cache.get(key)
            if stored is not None:
                return stored[0]
            if cache.add(lock, token, COMPUTING_LOCK_SECONDS):
                break  # the holder gave up (its computation failed): compute it here
            if time.monotonic() >= deadline:
                return compute()  # too slow: compute without touching the holder's lock
    try:
        value = compute()
        timeout = lag_timeout(timeout, windows)  # a count may lag no longer than the window
        cache.set(key, (value, time.time() + timeout), timeout=2 * timeout)
    finally:
        if cache.get(lock) == token:  # not a lock another request took after ours expired
            cache.delete(lock)
    return value


def rendered_part(
    request,
    name: str,
    app_labels,
    template: str,
    build_context,
    *,
    vary: tuple = (),
    query: bool = True,
    generations: tuple | None = None,
) -> str:
    """The HTML of `template` rendered with `build_context()`, kept like `remember` until one of
    `app_labels` changes: the main part of a signed-in page that is the same for everyone
    allowed to see it (HR's needs map, application list and performance dashboard, an
    application's status page), so that a repeat view costs a cache read instead of the queries
    and the template. The key holds the path, the query string, the language, today's date
    (what is late, who retires within five years), the visitor's roles (what they may see) and
    `vary` (what else the part depends on: whether a window is open now); the view checks access
    before it asks. `query=False` for a page that reads no query string (none is then kept per
    query string). `generations`: see `pinned`. The CSRF token of a form in the part is the
    visitor's own: it is stored as a placeholder and filled in for each request, as on the
    public pages; a part with a token in any other form is not stored."""
    fresh = []

    def render():
        fresh.append(render_to_string(template, build_context(), request=request))
        stored, replaced = _TOKEN_TEXT.subn(r"\1" + _PLACEHOLDER_TEXT + r"\2", fresh[0])
        if stored.count("csrfmiddlewaretoken") != replaced:
            return None  # a token in another form: rendered for each visitor instead
        return stored

    key = "|".join(
        [
            "part",
            name,
            get_language() or "",
            str(timezone.localdate()),
            _viewer_key(request.user),
            request.path,
            request.META.get("QUERY_STRING", "") if query else "",
            *map(str, vary),
        ]
    )
    html = remember(key, app_labels, render, generations=generations)
    if fresh:  # rendered for this request: its own token is in it already
        return mark_safe(fresh[0])  # noqa: S308 (our own template's output)
    if html is None:  # not stored (see render): rendered for this visitor
        return mark_safe(render_to_string(template, build_context(), request=request))  # noqa: S308
    token = f'value="{get_token(request)}"'
    return mark_safe(html.replace(_PLACEHOLDER_VALUE, token))  # noqa: S308 (our own output)


def _cacheable(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    return not request.user.is_authenticated


def _key(request, generations) -> str:
    raw = "|".join(
        [request.path, request.META.get("QUERY_STRING", ""), get_language() or ""]
        + [str(g) for g in generations]
    )
    return "pagecache:page:" + hashlib.sha256(raw.encode()).hexdigest()


def public_page_response(request, app_labels, render):
    """The page `render()` makes, served to anonymous visitors from the cache while none of
    `app_labels` changed (see core.pagecache). A page with a form that posts carries the
    visitor's own CSRF token: it is never stored (the public pages have none: the language
    switch is a link for visitors who are not signed in)."""
    if not getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 0) or not _cacheable(request):
        return render()
    check_labels(app_labels)
    windows = []
    key = _key(request, current(app_labels, windows=windows))
    stored = cache.get(key)
    if stored is not None:
        content_type, body = stored
        response = HttpResponse(body, content_type=content_type)
        response[HEADER] = "hit"
        return response
    response = render()
    if response.status_code == 200 and not response.streaming:
        if hasattr(response, "render") and callable(response.render):
            response.render()
        if _TOKEN.search(response.content) is None:
            cache.set(
                key,
                (response["Content-Type"], response.content),
                timeout=lag_timeout(settings.PUBLIC_PAGE_CACHE_SECONDS, windows),
            )
            response[HEADER] = "miss"
    return response


def public_page(*app_labels: str):
    """Decorator: `public_page_response` for a view whose page shows these apps."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            return public_page_response(request, app_labels, lambda: view(request, *args, **kwargs))

        wrapper.page_cache_labels = app_labels  # checked at start-up (core.apps)
        return wrapper

    return decorator
