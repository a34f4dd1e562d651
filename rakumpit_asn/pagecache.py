"""Whole-page cache for the public pages anonymous visitors read most (home, vacancies, the
public staffing summary, the forums), so that the registration-deadline crowd is served from
the shared cache (Redis) instead of the database and the template engine.

Correctness first:
- Only anonymous GET/HEAD requests without a session or a messages cookie are served from or
  stored in the cache; anyone signed in (or with a message to see) gets the page rendered for
  them. Pages are kept per path, query string and language.
- Invalidation by generation: every page depends on one or more apps ("recruitment",
  "workforce", "forums", "performance"); any save or delete of a model of such an app, once
  committed, moves the app's generation on, and the next request renders afresh. Bulk writes
  that bypass model signals (QuerySet.update) call `invalidate(app_label)` themselves.
  PUBLIC_PAGE_CACHE_SECONDS (default 60) bounds what only time changes (a registration window
  that closes).
- The CSRF token in the page's forms (the language switch) is not shared: it is replaced by a
  placeholder when stored, and by a token of the visitor's own when served.

`remember` keeps a computed value under the same generations, and `rendered_part` the main part
of a signed-in page that is the same for all who may see it (HR's pages): the layout around it,
with the visitor's name, menu and messages, is rendered for each request.
"""

import hashlib
import re
import time
import uuid
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

CACHED_APPS = ("recruitment", "workforce", "forums", "performance")
# "<app>:all" moves on with every change of the app, the private rows' too (PRIVATE_MODELS,
# drafts): for HR's pages, which show them. The plain "<app>" generation leaves them out.
ALL = ":all"
LABELS = frozenset(CACHED_APPS) | {app + ALL for app in CACHED_APPS}
_TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_PLACEHOLDER = b"\x00csrf\x00"
HEADER = "X-Page-Cache"


def _generation_key(app_label: str) -> str:
    return f"pagecache:generation:{app_label}"


def _generations(app_labels) -> list:
    keys = [_generation_key(label) for label in app_labels]
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    for key in missing:
        # A new (or evicted) generation starts from the clock, never from a number an earlier
        # generation already used: a page stored under the old one can never come back.
        cache.add(key, time.time_ns(), timeout=None)
    if missing:
        found.update(cache.get_many(missing))
    return [found.get(key) for key in keys]


def invalidate(*app_labels: str) -> None:
    """Move these apps' generations on: their cached pages are not served again. An app's
    "<app>:all" generation moves on with it."""
    now = time.time_ns()
    for label in app_labels:
        cache.set(_generation_key(label), now, timeout=None)
        if not label.endswith(ALL):
            cache.set(_generation_key(label + ALL), now, timeout=None)


def invalidate_on_commit(*app_labels: str) -> None:
    """For writes that send no model signal (QuerySet.update): move the generations on once the
    current transaction commits."""
    transaction.on_commit(lambda: invalidate(*app_labels))


# How long a request waits for the value another request is computing before it computes the
# value itself (a crashed worker leaves its lock for at most COMPUTING_LOCK_SECONDS).
COMPUTING_WAIT_SECONDS = 10
COMPUTING_LOCK_SECONDS = 60
# Stored as (value, fresh until): a new prefix, so that values stored bare by an earlier release
# are never read as pairs.
VALUE_PREFIX = "pagecache:value2:"


def _value_key(name: str, app_labels) -> str:
    """Where `remember` keeps `name` under the apps' current generations."""
    raw = "|".join([name, *map(str, _generations(app_labels))])
    return VALUE_PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def remember(name: str, app_labels, compute, *, timeout: int | None = None):
    """The value of `compute()`, kept in the cache until one of `app_labels` changes (the same
    generations as the pages) or `timeout` seconds (COMPUTED_CACHE_SECONDS) pass. For a heavy
    computation several requests need (the needs map, its charts and its totals).

    One request computes, the others do not pile on: when the value is missing (the data
    changed), the first request takes a lock and computes while the others wait for its answer;
    when it is only older than `timeout`, the first recomputes while the others are answered
    with the previous value (kept for twice as long). The value may be None."""
    assert app_labels and set(app_labels) <= LABELS, app_labels
    timeout = settings.COMPUTED_CACHE_SECONDS if timeout is None else timeout
    if not timeout:
        return compute()
    key = _value_key(name, app_labels)
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
        cache.set(key, (value, time.time() + timeout), timeout=2 * timeout)
    finally:
        if cache.get(lock) == token:  # not a lock another request took after ours expired
            cache.delete(lock)
    return value


def rendered_part(request, name: str, app_labels, template: str, build_context) -> str:
    """The HTML of `template` rendered with `build_context()`, kept like `remember` until one of
    `app_labels` changes: the main part of a signed-in page that is the same for everyone
    allowed to see it (HR's needs map, application list and performance dashboard), so that a
    repeat view costs a cache read instead of the queries and the template. The key holds the
    path, the query string, the language, today's date (what is late, who retires within five
    years) and the visitor's roles (what they may see); the view checks access before it asks.
    Never a part with a form that posts: its CSRF token is the visitor's own, and such a part
    is not stored."""
    from django.template.loader import render_to_string
    from django.utils import timezone
    from django.utils.safestring import mark_safe

    from accounts.roles import user_roles

    fresh = []

    def render():
        fresh.append(render_to_string(template, build_context(), request=request))
        return None if "csrfmiddlewaretoken" in fresh[0] else fresh[0]

    key = "|".join(
        [
            "part",
            name,
            get_language() or "",
            str(timezone.localdate()),
            ",".join(sorted(user_roles(request.user))),
            request.path,
            request.META.get("QUERY_STRING", ""),
        ]
    )
    html = remember(key, app_labels, render)
    if html is None:  # a form that posts after all: rendered for this visitor every time
        html = fresh[0] if fresh else render_to_string(template, build_context(), request=request)
    return mark_safe(html)  # noqa: S308 (our own template's output)


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


def public_page(*app_labels: str):
    """Serve this view's page to anonymous visitors from the cache while none of `app_labels`
    changed (see the module's docstring)."""
    assert app_labels and set(app_labels) <= set(CACHED_APPS), app_labels

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 0) or not _cacheable(request):
                return view(request, *args, **kwargs)
            key = _key(request, _generations(app_labels))
            stored = cache.get(key)
            if stored is not None:
                content_type, body = stored
                if _PLACEHOLDER in body:
                    body = body.replace(_PLACEHOLDER, get_token(request).encode())
                response = HttpResponse(body, content_type=content_type)
                response[HEADER] = "hit"
                return response
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming:
                if hasattr(response, "render") and callable(response.render):
                    response.render()
                body = _TOKEN.sub(rb"\1" + _PLACEHOLDER + rb"\2", response.content)
                cache.set(
                    key,
                    (response["Content-Type"], body),
                    timeout=settings.PUBLIC_PAGE_CACHE_SECONDS,
                )
                response[HEADER] = "miss"
            return response

        return wrapper

    return decorator


# Rows no public page shows, written often near a registration deadline: their changes move only
# the app's "<app>:all" generation on (HR's pages), not the public pages'. An application counts
# on the public pages once finalised (or withdrawn), so a draft's saves are left out too.
PRIVATE_MODELS = frozenset(
    {
        "recruitment.ApplicantProfile",
        "recruitment.Document",
        "recruitment.ApplicationEvent",
        "recruitment.StatusNotification",
        "recruitment.DocumentCheck",
        "recruitment.Decision",
        "recruitment.ScoreImport",
        "forums.Follow",
        "forums.Notification",
        "forums.DigestDelivery",
        "forums.Report",
        "forums.SessionRegistration",
        "workforce.FormationProposal",
        "workforce.ProposalItem",
    }
)


def _changed(sender, **kwargs):
    label = sender._meta.app_label
    if kwargs.get("raw"):
        return
    instance = kwargs.get("instance")
    if sender._meta.label in PRIVATE_MODELS or (
        sender._meta.label == "recruitment.Application"
        and getattr(instance, "status", "") == "draft"
    ):
        # Only HR's pages show these rows.
        transaction.on_commit(lambda: invalidate(label + ALL))
        return
    # After the commit: a page rendered meanwhile from the old rows is stored under the old
    # generation and never served again.
    transaction.on_commit(lambda: invalidate(label))


def _account_changed(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or (update_fields and set(update_fields) <= {"last_login", "password"}):
        return
    transaction.on_commit(lambda: invalidate("recruitment" + ALL))


def connect_signals() -> None:
    """Called once at start-up (rakumpit_asn.apps)."""
    from django.apps import apps
    from django.contrib.auth import get_user_model

    # A name changed on the account shows on HR's application list (the fallback when the
    # applicant profile has none); a sign-in, which saves only last_login, changes nothing shown.
    post_save.connect(_account_changed, sender=get_user_model(), dispatch_uid="pagecache:user")
    for label in CACHED_APPS:
        for model in apps.get_app_config(label).get_models():
            uid = f"pagecache:{model._meta.label}"
            post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}:save")
            post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}:delete")
            for field in model._meta.local_many_to_many:
                through = field.remote_field.through
                m2m_changed.connect(_changed, sender=through, dispatch_uid=f"{uid}:{field.name}")
