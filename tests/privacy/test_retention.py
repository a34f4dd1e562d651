import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection

from privacy.models import RetentionRun
from privacy.retention import RETENTION_LOCK_KEY, RetentionAlreadyRunning, retention_run
from privacy.tasks import apply_retention
from recruitment.models import ApplicantProfile, Application, Document, ExamResult
from tests.factories import FormationFactory
from tests.privacy.conftest import add_document, finalise_period, result, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def selection(settings, applicant, other_applicant, employee):
    """A period announced 31 days ago (retention 30 days) with one applicant not hired, one
    hired; and a period announced yesterday."""
    settings.RETENTION_APPLICANT_DAYS = 30
    old = FormationFactory(period__year=2024)
    finalise_period(old.period, days_ago=31)
    not_hired = submitted(applicant, formation=old)
    result(not_hired, "TL")
    hired = submitted(employee, formation=old)
    result(hired, "L")
    recent = FormationFactory(period__year=2025)
    finalise_period(recent.period, days_ago=1)
    recent_one = submitted(other_applicant, formation=recent)
    result(recent_one, "TL")
    documents = {
        "not_hired": [add_document(not_hired, "ijazah"), add_document(not_hired, "pas-foto")],
        "hired": [add_document(hired, "ijazah")],
        "recent": [add_document(recent_one, "ijazah")],
    }
    return {
        "not_hired": not_hired,
        "hired": hired,
        "recent": recent_one,
        "documents": documents,
    }


def entries_for(instance, action=None):
    content_type = ContentType.objects.get_for_model(instance)
    entries = LogEntry.objects.filter(content_type=content_type, object_pk=str(instance.pk))
    return entries if action is None else entries.filter(action=action)


def _snapshot():
    return (
        sorted(Document.objects.values_list("pk", flat=True)),
        sorted(Application.objects.values_list("pk", "applicant_nik")),
        sorted(ApplicantProfile.objects.values_list("pk", flat=True)),
    )


def test_it_plans_a_dry_run_without_changing_anything(selection, private_root):
    before = _snapshot()
    run = retention_run(apply=False, triggered_by="test")
    assert _snapshot() == before
    assert all((private_root / d.file.name).exists() for d in selection["documents"]["not_hired"])
    assert run.dry_run
    assert run.finished_at is not None
    assert run.counts == {"applications": 1, "documents": 2, "profiles": 1}
    assert run.details["applications"] == [selection["not_hired"].pk]
    assert sorted(run.details["documents"]) == sorted(
        d.pk for d in selection["documents"]["not_hired"]
    )


def test_it_deletes_documents_of_not_hired_applicants_after_the_period(
    selection, private_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = retention_run(apply=True, triggered_by="test")
    assert not run.dry_run
    not_hired = selection["not_hired"]
    not_hired.refresh_from_db()
    assert not_hired.applicant_nik is None
    assert not_hired.registration_number  # the announcement keeps working
    for document in selection["documents"]["not_hired"]:
        assert not Document.objects.filter(pk=document.pk).exists()
        assert not (private_root / document.file.name).exists()
    assert not ApplicantProfile.objects.filter(user=not_hired.applicant).exists()
    # Hired (L) and recent ones are kept, files and all.
    for key in ("hired", "recent"):
        application = selection[key]
        application.refresh_from_db()
        assert application.applicant_nik
        for document in selection["documents"][key]:
            assert Document.objects.filter(pk=document.pk).exists()
            assert (private_root / document.file.name).exists()
    # A second run finds nothing to do.
    again = retention_run(apply=True, triggered_by="test")
    assert again.counts == {"applications": 0, "documents": 0, "profiles": 0}


def test_it_keeps_the_profile_of_someone_with_a_newer_application(selection):
    applicant = selection["not_hired"].applicant
    submitted(applicant, formation=FormationFactory(period__year=2026))
    run = retention_run(apply=True, triggered_by="test")
    assert run.counts["profiles"] == 0
    assert ApplicantProfile.objects.filter(user=applicant).exists()
    selection["not_hired"].refresh_from_db()
    assert selection["not_hired"].applicant_nik is None


def test_it_touches_nothing_in_a_period_without_a_final_announcement(settings, applicant):
    settings.RETENTION_APPLICANT_DAYS = 1
    application = submitted(applicant)
    add_document(application)
    run = retention_run(apply=True, triggered_by="test")
    assert run.counts == {"applications": 0, "documents": 0, "profiles": 0}
    assert Document.objects.filter(application=application).exists()


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite: the open-run row guards")
def test_it_runs_one_applying_run_at_a_time(selection):
    RetentionRun.objects.create(dry_run=False, triggered_by="other")
    with pytest.raises(RetentionAlreadyRunning):
        retention_run(apply=True, triggered_by="test")
    assert apply_retention.delay().get() == {"skipped": "already running"}


def test_the_task_applies_and_records_the_scheduler(selection):
    outcome = apply_retention.delay().get()
    assert outcome["documents"] == 2
    run = RetentionRun.objects.get(pk=outcome["run"])
    assert run.triggered_by == "scheduler"
    assert not run.dry_run


def test_the_command_is_a_dry_run_unless_told(selection, capsys):
    call_command("retention")
    assert "dry run" in capsys.readouterr().out
    assert Document.objects.count() == 4
    call_command("retention", "--apply")
    assert "applied" in capsys.readouterr().out
    assert Document.objects.count() == 2


# --- the plan may be stale by the time a batch runs -----------------------------------------------


def test_it_keeps_the_profile_of_someone_who_applied_again_after_the_plan(selection):
    applicant = selection["not_hired"].applicant

    def start_an_application(line):
        if line.startswith("plan:"):
            submitted(applicant, formation=FormationFactory(period__year=2026))

    run = retention_run(apply=True, triggered_by="test", log=start_an_application)

    assert run.counts["profiles"] == 1  # planned, then kept
    assert ApplicantProfile.objects.filter(user=applicant).exists()


def test_it_keeps_the_documents_of_a_result_corrected_to_l_after_the_plan(selection):
    not_hired = selection["not_hired"]

    def correct_to_l(line):
        if line.startswith("plan:"):
            ExamResult.objects.filter(application=not_hired).update(final_code="L")

    retention_run(apply=True, triggered_by="test", log=correct_to_l)

    for document in selection["documents"]["not_hired"]:
        assert Document.objects.filter(pk=document.pk).exists()
    not_hired.refresh_from_db()
    assert not_hired.applicant_nik


# --- one run at a time: a PostgreSQL advisory lock -----------------------------------------------


@pytest.fixture
def lock_held_elsewhere():
    """The retention lock, taken by another session (another worker running)."""
    import psycopg

    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [RETENTION_LOCK_KEY])
        yield


@pytest.mark.postgres
def test_it_stands_down_while_another_run_holds_the_lock(selection, lock_held_elsewhere):
    with pytest.raises(RetentionAlreadyRunning):
        retention_run(apply=True, triggered_by="test")
    assert apply_retention.delay().get() == {"skipped": "already running"}
    assert Document.objects.filter(application=selection["not_hired"]).exists()


@pytest.mark.postgres
def test_it_closes_the_open_run_of_a_killed_worker_at_once(selection):
    abandoned = RetentionRun.objects.create(dry_run=False, triggered_by="killed")

    run = retention_run(apply=True, triggered_by="test")

    abandoned.refresh_from_db()
    assert (abandoned.error, run.error) == ("abandoned", "")
    assert not Document.objects.filter(application=selection["not_hired"]).exists()


# --- the audit trail forgets what retention deleted -----------------------------------------------


def test_it_blanks_the_earlier_audit_entries_of_what_it_deleted(selection):
    not_hired = selection["not_hired"]
    profile = not_hired.applicant.applicant_profile
    document = selection["documents"]["not_hired"][0]
    kept = selection["documents"]["hired"][0]

    retention_run(apply=True, triggered_by="test")

    for instance in (profile, document):
        entries = entries_for(instance)
        assert entries.filter(action=LogEntry.Action.CREATE).exists()
        for entry in entries:
            # Only links to other records (ids) stay: who it concerned, not what it said.
            assert set(entry.changes or {}) <= {"user", "application", "requirement"}, entry
    for entry in entries_for(not_hired):
        assert "applicant_nik" not in (entry.changes or {})
    assert entries_for(kept, LogEntry.Action.CREATE).get().changes  # others keep theirs
