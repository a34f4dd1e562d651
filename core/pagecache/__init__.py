"""The page cache: whole public pages for anonymous visitors (home, vacancies, the public staffing
summary, the forums), the main part of signed-in pages that is the same for everyone allowed to
see it (HR's pages, an application's status page) and heavy computed values, kept in the shared
cache (Redis), so that the registration-deadline crowd is served from the cache instead of the
database and the template engine.

Correctness first:
- Only anonymous GET/HEAD requests without a session or a messages cookie are served from or
  stored in the public cache; anyone signed in (or with a message to see) gets the page
  rendered for them. Pages are kept per path, query string and language. A public page with a
  form that posts is never stored (its CSRF token is the visitor's own).
- Invalidation by generation: everything kept is stored under the generations of the apps it
  shows (`policy`), and every committed write to those apps moves them on (`tracking`): saves
  and deletes through model signals, update() and the bulk writes through the tracked QuerySet
  of core.models.TrackedModel, raw SQL through core.db.execute_write. No code has to remember
  to invalidate. PUBLIC_PAGE_CACHE_SECONDS bounds what only time changes (a registration window
  that closes); the clock that matters is in a part's key. One exception, asked for by the
  service that makes the change: a change inside `counts_lag()` (a finalisation: "N registered")
  moves the public pages on at most once every PUBLIC_COUNTS_LAG_SECONDS.
- Each app registers what its changes move on in its AppConfig.ready() (`register`): its
  private models and fields (HR's pages only), and its scopes (one generation per application).
"""

from core.pagecache.generations import counts_lag, invalidate, pinned
from core.pagecache.policy import Scope, Watch, cached_apps
from core.pagecache.store import (
    HEADER,
    public_page,
    public_page_response,
    remember,
    rendered_part,
    set_viewer_key,
)
from core.pagecache.tracking import TrackedManager, TrackedQuerySet, register

__all__ = [
    "HEADER",
    "Scope",
    "TrackedManager",
    "TrackedQuerySet",
    "Watch",
    "cached_apps",
    "counts_lag",
    "invalidate",
    "pinned",
    "public_page",
    "public_page_response",
    "register",
    "remember",
    "rendered_part",
    "set_viewer_key",
]
