"""The receipt e-mailed to an applicant when their appeal (sanggah) is sent: what they sent,
when, and by when the committee answers; once, in their language, with a link to the portal."""

import pytest
from django.core import mail
from django.urls import reverse

from recruitment.models import AdminResult, Announcement, StatusNotification
from recruitment.services.announcements import announcement_publish
from recruitment.services.appeals import appeal_submit
from recruitment.tasks import send_appeal_receipt
from tests.recruitment.factories_selection import (
    closed_period,
    formation_in,
    screened_application,
    wib,
)

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

SENT = wib(2026, 10, 14, 9, 30)


@pytest.fixture
def tms_app(hr):
    application = screened_application(
        formation_in(closed_period()), result=AdminResult.TMS, tms=("ijazah",)
    )
    announcement_publish(
        period=application.period,
        kind=Announcement.Kind.ADMIN,
        actor=hr,
        now=wib(2026, 10, 13, 16, 0),
    )
    application.refresh_from_db()
    return application


def _submit(application, **kwargs):
    return appeal_submit(
        application=application,
        user=application.applicant,
        requirement_ids=list(
            application.document_checks.filter(result="TMS").values_list(
                "requirement_id", flat=True
            )
        ),
        reason="Ijazah saya terbaca jelas; mohon diperiksa lagi.",
        confirmed=True,
        now=SENT,
        **kwargs,
    )


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Diploma", "Sent at: 14-10-2026 09:30 WIB", "answers by 23-10-2026"]),
        ("id", ["Ijazah", "14-10-2026 09:30 WIB", "23-10-2026"]),
    ],
)
def test_it_sends_a_receipt_once_the_appeal_is_committed(
    tms_app, django_capture_on_commit_callbacks, settings, language, words
):
    settings.SITE_URL = "http://portal.example.org:8123"
    tms_app.applicant.preferred_language = language
    tms_app.applicant.save(update_fields=["preferred_language"])

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _submit(tms_app)
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [tms_app.applicant.email]
    assert tms_app.registration_number in message.subject
    for word in words:
        assert word in message.body
    assert "Ijazah saya terbaca jelas; mohon diperiksa lagi." in message.body
    assert f"http://portal.example.org:8123{tms_app.get_absolute_url()}" in message.body


def test_it_sends_the_receipt_only_once(tms_app, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _submit(tms_app)

    assert send_appeal_receipt(tms_app.pk) is False  # a retried or duplicated task
    assert len(mail.outbox) == 1
    assert (
        StatusNotification.objects.filter(application=tms_app, status="appeal_submitted").count()
        == 1
    )


def test_it_sends_no_receipt_for_a_refused_appeal(
    client_as, tms_app, django_capture_on_commit_callbacks
):
    url = reverse("recruitment:appeal_create", args=[tms_app.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(tms_app.applicant).post(url, {"reason": "x", "confirm": "on"})
    assert response.status_code == 200  # no document chosen: the form again
    assert mail.outbox == []


def test_the_demo_data_sends_no_receipt(tms_app, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _submit(tms_app, notify=False)
    assert mail.outbox == []


def test_a_restricted_applicant_gets_no_receipt(tms_app, django_capture_on_commit_callbacks):
    from privacy.models import Restriction

    Restriction.objects.create(
        user=tms_app.applicant, category=Restriction.Category.APPLICATION, reason="request"
    )
    with django_capture_on_commit_callbacks(execute=True):
        _submit(tms_app)
    assert mail.outbox == []
