from celery import shared_task

from privacy.retention import RetentionAlreadyRunning, retention_run


@shared_task(acks_late=True, time_limit=60 * 60, soft_time_limit=55 * 60)
def apply_retention() -> dict:
    """Beat: apply the retention rules. Idempotent: a second run finds nothing left to remove,
    and a run already in progress makes this one stand down."""
    try:
        run = retention_run(apply=True, triggered_by="scheduler")
    except RetentionAlreadyRunning:
        return {"skipped": "already running"}
    return {"run": run.pk, **run.counts}
