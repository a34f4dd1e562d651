"""Large employee files are written in the background (issue 22): a confirmed file longer than
`EMPLOYEE_IMPORT_BACKGROUND_ROWS` becomes a job that a Celery task (eager in tests, started
through core.outbox after the commit) writes batch by batch, while the admin shows a progress
page that reloads itself; a shorter file is still written at once."""

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import translation

from accounts.roles import Role
from core.models import QueuedTask
from tests.factories import PositionFactory, UnitFactory, UserFactory, make_nip
from tests.workforce.test_employee_import import BIRTH, _csv, _row, _upload
from workforce.import_jobs import employee_import_run
from workforce.imports import UPLOAD_FOLDER
from workforce.models import Employee, EmployeeImportJob
from workforce.resources import EmployeeResource
from workforce.tasks import import_employees

pytestmark = pytest.mark.django_db

CSV_FORMAT = "1"  # EmployeeAdmin.get_import_formats
State = EmployeeImportJob.State


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _small_limits(settings):
    """Five rows make a "large" file: written in the background, in three batches."""
    settings.EMPLOYEE_IMPORT_BACKGROUND_ROWS = 3
    settings.EMPLOYEE_IMPORT_BATCH_ROWS = 2


@pytest.fixture
def perawat(db):
    unit = UnitFactory(name="Pustu Mungku Baru")
    return PositionFactory(unit=unit, name="Perawat", retirement_age=58)


def _rows(count: int) -> list[dict]:
    return [
        _row(nip=make_nip(BIRTH, gender="F", sequence=number), full_name=f"Pegawai {number}")
        for number in range(1, count + 1)
    ]


def _kept_uploads() -> set[str]:
    storage = storages["default"]
    if not storage.exists(UPLOAD_FOLDER):
        return set()
    return set(storage.listdir(UPLOAD_FOLDER)[1])


def _confirm(client, rows):
    """Upload a file, check its preview and confirm it; returns the confirmation's response."""
    preview = client.post(
        reverse("admin:workforce_employee_import"),
        {"resource": "0", "format": CSV_FORMAT, "import_file": _upload(_csv(rows), "big.csv")},
    )
    assert preview.context["confirm_form"], preview.content.decode()[-2000:]
    return client.post(
        reverse("admin:workforce_employee_process_import"),
        dict(preview.context["confirm_form"].initial),
    )


def _page(job) -> str:
    return reverse("admin:workforce_employeeimportjob_change", args=[job.pk])


def _job(user, **fields) -> EmployeeImportJob:
    values = {"file_name": "missing", "original_name": "big.csv", "total_rows": 5, "language": "en"}
    return EmployeeImportJob.objects.create(created_by=user, **{**values, **fields})


def test_it_writes_a_file_above_the_threshold_in_a_task_after_the_request(
    client_as, hr, perawat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _confirm(client_as(hr), _rows(5))

    job = EmployeeImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _page(job)
    # The request wrote the job and its task, not a single employee.
    assert (job.created_by, job.state, job.total_rows, job.rows_done) == (hr, State.QUEUED, 5, 0)
    assert job.original_name == "big.csv"
    assert not Employee.objects.exists()
    assert QueuedTask.objects.get().task == import_employees.name
    assert job.file_name in _kept_uploads()

    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()  # the commit: the task is published (eager: it runs)

    job.refresh_from_db()
    assert job.state == State.DONE
    assert (job.rows_done, job.created_count, job.updated_count, job.skipped_count) == (5, 5, 0, 0)
    assert job.started_at <= job.finished_at
    assert sorted(Employee.objects.values_list("full_name", flat=True)) == [
        f"Pegawai {number}" for number in range(1, 6)
    ]
    assert LogEntry.objects.filter(user=hr).count() == 5
    assert not QueuedTask.objects.exists()
    assert job.file_name not in _kept_uploads()  # the upload (personal data) went with the job


def test_it_writes_a_file_at_the_threshold_at_once(client_as, hr, perawat):
    response = _confirm(client_as(hr), _rows(3))

    assert response["Location"] == reverse("admin:workforce_employee_changelist")
    assert Employee.objects.count() == 3
    assert not EmployeeImportJob.objects.exists()


def test_it_moves_the_progress_on_after_each_batch(
    client_as, hr, perawat, monkeypatch, django_capture_on_commit_callbacks
):
    seen = []
    original = EmployeeResource.import_batch

    def spy(self, dataset, start, **kwargs):
        job = EmployeeImportJob.objects.get()
        seen.append((start, job.state, job.rows_done, job.created_count, job.updated_count))
        return original(self, dataset, start, **kwargs)

    monkeypatch.setattr(EmployeeResource, "import_batch", spy)
    with django_capture_on_commit_callbacks(execute=True):
        _confirm(client_as(hr), _rows(5))

    assert seen == [
        (0, State.RUNNING, 0, 0, 0),
        (2, State.RUNNING, 2, 2, 0),
        (4, State.RUNNING, 4, 4, 0),
    ]
    job = EmployeeImportJob.objects.get()
    assert (job.state, job.rows_done, job.total_rows, job.created_count) == (
        State.DONE, 5, 5, 5,
    )  # fmt: skip


def test_it_counts_updates_and_blank_rows(
    client_as, hr, perawat, django_capture_on_commit_callbacks
):
    rows = _rows(4)
    with django_capture_on_commit_callbacks(execute=True):
        _confirm(client_as(hr), [*rows[:2], {}])  # 3 rows: at once
    assert Employee.objects.count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        _confirm(client_as(hr), [*rows, {}])  # 2 known, 2 new, 1 blank line

    job = EmployeeImportJob.objects.get()
    assert (job.state, job.rows_done, job.total_rows) == (State.DONE, 5, 5)
    assert (job.created_count, job.updated_count, job.skipped_count) == (2, 2, 1)


def test_the_page_shows_progress_and_reloads_itself_while_running(client_as, hr):
    job = _job(hr, state=State.RUNNING, rows_done=2, created_count=1, updated_count=1)

    page = client_as(hr).get(_page(job)).content.decode()

    assert "Importing" in page
    assert "2 of 5 rows" in page
    assert '<progress max="5" value="2"' in page
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "Import finished" not in page


def test_the_page_shows_the_final_counts_and_stops_reloading(client_as, hr):
    job = _job(hr, state=State.DONE, rows_done=5, created_count=3, updated_count=1, skipped_count=1)

    page = client_as(hr).get(_page(job)).content.decode()

    assert "5 of 5 rows" in page
    assert '<progress max="5" value="5"' in page
    assert "Import finished: 3 new, 1 updated and 1 blank rows skipped." in page
    assert 'http-equiv="refresh"' not in page


def test_the_list_shows_each_job_with_its_progress(client_as, hr):
    _job(hr, state=State.RUNNING, rows_done=2, created_count=2)

    page = client_as(hr).get(reverse("admin:workforce_employeeimportjob_changelist"))

    assert "2 of 5 rows" in page.content.decode()


def test_it_shows_a_job_to_its_owner_and_superusers_only(
    client_as, hr, admin_user, moderator, resident
):
    job = _job(hr, state=State.RUNNING, rows_done=2, created_count=2)
    assert client_as(admin_user).get(_page(job)).status_code == 200

    other_hr = UserFactory(roles=[Role.HR], is_staff=True)
    response = client_as(other_hr).get(_page(job))
    assert response.status_code == 302  # the admin's "does not exist" redirect
    assert response["Location"] == reverse("admin:index")
    listing = client_as(other_hr).get(reverse("admin:workforce_employeeimportjob_changelist"))
    assert "big.csv" not in listing.content.decode()

    assert client_as(moderator).get(_page(job)).status_code == 403
    response = client_as(resident).get(_page(job))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_it_never_lets_the_job_be_changed_or_deleted_in_the_admin(client_as, admin_user):
    job = _job(admin_user, state=State.RUNNING, rows_done=2, created_count=2)
    client = client_as(admin_user)

    response = client.post(_page(job), {"state": State.DONE, "rows_done": 5})

    assert response.status_code == 403
    assert client.get(reverse("admin:workforce_employeeimportjob_add")).status_code == 403
    delete = reverse("admin:workforce_employeeimportjob_delete", args=[job.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    job.refresh_from_db()
    assert (job.state, job.rows_done) == (State.RUNNING, 2)


def _rename_unit_while_writing_row(monkeypatch, perawat, full_name):
    """The data changes after the check, when the writing reaches `full_name`'s row."""
    original = EmployeeResource.import_instance

    def changed_meanwhile(self, instance, row, **kwargs):
        if not kwargs.get("dry_run") and row.get("full_name") == full_name:
            perawat.unit.name = "Renamed meanwhile"
            perawat.unit.save()
            self._names = None
        return original(self, instance, row, **kwargs)

    monkeypatch.setattr(EmployeeResource, "import_instance", changed_meanwhile)


def test_a_failing_batch_fails_the_job_naming_the_row_and_keeps_earlier_batches(
    client_as, hr, perawat, monkeypatch, django_capture_on_commit_callbacks
):
    _rename_unit_while_writing_row(monkeypatch, perawat, "Pegawai 4")
    client = client_as(hr)

    with django_capture_on_commit_callbacks(execute=True):
        _confirm(client, _rows(5))

    job = EmployeeImportJob.objects.get()
    assert (job.state, job.rows_done, job.created_count) == (State.FAILED, 2, 2)
    assert job.error.splitlines() == [
        "The first 2 rows were imported; the others were not.",
        "Row 4, column unit: There is no unit named “Pustu Mungku Baru”.",
        "Correct the file and import it again: rows already imported are simply updated.",
    ]
    # The first batch stays; the failing one (rows 3 and 4) was rolled back whole.
    assert sorted(Employee.objects.values_list("full_name", flat=True)) == [
        "Pegawai 1",
        "Pegawai 2",
    ]
    assert job.file_name not in _kept_uploads()
    page = client.get(_page(job)).content.decode()
    assert "Failed" in page
    assert "Row 4, column unit: There is no unit named “Pustu Mungku Baru”." in page
    assert 'http-equiv="refresh"' not in page


def test_it_writes_the_failure_in_the_language_of_who_started_the_job(
    hr, perawat, monkeypatch, django_capture_on_commit_callbacks
):
    _rename_unit_while_writing_row(monkeypatch, perawat, "Pegawai 1")
    storage = storages["default"]
    storage.save(f"{UPLOAD_FOLDER}/upload-id", ContentFile(_csv(_rows(5))))
    job = _job(hr, file_name="upload-id", language="id")

    with django_capture_on_commit_callbacks(execute=True):
        assert import_employees.delay(job.pk).get() == State.FAILED

    job.refresh_from_db()
    # The validation message of row 1 in Bahasa Indonesia (the task has no request language).
    assert "Tidak ada unit kerja bernama “Pustu Mungku Baru”." in job.error
    assert not Employee.objects.exists()


def test_a_done_job_run_again_changes_nothing(
    client_as, hr, perawat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _confirm(client_as(hr), _rows(5))
    job = EmployeeImportJob.objects.get()
    Employee.objects.filter(full_name="Pegawai 1").update(full_name="Edited since")
    before = EmployeeImportJob.objects.values().get()
    logged = LogEntry.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        assert import_employees.delay(job.pk).get() == State.DONE

    assert EmployeeImportJob.objects.values().get() == before
    assert Employee.objects.filter(full_name="Edited since").exists()
    assert LogEntry.objects.count() == logged


class WorkerKilled(BaseException):
    """What a killed worker looks like from inside: nothing after it runs."""


def test_a_run_after_a_crash_continues_from_the_first_row_not_written(
    hr, perawat, monkeypatch, django_capture_on_commit_callbacks
):
    storage = storages["default"]
    storage.save(f"{UPLOAD_FOLDER}/upload-crash", ContentFile(_csv(_rows(5))))
    job = _job(hr, file_name="upload-crash")
    original = EmployeeResource.import_batch

    def killed_in_the_second_batch(self, dataset, start, **kwargs):
        result = original(self, dataset, start, **kwargs)
        if start == 2:
            raise WorkerKilled  # after the batch's rows were written, before its commit
        return result

    monkeypatch.setattr(EmployeeResource, "import_batch", killed_in_the_second_batch)
    with pytest.raises(WorkerKilled):
        employee_import_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.state, job.rows_done) == (State.RUNNING, 2)
    assert Employee.objects.count() == 2  # the batch in flight was rolled back with its count

    monkeypatch.setattr(EmployeeResource, "import_batch", original)
    with django_capture_on_commit_callbacks(execute=True):
        assert import_employees.delay(job.pk).get() == State.DONE

    job.refresh_from_db()
    # Continued: rows 1-2 were not written (nor counted) a second time.
    assert (job.rows_done, job.created_count, job.updated_count) == (5, 5, 0)
    assert Employee.objects.count() == 5
    assert "upload-crash" not in _kept_uploads()


def test_a_job_whose_upload_is_gone_fails_with_what_to_do(hr, django_capture_on_commit_callbacks):
    job = _job(hr, file_name="deleted-meanwhile")

    with django_capture_on_commit_callbacks(execute=True):
        import_employees.delay(job.pk).get()

    job.refresh_from_db()
    assert job.state == State.FAILED
    assert job.error.splitlines() == [
        "Nothing was imported.",
        "The uploaded file is no longer kept. Upload it again.",
    ]


def test_an_error_in_the_portal_fails_the_job_and_keeps_the_batches_written(
    hr, perawat, monkeypatch, django_capture_on_commit_callbacks
):
    storage = storages["default"]
    storage.save(f"{UPLOAD_FOLDER}/upload-bug", ContentFile(_csv(_rows(5))))
    job = _job(hr, file_name="upload-bug")
    original = EmployeeResource.import_batch

    def broken_in_the_second_batch(self, dataset, start, **kwargs):
        result = original(self, dataset, start, **kwargs)
        if start == 2:
            raise RuntimeError("a bug")
        return result

    monkeypatch.setattr(EmployeeResource, "import_batch", broken_in_the_second_batch)
    with django_capture_on_commit_callbacks(execute=True):
        assert import_employees.delay(job.pk).get() == State.FAILED

    job.refresh_from_db()
    assert job.error.splitlines() == [
        "The first 2 rows were imported; the others were not.",
        "The import stopped because of an error in the portal.",
    ]
    assert Employee.objects.count() == 2
    assert "upload-bug" not in _kept_uploads()
