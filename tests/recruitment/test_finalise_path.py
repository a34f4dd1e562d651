"""What a finalisation does on the request path (the deadline surge, docs/performance.md): a fixed
number of queries, its audit entry written without reading the row back, and the status e-mail
left to the task outbox (rendered and sent after the commit, never inside the transaction)."""

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import QueuedTask
from recruitment import access
from recruitment.models import Application, StatusNotification
from recruitment.services import applications as services
from tests.recruitment.test_applications import ready_application

pytestmark = pytest.mark.django_db


def test_it_finalises_in_a_fixed_number_of_queries_and_leaves_the_email_to_the_outbox():
    draft = ready_application()
    user = draft.applicant
    application = access.own_application(user, draft.pk)  # as the view loads it
    with CaptureQueriesContext(connection) as queries:
        services.application_finalise(application=application, user=user)
    # savepoint (the test's transaction holds the service's); the applicant profile; the
    # required documents with no current upload; the claim (status, number, code and NIK in one
    # conditional UPDATE); the "submitted" event; the audit entry; the e-mail's task row; release
    assert len(queries) == 8, [q["sql"][:80] for q in queries]
    stored = Application.objects.get(pk=draft.pk)
    assert stored.status == Application.Status.SUBMITTED
    assert stored.registration_number == application.registration_number
    assert stored.verification_code == application.verification_code
    assert stored.applicant_nik == user.applicant_profile.nik
    assert stored.submitted_at == application.submitted_at
    # The e-mail waits for the commit (the test's transaction never commits): nothing rendered.
    assert QueuedTask.objects.get().args == [draft.pk]
    assert not StatusNotification.objects.exists()


def test_it_runs_the_email_task_once_committed(django_capture_on_commit_callbacks):
    application = ready_application()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_finalise(application=application, user=application.applicant)
    assert StatusNotification.objects.get(application=application).status == "submitted"
    assert not QueuedTask.objects.exists()  # published (here: run in-process), then deleted


def test_it_writes_the_finalisation_to_the_audit_trail_with_the_nik_masked():
    application = ready_application()
    nik = application.applicant.applicant_profile.nik
    services.application_finalise(application=application, user=application.applicant)
    entry = LogEntry.objects.get_for_object(application).get(action=LogEntry.Action.UPDATE)
    changes = entry.changes_dict
    assert changes["status"] == ["draft", "submitted"]
    assert changes["registration_number"][1] == application.registration_number
    assert set(changes) >= {"submitted_at", "verification_code", "applicant_nik"}
    assert nik not in str(changes) and changes["applicant_nik"][1].endswith(nik[-4:])


def test_a_refused_nik_leaves_the_draft_and_writes_nothing():
    first = ready_application()
    services.application_finalise(application=first, user=first.applicant)
    twin = ready_application(formation=first.formation)
    # Another account already applied this year with the twin's NIK.
    Application.objects.filter(pk=first.pk).update(
        applicant_nik=twin.applicant.applicant_profile.nik
    )
    with pytest.raises(services.ApplicationError, match="NIK has already been used"):
        services.application_finalise(
            application=Application.objects.get(pk=twin.pk), user=twin.applicant
        )
    twin.refresh_from_db()
    assert (twin.status, twin.registration_number, twin.applicant_nik) == ("draft", None, None)
    assert not twin.events.filter(status="submitted").exists()
    assert QueuedTask.objects.filter(args=[twin.pk]).count() == 0
