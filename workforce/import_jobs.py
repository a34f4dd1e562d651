"""The employee register's import in the background (issue 22): a confirmed file longer than
`EMPLOYEE_IMPORT_BACKGROUND_ROWS` becomes an `EmployeeImportJob`, written by a Celery task
(workforce.tasks.import_employees) while the admin shows its progress.

The task checks the whole file again (writing nothing, so holding no row lock), then writes it
one batch of `EMPLOYEE_IMPORT_BATCH_ROWS` per transaction. Each batch's transaction first locks
the job's row and reads from it where to go on; the batch's rows, its admin log entries and the
job's new counts commit together. So the job's `rows_done` is always exactly what was written,
and a lock (the job's, the rows') is held for one batch at most.
"""

from __future__ import annotations

import contextvars
import logging

from auditlog.context import set_actor
from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from import_export.results import RowResult
from import_export.tmp_storages import MediaStorage

from core import tablefiles
from core.outbox import dispatch
from workforce.imports import read_dataset
from workforce.models import EmployeeImportJob
from workforce.resources import EmployeeResource

logger = logging.getLogger(__name__)

State = EmployeeImportJob.State

# Row errors quoted in a failed job's message; the rest are counted.
MAX_ROW_ERRORS = 20


def _kept_upload(job: EmployeeImportJob) -> MediaStorage:
    return MediaStorage(name=job.file_name)


@transaction.atomic
def employee_import_start(
    *, user, file_name: str, original_name: str, total_rows: int
) -> EmployeeImportJob:
    """Record the job and start its task once the transaction commits (core.outbox: a broker
    that is down delays it, never loses it). `file_name` is the upload kept by
    django-import-export for the confirmation; the job deletes it when it ends."""
    job = EmployeeImportJob(
        created_by=user,
        file_name=file_name,
        original_name=original_name[:255],
        language=translation.get_language() or settings.LANGUAGE_CODE,
        total_rows=total_rows,
    )
    job.full_clean()
    job.save()
    dispatch(import_employees, job.pk)
    return job


# Defined here, with the job it runs, and listed in workforce.tasks under that module's name:
# `employee_import_start` needs the task itself (a web process publishes only the tasks of the
# modules it imported), and workforce.tasks importing this module may not be imported back.
# A worker killed mid-file: the task is delivered again (acks_late) and the run continues from
# the first row not written. The limits leave room for EMPLOYEE_IMPORT_MAX_ROWS rows.
@shared_task(
    name="workforce.tasks.import_employees",
    acks_late=True,
    serializer="json",
    soft_time_limit=30 * 60,
    time_limit=31 * 60,
)
def import_employees(job_id: int) -> str:
    """An employee file confirmed in the admin, batch by batch (`employee_import_run`:
    idempotent, continues after a crash). Started with core.outbox.dispatch once the job is
    committed."""
    return employee_import_run(job_id=job_id)


def employee_import_run(*, job_id: int) -> str:
    """Write the job's file. Returns the job's state.

    Idempotent: a job that is done or failed is left as it is (a second delivery of the task,
    or the outbox publishing it again, changes nothing). A run after a crash (a killed worker;
    `acks_late` delivers the task again) **continues**: the batch in flight was rolled back
    with its counts, so the run checks the file again and goes on from the first row not
    written. Two runs at once take turns batch by batch on the job's row lock, never writing a
    batch twice. Rows a batch fails on leave the job failed with the earlier batches written.
    """
    job = EmployeeImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None or job.is_finished:
        return job.state if job else "missing"
    # In a context of its own: auditlog's actor is a context variable, and a task run eagerly
    # inside a request must leave the request's as it was.
    return contextvars.copy_context().run(_run_as_importer, job)


def _run_as_importer(job: EmployeeImportJob) -> str:
    with translation.override(job.language or None), set_actor(job.created_by):
        try:
            return _run(job)
        except SoftTimeLimitExceeded:
            return _fail(job, _("The import took too long and was stopped."))
        except Exception:
            logger.exception("Employee import %s failed.", job.pk)
            return _fail(job, _("The import stopped because of an error in the portal."))


def _run(job: EmployeeImportJob) -> str:
    EmployeeImportJob.objects.filter(pk=job.pk, state=State.QUEUED).update(
        state=State.RUNNING, started_at=timezone.now()
    )
    try:
        dataset = read_dataset(_kept_upload(job).read())
    except FileNotFoundError:
        return _fail(job, _("The uploaded file is no longer kept. Upload it again."))
    except tablefiles.TableFileError as error:
        return _fail(job, error.message, rows=True)
    resource = EmployeeResource()
    check = resource.check_file(dataset)
    if _failed(check):
        return _fail(job, _row_errors(check), rows=True)
    while True:
        with transaction.atomic():
            job = EmployeeImportJob.objects.select_for_update().get(pk=job.pk)
            if job.is_finished:  # another run of the same job finished it meanwhile
                return job.state
            if job.rows_done >= len(dataset):
                job.state, job.finished_at = State.DONE, timezone.now()
                job.total_rows = job.rows_done
                job.save(update_fields=["state", "finished_at", "total_rows"])
                _delete_upload_on_commit(job)
                return job.state
            result = resource.import_batch(
                dataset, job.rows_done, retain_instance_in_row_result=True
            )
            if _failed(result):  # the batch was rolled back (its savepoint)
                return _fail(job, _row_errors(result), rows=True, locked=True)
            _count(job, result)
            _log_rows(job, result)


def _failed(result) -> bool:
    return result.has_errors() or result.has_validation_errors()


def _count(job: EmployeeImportJob, result) -> None:
    totals = result.totals
    job.rows_done += result.total_rows
    job.created_count += totals.get(RowResult.IMPORT_TYPE_NEW, 0)
    job.updated_count += totals.get(RowResult.IMPORT_TYPE_UPDATE, 0)
    job.skipped_count += totals.get(RowResult.IMPORT_TYPE_SKIP, 0)
    job.total_rows = max(job.total_rows, job.rows_done)
    job.save(
        update_fields=[
            "rows_done", "created_count", "updated_count", "skipped_count", "total_rows"
        ]
    )  # fmt: skip


def _log_rows(job: EmployeeImportJob, result) -> None:
    """The admin's history of each employee, as an import in the request writes it."""
    if job.created_by_id is None:
        return
    flags = {RowResult.IMPORT_TYPE_NEW: ADDITION, RowResult.IMPORT_TYPE_UPDATE: CHANGE}
    for import_type, flag in flags.items():
        instances = [row.instance for row in result.rows if row.import_type == import_type]
        if instances:
            LogEntry.objects.log_actions(
                job.created_by_id,
                instances,
                flag,
                change_message=f"{import_type} through import_export",
                single_object=len(instances) == 1,
            )


def _row_errors(result) -> str:
    """The rows that failed, each with its column and message, in the job's language."""
    lines = [str(error.error) for error in result.base_errors]
    for row in result.invalid_rows:
        for field, messages in row.error_dict.items():
            for message in messages:
                lines.append(
                    _("Row %(row)s, column %(column)s: %(message)s")
                    % {"row": row.number, "column": field, "message": message}
                )
    for row in result.error_rows:
        # A database error's text is English and may quote a NIP: it goes to the log only.
        logger.warning(
            "Employee import: row %s failed: %s",
            row.number,
            "; ".join(type(error.error).__name__ for error in row.errors),
        )
        lines.append(
            _("Row %(row)s could not be saved: the database refused it (see the portal's log).")
            % {"row": row.number}
        )
    if len(lines) > MAX_ROW_ERRORS:
        more = len(lines) - MAX_ROW_ERRORS
        lines = lines[:MAX_ROW_ERRORS]
        lines.append(
            ngettext("… and %(count)s more error.", "… and %(count)s more errors.", more)
            % {"count": more}
        )
    return "\n".join(lines)


def _fail(job: EmployeeImportJob, reason: str, *, rows: bool = False, locked: bool = False):
    """Mark the job failed with what happened and what to do next (`rows`: the file's rows
    are at fault); the rows of earlier batches stay written. Returns the job's state."""
    with transaction.atomic():
        if not locked:
            job = EmployeeImportJob.objects.select_for_update().get(pk=job.pk)
            if job.is_finished:
                return job.state
        if job.rows_done:
            head = ngettext(
                "The first %(count)s row was imported; the others were not.",
                "The first %(count)s rows were imported; the others were not.",
                job.rows_done,
            ) % {"count": job.rows_done}
            advice = _(
                "Correct the file and import it again: rows already imported are simply updated."
            )
        else:
            head = _("Nothing was imported.")
            advice = _("Correct the file and import it again.")
        job.state, job.finished_at = State.FAILED, timezone.now()
        job.error = "\n".join([head, reason, advice] if rows else [head, reason])
        job.save(update_fields=["state", "finished_at", "error"])
        _delete_upload_on_commit(job)
    return job.state


def _delete_upload_on_commit(job: EmployeeImportJob) -> None:
    """The upload holds personal data: gone once the job has ended (after the commit, so a
    rolled-back end leaves the file for the next run)."""
    upload = _kept_upload(job)

    def delete():
        try:
            upload.remove()
        except OSError:
            logger.exception("Could not delete the upload of employee import %s.", job.pk)

    transaction.on_commit(delete)
