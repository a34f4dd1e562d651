"""The generations: one number per label in the shared cache, moved on (to the clock) by every
committed change the label covers. Pages and values are stored under the generations they were
made from, so a moved generation is never served again."""

import logging
import time
from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from core.pagecache import policy

logger = logging.getLogger(__name__)

# A generation of one scoped object (an application) is kept this long after its last change: a
# page stored under an evicted generation is never served again (the new one starts from the
# clock).
SCOPED_GENERATION_SECONDS = 30 * 24 * 3600


def generation_key(label: str) -> str:
    return f"pagecache:generation:{label}"


def window_key(label: str) -> str:
    """Present while `label` lags (see counts_lag): set when the lagging change moved it."""
    return f"pagecache:lagging:{label}"


# Set by counts_lag(): the public generations the changes inside it move on lag.
_lagging: ContextVar[bool] = ContextVar("pagecache_counts_lag", default=False)


@contextmanager
def counts_lag():
    """The changes made inside change only counts on the public pages (a finalisation adds one
    to "N registered"): they move an app's public generation on at most once every
    PUBLIC_COUNTS_LAG_SECONDS. The first moves it at once and opens a window of that length;
    the ones within the window do not move it but mark it, and the first read of the
    generation after the window closed moves it (`_read`); the pages stored while a window is
    open are kept only until it closes too (`lag_timeout`). So a count is at most that many
    seconds old (plus a render), and at a registration deadline, with a finalisation every
    second, the public pages are rendered once per window instead of on every request. Every
    other generation (HR's pages, the application's own page) still moves at once.

    Written for this: the generations are ours (core.pagecache); no cache library debounces
    invalidations with a bound on staleness."""
    token = _lagging.set(True)
    try:
        yield
    finally:
        _lagging.reset(token)


def lagging() -> bool:
    return _lagging.get()


def _timeout(label: str) -> int | None:
    return SCOPED_GENERATION_SECONDS if policy.scope_of(label) else None


def check_labels(labels) -> None:
    unknown = [label for label in labels if not policy.known_label(label)]
    if not labels or unknown:
        raise ValueError(f"Not a generation of a cached app: {unknown or labels}")


def lagged_key(label: str) -> str:
    """Present while a change made inside a window has not moved `label` on yet (counts_lag)."""
    return f"pagecache:lagged:{label}"


def _read(labels, windows: list | None = None) -> dict:
    """The cache's values of the labels' generations, in one round trip with their windows.
    A public generation that a change inside a window left unmoved is moved on here, at the
    first read after the window closed: so every reader (a page, a value kept under pinned
    generations, an API's ETag) sees the change within the lag."""
    keys = [generation_key(label) for label in labels]
    public = [label for label in labels if policy.policy_for(label) is not None]
    found = cache.get_many(
        keys + [window_key(label) for label in public] + [lagged_key(label) for label in public]
    )
    closed = [
        label for label in public if lagged_key(label) in found and window_key(label) not in found
    ]
    if closed:
        cache.delete_many([lagged_key(label) for label in closed])
        move(closed)
        found.update(cache.get_many([generation_key(label) for label in closed]))
    if windows is not None:
        windows.append(any(window_key(label) in found for label in public))
    return found


def current(labels, *, windows: list | None = None) -> list:
    """The labels' generations now; a missing one is started. `windows`: a list that gets True
    when one of the labels lags now (read in the same round trip)."""
    keys = {label: generation_key(label) for label in labels}
    found = _read(labels, windows)
    missing = [label for label, key in keys.items() if key not in found]
    for label in missing:
        # A new (or evicted) generation starts from the clock, never from a number an earlier
        # generation already used: a page stored under the old one can never come back.
        cache.add(keys[label], time.time_ns(), timeout=_timeout(label))
    if missing:
        found.update(cache.get_many([keys[label] for label in missing]))
    return [found.get(keys[label]) for label in labels]


def pinned(labels) -> tuple:
    """The labels' generations now, for a view that reads rows before it asks `remember` or
    `rendered_part` (pass them as `generations=`): read first, they can only be older than the
    rows, so a change committed in between stores its newer rows under the older generation,
    never older rows under the newer one. A generation that does not exist yet is not made here
    (the view may still answer 404): it is None, and that request's value is not stored."""
    check_labels(labels)
    found = _read(labels)
    return tuple(found.get(generation_key(label)) for label in labels)


def move(labels) -> None:
    """Move these generations on to the clock: one round trip per kind of label."""
    now = time.time_ns()
    by_timeout = defaultdict(dict)
    for label in set(labels):
        by_timeout[_timeout(label)][generation_key(label)] = now
    for timeout, values in by_timeout.items():
        cache.set_many(values, timeout=timeout)


def lag_timeout(timeout: int, windows: list) -> int:
    """`timeout`, cut to the lag when a window of one of the labels was open (`current`)."""
    if windows and windows[0]:
        return max(1, min(timeout, settings.PUBLIC_COUNTS_LAG_SECONDS))
    return timeout


def move_lagging(labels) -> None:
    """Move these public generations on unless a window of theirs is open (counts_lag)."""
    lag = settings.PUBLIC_COUNTS_LAG_SECONDS
    if not lag:
        move(labels)
        return
    opened = []
    for label in set(labels):
        if cache.add(window_key(label), 1, timeout=lag):
            opened.append(label)
        else:  # moved on at the first read after the window (`_read`)
            cache.set(lagged_key(label), 1, timeout=SCOPED_GENERATION_SECONDS)
    move(opened)


class _Pending:
    """The generations the writes of one transaction (at one savepoint level) move on, moved
    once it commits: one callback and one round trip per transaction, however many rows it
    writes. Django drops the callback with the savepoint or transaction that rolls back."""

    pagecache = True  # tests/conftest.py finds the page cache's callbacks by this mark

    def __init__(self, savepoints: tuple, labels, lagging=()):
        self.savepoints = savepoints
        self.labels = set(labels)
        self.lagging = set(lagging)
        self.__qualname__ = "page cache: move generations"  # Django logs a failure by this name

    def __call__(self):
        move(self.labels)
        if self.lagging - self.labels:  # moved at once by another change of the transaction
            move_lagging(self.lagging - self.labels)


def move_on_commit(labels, lagging=()) -> None:
    """Move these generations on once the current transaction commits: a page rendered
    meanwhile from the old rows is stored under the old generation and never served again.
    Robust: the transaction is committed by then, and a cache that fails to answer must not
    stop the callbacks after this one (a file deletion, an e-mail); the error is logged and the
    pages it would have refreshed expire with their timeouts. `lagging`: public generations
    moved on as counts_lag says."""
    if not labels and not lagging:
        return
    connection = transaction.get_connection()
    savepoints = tuple(connection.savepoint_ids)
    pending = getattr(connection, "pagecache_pending", None)
    if (
        connection.in_atomic_block
        and pending is not None
        and pending.savepoints == savepoints
        and any(entry[1] is pending for entry in reversed(connection.run_on_commit))
    ):
        pending.labels.update(labels)  # still waiting for this transaction's commit
        pending.lagging.update(lagging)
        return
    pending = _Pending(savepoints, labels, lagging)
    connection.pagecache_pending = pending
    connection.on_commit(pending, robust=True)


def invalidate(*labels: str) -> None:
    """Move these generations on now: an app's label moves its whole app (its "<app>:all" and
    every scope's shared generation), "<app>:all" the private pages and the scopes' shared
    ones, a scoped object's label that object's pages alone."""
    check_labels(labels)
    move(policy.expand(labels))
