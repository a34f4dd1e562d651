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

An application's status page is kept under two more generations, so that at the registration
deadline, when an upload or a finalisation happens every second, one applicant's write does
not throw away every other applicant's page: `application_label(pk)` moves on with a change of
that application's own rows (SCOPED_MODELS: the application, its documents, events, checks,
appeal...), `APPLICATIONS` with a change of anything else the recruitment app holds (periods,
formations, announcements, exam sessions and results...) and with every bulk write that does
not name its application.
"""

import hashlib
import logging
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

logger = logging.getLogger(__name__)

CACHED_APPS = ("recruitment", "workforce", "forums", "performance", "training")
# "<app>:all" moves on with every change of the app, the private rows' too (PRIVATE_MODELS,
# drafts): for HR's pages, which show them. The plain "<app>" generation leaves them out.
ALL = ":all"
# Every application's status page: moved on by a recruitment change not scoped to one application.
APPLICATIONS = "recruitment:applications"
_APPLICATION = "recruitment:application:"
LABELS = frozenset(CACHED_APPS) | {app + ALL for app in CACHED_APPS} | {APPLICATIONS}
# A generation of one application is kept this long after its last change: a page stored under
# an evicted generation is never served again (the new one starts from the clock).
SCOPED_GENERATION_SECONDS = 30 * 24 * 3600
_TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_PLACEHOLDER = b"\x00csrf\x00"
_TOKEN_TEXT = re.compile(_TOKEN.pattern.decode())
_PLACEHOLDER_TEXT = _PLACEHOLDER.decode()
_PLACEHOLDER_VALUE = f'value="{_PLACEHOLDER_TEXT}"'
HEADER = "X-Page-Cache"


def _generation_key(app_label: str) -> str:
    return f"pagecache:generation:{app_label}"


def application_label(pk: int) -> str:
    """The generation of one application's own rows (its status page)."""
    return f"{_APPLICATION}{int(pk)}"


def _timeout(label: str) -> int | None:
    return SCOPED_GENERATION_SECONDS if label.startswith(_APPLICATION) else None


def _valid_label(label: str) -> bool:
    return label in LABELS or (
        label.startswith(_APPLICATION) and label[len(_APPLICATION) :].isdigit()
    )


def _generations(app_labels) -> list:
    keys = {label: _generation_key(label) for label in app_labels}
    found = cache.get_many(list(keys.values()))
    missing = [label for label, key in keys.items() if key not in found]
    for label in missing:
        # A new (or evicted) generation starts from the clock, never from a number an earlier
        # generation already used: a page stored under the old one can never come back.
        cache.add(keys[label], time.time_ns(), timeout=_timeout(label))
    if missing:
        found.update(cache.get_many([keys[label] for label in missing]))
    return [found.get(keys[label]) for label in app_labels]


def _move(labels) -> None:
    now = time.time_ns()
    for label in set(labels):
        cache.set(_generation_key(label), now, timeout=_timeout(label))


def invalidate(*app_labels: str, application: int | None = None) -> None:
    """Move these apps' generations on: their cached pages are not served again. An app's
    "<app>:all" generation moves on with it. A recruitment write also moves the application
    pages on: only `application`'s when it names one (a write to that application's rows
    alone), every application's otherwise (a bulk write, a period's or a formation's)."""
    labels = []
    for label in app_labels:
        labels.append(label)
        if label in CACHED_APPS:
            labels.append(label + ALL)
    if {"recruitment", "recruitment" + ALL} & set(labels):
        labels.append(application_label(application) if application else APPLICATIONS)
    _move(labels)


def invalidate_on_commit(*app_labels: str, application: int | None = None) -> None:
    """For writes that send no model signal (QuerySet.update): move the generations on once the
    current transaction commits. `application`: the one application whose rows alone the write
    changed (see `invalidate`)."""
    transaction.on_commit(lambda: invalidate(*app_labels, application=application))


# How long a request waits for the value another request is computing before it computes the
# value itself (a crashed worker leaves its lock for at most COMPUTING_LOCK_SECONDS).
COMPUTING_WAIT_SECONDS = 10
COMPUTING_LOCK_SECONDS = 60
# Stored as (value, fresh until): a new prefix, so that values stored bare by an earlier release
# are never read as pairs.
VALUE_PREFIX = "pagecache:value2:"


def _value_key(name: str, app_labels, generations=None) -> str:
    """Where `remember` keeps `name` under the apps' generations (current ones unless given)."""
    if generations is None:
        generations = _generations(app_labels)
    raw = "|".join([name, *map(str, generations)])
    return VALUE_PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def pinned(app_labels) -> tuple:
    """The apps' generations now, for a view that reads rows before it asks `remember` or
    `rendered_part` (pass them as `generations=`): read first, they can only be older than the
    rows, so a change committed in between stores its newer rows under the older generation,
    never older rows under the newer one. A generation that does not exist yet is not made here
    (the view may still answer 404): it is None, and that request's value is not stored."""
    assert app_labels and all(map(_valid_label, app_labels)), app_labels
    keys = [_generation_key(label) for label in app_labels]
    found = cache.get_many(keys)
    return tuple(found.get(key) for key in keys)


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
    assert app_labels and all(map(_valid_label, app_labels)), app_labels
    timeout = settings.COMPUTED_CACHE_SECONDS if timeout is None else timeout
    if not timeout:
        return compute()
    if generations is not None and None in generations:
        _generations(app_labels)  # start the missing ones, for the next request
        return compute()
    key = _value_key(name, app_labels, generations)
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
    from django.template.loader import render_to_string
    from django.utils import timezone
    from django.utils.safestring import mark_safe

    from accounts.roles import user_roles

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
            ",".join(sorted(user_roles(request.user))),
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


# Rows that belong to one application and show on no other application's page: their changes move
# only that application's generation on (not APPLICATIONS). An exam result is not one of them:
# it counts in its formation's numbers on the other applicants' pages.
SCOPED_MODELS = {
    "recruitment.Application": "pk",
    "recruitment.ApplicationEvent": "application_id",
    "recruitment.Document": "application_id",
    "recruitment.DocumentCheck": "application_id",
    "recruitment.Decision": "application_id",
    "recruitment.StatusNotification": "application_id",
    "recruitment.Appeal": "application_id",
}
# Rows no application page shows, written often at the deadline (a new applicant's profile).
NOT_ON_APPLICATION_PAGES = frozenset({"recruitment.ApplicantProfile"})


def _application_labels(sender, instance) -> list:
    """The application pages a change of `instance` (of `sender`, or of a many-to-many of
    `instance`'s model) moves on."""
    model = type(instance)._meta.label if instance is not None else sender._meta.label
    if sender._meta.label in NOT_ON_APPLICATION_PAGES:
        return []
    attribute = SCOPED_MODELS.get(model)
    pk = getattr(instance, attribute, None) if attribute else None
    return [application_label(pk)] if pk else [APPLICATIONS]


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
        labels = [label + ALL]
    else:
        labels = [label, label + ALL]
    if label == "recruitment":
        labels += _application_labels(sender, instance)
    # After the commit: a page rendered meanwhile from the old rows is stored under the old
    # generation and never served again.
    transaction.on_commit(lambda: _move(labels))


def _account_changed(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or (update_fields and set(update_fields) <= {"last_login", "password"}):
        return
    transaction.on_commit(lambda: _move(["recruitment" + ALL]))


def _migrated(sender, **kwargs):
    try:
        invalidate(*CACHED_APPS)
    except Exception:  # a cache that is down must not fail a deployment's migrate
        logger.warning(
            "Could not move the page cache's generations on after migrate: pages kept before "
            "may be served for up to twice COMPUTED_CACHE_SECONDS.",
            exc_info=True,
        )


def connect_signals() -> None:
    """Called once at start-up (rakumpit_asn.apps)."""
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_migrate

    # Rows a data migration writes send no model signal (historical models): after a migration
    # no page kept from before is served. Once per `migrate` (recruitment's is always there).
    post_migrate.connect(
        _migrated, sender=apps.get_app_config("recruitment"), dispatch_uid="pagecache:migrate"
    )

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
