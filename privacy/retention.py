"""The retention job and deletion requests, carried out for every app through the personal-data
registry (core.personaldata): each app says what it keeps, for how long, and what a deletion
request removes. This module keeps the record of each run (RetentionRun), makes sure only one
applying run goes at a time, and gathers the apps' answers to a deletion request.

The rules themselves live with their data (recruitment: applicants' documents and NIK after
RETENTION_APPLICANT_DAYS from the final announcement). A run plans first (what each rule would
remove, changing nothing) and, when applying, carries the plan out batch by batch.
"""

import logging
from contextlib import contextmanager
from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.personaldata import ErasureReport, erase, retention_rules
from privacy.models import RetentionRun

logger = logging.getLogger(__name__)

# SQLite only (no advisory locks): an open run row older than this was abandoned.
STALE_RUN = timedelta(hours=2)
# pg_try_advisory_lock key of the applying run ("RKRT").
RETENTION_LOCK_KEY = 0x524B5254


class RetentionAlreadyRunning(Exception):
    pass


# --- the scheduled job -----------------------------------------------------------------------


def retention_run(*, apply: bool, actor: User | None = None, triggered_by="scheduler", log=None):
    """Plan (and, with apply, carry out) the retention rules; record the run. `log` is an
    optional callable that receives progress lines (the management command prints them)."""
    if not apply:
        return _run(apply=False, actor=actor, triggered_by=triggered_by, log=log)
    with _run_lock():
        return _run(apply=True, actor=actor, triggered_by=triggered_by, log=log)


def _run(*, apply: bool, actor, triggered_by, log):
    say = log or (lambda line: None)
    now = timezone.now()
    if apply:
        try:
            with transaction.atomic():
                run = RetentionRun.objects.create(
                    dry_run=False, actor=actor, triggered_by=triggered_by, started_at=now
                )
        except IntegrityError as exc:
            raise RetentionAlreadyRunning(_("Another retention run is in progress.")) from exc
    else:
        run = RetentionRun.objects.create(
            dry_run=True, actor=actor, triggered_by=triggered_by, started_at=now
        )
    plans = [(rule, rule.plan(now)) for rule in retention_rules()]
    counts, details = {}, {}
    for rule, plan in plans:
        for kind, ids in plan.ids.items():
            key = kind if kind not in counts else f"{rule.name}.{kind}"  # two rules, one kind
            counts[key] = len(ids)
            details[key] = ids
    say("plan: " + ", ".join(f"{count} {kind}" for kind, count in counts.items()))
    try:
        if apply:
            for rule, plan in plans:
                rule.apply(plan, now, say)
    except Exception as exc:
        run.error = repr(exc)[:2000]
        run.finished_at = timezone.now()
        run.counts = counts
        run.save(update_fields=["error", "finished_at", "counts"])
        logger.exception("retention run %s failed", run.pk)
        raise
    run.counts = counts
    run.details = details
    run.finished_at = timezone.now()
    run.save(update_fields=["counts", "details", "finished_at"])
    logger.info(
        "retention run %s (%s, %s): %s",
        run.pk,
        "applied" if apply else "dry run",
        triggered_by,
        counts,
    )
    return run


@contextmanager
def _run_lock():
    """One applying run at a time, for as long as it runs. On PostgreSQL a session advisory
    lock: it ends with the run, or with the worker's connection if the worker is killed, so no
    time limit has to guess when a run was abandoned. (A session lock needs a session-pooled or
    direct connection, not a transaction-pooling bouncer.)"""
    if connection.vendor != "postgresql":
        # SQLite (development only): no advisory locks. The unique open-run row is the guard,
        # and a row left open by a killed run stops blocking after STALE_RUN.
        _close_stale_runs(timezone.now(), older_than=STALE_RUN)
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [RETENTION_LOCK_KEY])
        (locked,) = cursor.fetchone()
    if not locked:
        raise RetentionAlreadyRunning(_("Another retention run is in progress."))
    try:
        # With the lock held, an open run row can only be a killed worker's.
        _close_stale_runs(timezone.now())
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [RETENTION_LOCK_KEY])


def _close_stale_runs(now, older_than: timedelta | None = None) -> None:
    runs = RetentionRun.objects.filter(dry_run=False, finished_at__isnull=True)
    if older_than is not None:
        runs = runs.filter(started_at__lt=now - older_than)
    runs.update(finished_at=now, error="abandoned")


# --- a deletion request ----------------------------------------------------------------------


def erasure_apply(*, user: User) -> ErasureReport:
    """Delete what no legal retention requires; list what is kept and why. Every app erases its
    own part (core.personaldata.register_eraser). The caller holds the transaction
    (privacy.services.data_request_handle)."""
    report = ErasureReport()
    erase(user=user, report=report, now=timezone.now())
    return report
