from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from forums.models import Support, Topic
from privacy.models import Consent, DataRequest, Purpose, Restriction
from privacy.services import consent_record, data_request_handle, data_request_submit
from recruitment.models import ApplicantProfile, Application, Document
from tests.conftest import two_factor_login
from tests.factories import EmployeeFactory
from tests.forums.factories import TopicFactory
from tests.privacy.conftest import add_document, draft, finalise_period, result, submitted

pytestmark = pytest.mark.django_db


def test_it_submits_a_request_due_in_72_hours(client_as, applicant):
    client = client_as(applicant)
    response = client.post(
        reverse("privacy:request_create"), {"kind": "deletion", "details": "all of it"}
    )
    data_request = DataRequest.objects.get(user=applicant)
    assert response.status_code == 302
    assert response["Location"] == data_request.get_absolute_url()
    assert data_request.status == DataRequest.Status.RECEIVED
    assert data_request.due_at - data_request.submitted_at == timedelta(hours=72)
    page = client.get(data_request.get_absolute_url())
    assert page.status_code == 200
    assert "Received" in page.text


def test_it_asks_what_to_correct(client_as, applicant):
    response = client_as(applicant).post(reverse("privacy:request_create"), {"kind": "correction"})
    assert response.status_code == 200
    assert "details" in response.context["form"].errors
    assert not DataRequest.objects.exists()


def test_it_gives_404_for_another_persons_request(client_as, applicant, other_applicant, hr):
    theirs = data_request_submit(user=other_applicant, kind="deletion")
    assert client_as(applicant).get(theirs.get_absolute_url()).status_code == 404
    # HR answers on its own page, not the person's.
    assert client_as(hr).get(theirs.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "persona", ["applicant", "resident", "employee", "supervisor", "moderator"]
)
def test_it_lets_only_hr_see_the_request_list(client, persona, request):
    user = request.getfixturevalue(persona)
    two_factor_login(client, user)
    assert client.get(reverse("privacy:request_list")).status_code == 403
    data_request = data_request_submit(user=user, kind="deletion")
    answer = reverse("privacy:request_answer", args=[data_request.pk])
    assert client.get(answer).status_code == 403


def test_it_sends_anonymous_users_to_sign_in_from_hr_pages(client, applicant):
    response = client.get(reverse("privacy:request_list"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert client.get(reverse("privacy:my_data")).status_code == 302


def test_it_highlights_and_filters_overdue_requests(client_as, hr, applicant, other_applicant):
    late = data_request_submit(user=applicant, kind="restriction")
    DataRequest.objects.filter(pk=late.pk).update(
        submitted_at=timezone.now() - timedelta(days=4), due_at=timezone.now() - timedelta(days=1)
    )
    data_request_submit(user=other_applicant, kind="deletion")
    client = client_as(hr)
    page = client.get(reverse("privacy:request_list"))
    assert page.status_code == 200
    assert page.text.count("table-danger") == 1
    overdue = client.get(reverse("privacy:request_list"), {"overdue": "1"})
    assert [r.pk for r in overdue.context["page"].object_list] == [late.pk]
    received = client.get(reverse("privacy:request_list"), {"status": "done"})
    assert list(received.context["page"].object_list) == []


def test_it_lists_requests_in_constant_queries(
    page_cache_off, client_as, hr, django_assert_max_num_queries, django_assert_num_queries
):
    from tests.factories import UserFactory

    client = client_as(hr)
    for _ in range(2):
        data_request_submit(user=UserFactory(), kind="deletion")
    client.get(reverse("privacy:request_list"))  # warm the session and roles
    with django_assert_max_num_queries(8) as small:
        client.get(reverse("privacy:request_list"))
    for _ in range(20):
        data_request = data_request_submit(user=UserFactory(), kind="correction", details="x")
        data_request_handle(
            data_request=data_request, actor=hr, status="done", outcome="ok", carry_out=False
        )
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(reverse("privacy:request_list"))


def test_it_shows_the_outcome_to_the_person(client_as, hr, applicant):
    data_request = data_request_submit(user=applicant, kind="correction", details="my name")
    response = client_as(hr).post(
        reverse("privacy:request_answer", args=[data_request.pk]),
        {"status": "done", "outcome": "Your name has been corrected."},
    )
    assert response.status_code == 302
    data_request.refresh_from_db()
    assert data_request.status == DataRequest.Status.DONE
    assert data_request.handled_by == hr
    assert data_request.handled_at is not None
    assert [entry["action"] for entry in data_request.log] == ["submitted", "answered"]
    page = client_as(applicant).get(data_request.get_absolute_url())
    assert "Your name has been corrected." in page.text


def test_it_refuses_to_close_without_an_outcome(client_as, hr, applicant):
    data_request = data_request_submit(user=applicant, kind="correction", details="x")
    response = client_as(hr).post(
        reverse("privacy:request_answer", args=[data_request.pk]), {"status": "refused"}
    )
    assert response.status_code == 200
    assert "outcome" in response.context["form"].errors


def _deletion(user, hr):
    data_request = data_request_submit(user=user, kind="deletion")
    return data_request_handle(
        data_request=data_request, actor=hr, status="done", outcome="", carry_out=True
    )


def test_a_deletion_respects_retention_and_removes_files(
    hr, applicant, private_root, django_capture_on_commit_callbacks
):
    # This year's selection: finalised, within retention (no final announcement yet).
    kept = submitted(applicant)
    kept_document = add_document(kept, "ijazah", b"%PDF-1.4 kept")
    # Last year's draft, never sent.
    old = draft(applicant, formation__period__year=2025)
    draft_document = add_document(old, "ijazah", b"%PDF-1.4 draft")
    draft_path = private_root / draft_document.file.name
    assert draft_path.exists()
    consent_record(user=applicant, purpose=Purpose.SIGNUP)

    with django_capture_on_commit_callbacks(execute=True):
        data_request = _deletion(applicant, hr)

    assert not Application.objects.filter(pk=old.pk).exists()
    assert not Document.objects.filter(pk=draft_document.pk).exists()
    assert not draft_path.exists()
    kept.refresh_from_db()
    assert kept.applicant_nik
    assert Document.objects.filter(pk=kept_document.pk).exists()
    assert (private_root / kept_document.file.name).exists()
    assert ApplicantProfile.objects.filter(user=applicant).exists()  # the kept one needs it
    assert Restriction.objects.filter(user=applicant, category="application", object_id=kept.pk)
    assert not Consent.objects.filter(user=applicant, withdrawn_at__isnull=True).exists()
    assert data_request.status == DataRequest.Status.PARTLY_DONE
    assert "draft application" in data_request.outcome
    assert "retention" in data_request.outcome or "not finished" in data_request.outcome


def test_a_deletion_after_retention_clears_the_nik_and_documents(
    hr, applicant, private_root, django_capture_on_commit_callbacks, settings
):
    settings.RETENTION_APPLICANT_DAYS = 30
    past = submitted(applicant)
    document = add_document(past, "ijazah")
    finalise_period(past.period, days_ago=31)
    result(past, "TL")
    with django_capture_on_commit_callbacks(execute=True):
        data_request = _deletion(applicant, hr)
    past.refresh_from_db()
    assert past.applicant_nik is None
    assert past.registration_number  # the public announcement keeps working
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not (private_root / document.file.name).exists()
    assert not ApplicantProfile.objects.filter(user=applicant).exists()
    assert "applicant profile" in data_request.outcome


def test_a_deletion_keeps_hired_applications_and_employment(
    hr, employee, django_capture_on_commit_callbacks, settings
):
    settings.RETENTION_APPLICANT_DAYS = 30
    hired = submitted(employee)
    document = add_document(hired, "ijazah")
    finalise_period(hired.period, days_ago=400)
    result(hired, "L")
    EmployeeFactory(user=employee)
    with django_capture_on_commit_callbacks(execute=True):
        data_request = _deletion(employee, hr)
    assert Document.objects.filter(pk=document.pk).exists()
    # Employment records are kept under a legal obligation and go on being processed: said in
    # the outcome, not flagged as a restriction nothing would honour.
    assert not Restriction.objects.filter(user=employee, category="employment").exists()
    assert data_request.status == DataRequest.Status.PARTLY_DONE
    assert "appointed" in data_request.outcome
    assert "civil-service archive rules" in data_request.outcome


def test_a_deletion_unlinks_forum_posts_and_deletes_photos(
    hr, resident, other_applicant, private_root, django_capture_on_commit_callbacks
):
    topic = TopicFactory(author=resident, photo=ContentFile(b"JPEG", name="p.jpg"))
    photo = private_root / topic.photo.name
    theirs = TopicFactory(author=other_applicant, support_count=1)
    Support.objects.create(topic=theirs, user=resident)
    with django_capture_on_commit_callbacks(execute=True):
        data_request = _deletion(resident, hr)
    topic.refresh_from_db()
    assert topic.author != resident
    assert not topic.author.is_active
    assert not topic.photo
    assert not photo.exists()
    assert Topic.objects.get(pk=theirs.pk).support_count == 0
    assert not Support.objects.filter(user=resident).exists()
    assert data_request.status == DataRequest.Status.DONE


def test_it_does_not_handle_a_closed_request_twice(hr, applicant):
    from privacy.services import PrivacyError

    data_request = _deletion(applicant, hr)
    with pytest.raises(PrivacyError):
        data_request_handle(
            data_request=data_request, actor=hr, status="done", outcome="again", carry_out=True
        )


def test_a_restriction_request_flags_the_data(hr, applicant):
    application = submitted(applicant)
    data_request = data_request_submit(user=applicant, kind="restriction")
    data_request = data_request_handle(
        data_request=data_request, actor=hr, status="done", outcome="", carry_out=True
    )
    assert data_request.status == DataRequest.Status.DONE
    assert set(Restriction.objects.filter(user=applicant).values_list("category", "object_id")) == {
        ("application", application.pk),
        ("applicant_profile", applicant.applicant_profile.pk),
        ("forums", None),
    }
    assert "no more e-mails" in data_request.outcome
    assert "Employment records" in data_request.outcome


def test_a_deletion_blanks_the_earlier_audit_entries_of_what_it_deleted(hr, applicant, settings):
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    settings.RETENTION_APPLICANT_DAYS = 30
    applicant.phone = "081234567890"
    applicant.save()
    past = submitted(applicant)
    document = add_document(past, "ijazah")
    finalise_period(past.period, days_ago=31)
    result(past, "TL")
    profile = applicant.applicant_profile

    _deletion(applicant, hr)

    def entries(model, pk):
        content_type = ContentType.objects.get_for_model(model)
        return LogEntry.objects.filter(content_type=content_type, object_pk=str(pk))

    assert entries(ApplicantProfile, profile.pk).count() >= 2  # create and delete stay
    for entry in entries(ApplicantProfile, profile.pk):
        assert set(entry.changes or {}) <= {"user"}  # the link to the person, no values
    for entry in entries(Document, document.pk):
        assert set(entry.changes or {}) <= {"application", "requirement"}
    for entry in entries(Application, past.pk):
        assert "applicant_nik" not in (entry.changes or {})
    for entry in entries(type(applicant), applicant.pk):
        assert "phone" not in (entry.changes or {})
        assert "full_name" in (entry.changes or {}) or entry.action != LogEntry.Action.CREATE


def test_it_refuses_to_let_hr_handle_their_own_request(client_as, hr):
    from privacy.services import PrivacyError

    own = data_request_submit(user=hr, kind="deletion")
    with pytest.raises(PrivacyError, match="Another HR officer"):
        data_request_handle(data_request=own, actor=hr, status="done", outcome="", carry_out=True)

    url = reverse("privacy:request_answer", args=[own.pk])
    page = client_as(hr).get(url)
    response = client_as(hr).post(url, {"status": "done", "outcome": "x", "carry_out": "on"})

    assert page.status_code == 200 and "another HR officer must answer it" in page.text
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.is_open and own.handled_by is None
