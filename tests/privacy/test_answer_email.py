"""The message to a person when HR answers their personal-data request: once, when the request
is closed, in their language, with the outcome and a link to the request."""

import pytest
from django.core import mail

from privacy.models import DataRequest
from privacy.services import data_request_handle, data_request_submit
from privacy.tasks import ANSWER_EMAILED, send_request_answer

pytestmark = pytest.mark.django_db


def _answer(data_request, hr, status="done", outcome="Nama Anda sudah dibetulkan."):
    return data_request_handle(
        data_request=data_request, actor=hr, status=status, outcome=outcome, carry_out=False
    )


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["has been answered: Done", "Request: Correct my data", "Outcome:"]),
        ("id", [": Koreksi data saya", ": Selesai"]),
    ],
)
def test_it_tells_the_person_when_the_request_is_answered(
    applicant, hr, settings, django_capture_on_commit_callbacks, language, words
):
    settings.SITE_URL = "http://portal.example.org:8123"
    applicant.preferred_language = language
    applicant.save(update_fields=["preferred_language"])
    data_request = data_request_submit(user=applicant, kind="correction", details="nama saya")

    with django_capture_on_commit_callbacks(execute=True):
        _answer(data_request, hr)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [applicant.email]
    text = message.subject + "\n" + message.body
    for word in words:
        assert word in text
    assert "Nama Anda sudah dibetulkan." in message.body
    assert f"http://portal.example.org:8123{data_request.get_absolute_url()}" in message.body
    data_request.refresh_from_db()
    assert data_request.log[-1]["action"] == ANSWER_EMAILED


def test_it_sends_nothing_while_the_request_is_in_progress(
    applicant, hr, django_capture_on_commit_callbacks
):
    data_request = data_request_submit(user=applicant, kind="correction", details="x")
    with django_capture_on_commit_callbacks(execute=True):
        _answer(data_request, hr, status="in_progress", outcome="")
    assert mail.outbox == []
    assert send_request_answer(data_request.pk) is False


def test_it_sends_the_answer_once(applicant, hr, django_capture_on_commit_callbacks):
    data_request = data_request_submit(user=applicant, kind="correction", details="x")
    with django_capture_on_commit_callbacks(execute=True):
        _answer(data_request, hr, status="refused", outcome="Tidak dapat diproses.")

    assert send_request_answer(data_request.pk) is False  # a retried or duplicated task
    assert len(mail.outbox) == 1
    data_request.refresh_from_db()
    assert [entry["action"] for entry in data_request.log].count(ANSWER_EMAILED) == 1


def test_a_restriction_request_is_answered_by_e_mail_too(
    applicant, hr, django_capture_on_commit_callbacks
):
    data_request = data_request_submit(user=applicant, kind="restriction")
    with django_capture_on_commit_callbacks(execute=True):
        data_request_handle(
            data_request=data_request, actor=hr, status="done", outcome="", carry_out=True
        )
    data_request.refresh_from_db()
    assert data_request.status == DataRequest.Status.DONE
    assert len(mail.outbox) == 1
    assert data_request.outcome.splitlines()[0] in mail.outbox[0].body


def test_the_export_names_the_portal_for_the_answer_e_mail(
    applicant, hr, django_capture_on_commit_callbacks
):
    from core.personaldata import Export
    from privacy.personal_data import export

    data_request = data_request_submit(user=applicant, kind="correction", details="x")
    with django_capture_on_commit_callbacks(execute=True):
        _answer(data_request, hr)

    rows = export(Export(user=applicant))["requests"][0]["log"]
    assert [row["by"] for row in rows] == ["you", "staff", "portal"]
