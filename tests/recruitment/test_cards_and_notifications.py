import io
import threading
import time
from datetime import timedelta
from smtplib import SMTPServerDisconnected
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from core.models import OutboxMessage
from core.pdf import no_fetching
from core.tasks import deliver_outbox
from recruitment.models import Application, SelectionPeriod, StatusNotification
from recruitment.services.applications import (
    ApplicationError,
    application_finalise,
    application_start,
    application_withdraw,
)
from recruitment.tasks import close_registrations, send_status_email
from recruitment.views.cards import VERIFY_LIMIT
from tests.factories import ApplicantProfileFactory, FormationFactory, SelectionPeriodFactory
from workforce.services.reference import reference_data_ensure

pytestmark = pytest.mark.django_db

Status = Application.Status
WIB = ZoneInfo("Asia/Jakarta")
NAME = "Siti Nurhaliza Rahmawati"


@pytest.fixture
def profile(applicant):
    return ApplicantProfileFactory(user=applicant, name_on_ktp=NAME, birth_place="Tangkiling")


@pytest.fixture
def formation():
    # No required documents: finalising needs no uploads here.
    return FormationFactory(required=[])


@pytest.fixture
def draft(profile, formation):
    return application_start(user=profile.user, formation=formation)


@pytest.fixture
def submitted(draft):
    return application_finalise(application=draft, user=draft.applicant)


def card_url(application):
    return reverse("recruitment:application_card", args=[application.pk])


def verify_url(code):
    return reverse("recruitment:verify_code", args=[code])


# --- the card -------------------------------------------------------------------------------


def test_it_serves_the_card_as_a_real_pdf(client_as, submitted, profile):
    response = client_as(profile.user).get(card_url(submitted), HTTP_ACCEPT_LANGUAGE="id")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="kartu-pendaftaran-{submitted.registration_number}.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert submitted.registration_number in text
    assert submitted.verification_code in text
    assert profile.nik_masked in text
    assert profile.nik not in text
    assert NAME in text
    assert "KARTU PENDAFTARAN" in text.upper()  # in the visitor's language
    path = reverse("recruitment:verify_code", args=[submitted.verification_code])
    assert path in "".join(text.split())  # the address may wrap at the end of a line


def test_it_fetches_nothing_while_drawing_the_card():
    fetcher = no_fetching()
    for url in ("http://example.org/x.css", "https://example.org/x.png", "file:///etc/passwd"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_it_explains_why_a_draft_has_no_card(client_as, draft):
    response = client_as(draft.applicant).get(card_url(draft), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"%PDF" not in response.content
    assert "still a draft" in response.text
    assert f'href="{draft.get_absolute_url()}"' in response.text


def test_it_explains_why_a_withdrawn_application_has_no_card(client_as, submitted):
    application_withdraw(application=submitted, user=submitted.applicant, reason="Moving away")

    response = client_as(submitted.applicant).get(card_url(submitted), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "has been withdrawn" in response.text


def test_it_sends_anonymous_visitors_to_sign_in(client, submitted):
    response = client.get(card_url(submitted))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["other_applicant", "resident"])
def test_it_hides_the_card_from_everyone_else(client_as, submitted, persona, request):
    response = client_as(request.getfixturevalue(persona)).get(card_url(submitted))

    assert response.status_code == 404


def test_it_serves_the_card_to_hr(client_as, submitted, hr):
    response = client_as(hr).get(card_url(submitted))

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


# --- public verification --------------------------------------------------------------------


def test_it_confirms_a_card_without_personal_data(client, submitted, profile):
    response = client.get(
        verify_url(submitted.verification_code.lower()), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    page = response.text
    assert submitted.registration_number in page
    assert "This card is genuine" in page
    assert str(Status.SUBMITTED.label) in page
    assert submitted.formation.position.name in page
    assert submitted.period.name in page
    assert f"{timezone.localtime(submitted.submitted_at, WIB):%d-%m-%Y %H:%M} WIB" in page
    for personal in (NAME, profile.nik, profile.nik_masked, "Tangkiling",
                     f"{profile.birth_date:%d-%m-%Y}", profile.user.email):  # fmt: skip
        assert personal not in page


def test_it_says_when_a_genuine_card_is_no_longer_valid(client, submitted):
    application_withdraw(application=submitted, user=submitted.applicant, reason="")

    response = client.get(verify_url(submitted.verification_code), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "Withdrawn by the applicant" in response.text
    assert "APS" in response.text
    assert "no longer active" in response.text


def test_it_sends_the_typed_code_to_its_page(client, submitted):
    code = submitted.verification_code
    typed = f" {code[:4].lower()}-{code[4:8]} {code[8:].lower()} "

    response = client.get(reverse("recruitment:verify"), {"code": typed})

    assert response.status_code == 302
    assert response["Location"] == verify_url(code)


def test_it_shows_the_form_again_for_a_malformed_code(client):
    response = client.get(
        reverse("recruitment:verify"), {"code": "<script>"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert "letters and digits only" in response.text
    assert "<script>" not in response.text


def test_it_says_not_found_for_an_unknown_code(client, submitted):
    response = client.get(verify_url("ZZZZZZZZZZZZ"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert "No card has this verification code." in response.text


def test_it_limits_lookups_per_address(client, submitted):
    url = verify_url(submitted.verification_code)
    for _ in range(VERIFY_LIMIT):
        assert client.get(url, REMOTE_ADDR="203.0.113.7").status_code == 200

    limited = client.get(url, REMOTE_ADDR="203.0.113.7", HTTP_ACCEPT_LANGUAGE="en")

    assert limited.status_code == 429
    assert "Too many checks" in limited.text
    assert submitted.registration_number not in limited.text
    assert client.get(url, REMOTE_ADDR="198.51.100.9").status_code == 200


def test_it_reads_one_row_per_lookup(page_cache_off, client, submitted, django_assert_num_queries):
    # the application with its formation, unit, period and exam session, and whether exam cards
    # exist (the post-appeal announcement)
    with django_assert_num_queries(1):
        client.get(verify_url(submitted.verification_code))


# --- status e-mails -------------------------------------------------------------------------


def test_it_emails_each_status_once_even_when_the_task_runs_twice(
    profile, draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application_finalise(application=draft, user=profile.user)
    assert len(mail.outbox) == 1

    send_status_email.delay(draft.pk)
    send_status_email.delay(draft.pk)

    assert len(mail.outbox) == 1
    assert StatusNotification.objects.filter(application=draft).count() == 1
    assert mail.outbox[0].to == [profile.user.email]


def test_it_emails_again_for_a_new_status(profile, submitted, django_capture_on_commit_callbacks):
    send_status_email.delay(submitted.pk)
    with django_capture_on_commit_callbacks(execute=True):
        application_withdraw(application=submitted, user=profile.user, reason="")

    assert [m.subject.endswith("(APS)") for m in mail.outbox] == [False, True]


def test_it_sends_nothing_for_a_draft(draft):
    assert send_status_email.delay(draft.pk).get() is False
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("language", "portal_name"), [("en", "Rakumpit ASN Portal"), ("id", "Portal ASN Rakumpit")]
)
def test_it_writes_in_the_applicants_language(settings, profile, submitted, language, portal_name):
    settings.SITE_URL = "https://portal.example.org/"
    profile.user.preferred_language = language
    profile.user.save(update_fields=["preferred_language"])
    event = submitted.events.get(status=Status.SUBMITTED)

    # The sender's own language must not leak into the message.
    with translation.override("id" if language == "en" else "en"):
        send_status_email.delay(submitted.pk)

    (message,) = mail.outbox
    with translation.override(language):
        label = str(Status.SUBMITTED.label)
    assert label in message.subject
    assert submitted.registration_number in message.subject
    assert portal_name in message.body
    assert label in message.body
    assert submitted.registration_number in message.body
    assert submitted.formation.position.name in message.body
    assert f"{timezone.localtime(event.at, WIB):%d-%m-%Y %H:%M} WIB" in message.body
    assert f"https://portal.example.org/recruitment/applications/{submitted.pk}/" in message.body
    assert profile.nik not in message.body


def test_it_defaults_to_indonesian(profile, submitted):
    profile.user.preferred_language = ""
    profile.user.save(update_fields=["preferred_language"])

    with translation.override("en"):
        send_status_email.delay(submitted.pk)

    assert "Portal ASN Rakumpit" in mail.outbox[0].body


def test_it_shows_the_official_code_beside_the_status(profile, submitted):
    application_withdraw(application=submitted, user=profile.user, reason="")

    send_status_email.delay(submitted.pk)

    (message,) = mail.outbox
    assert "(APS)" in message.subject
    assert "APS" in message.body


def test_a_refused_send_waits_in_the_outbox_and_is_sent_once_later(submitted):
    real_send = locmem.EmailBackend.send_messages
    calls = []

    def flaky_send(self, messages):
        calls.append(1)
        if len(calls) == 1:
            raise SMTPServerDisconnected("connection lost")
        return real_send(self, messages)

    with mock.patch.object(locmem.EmailBackend, "send_messages", flaky_send):
        before = timezone.now()
        send_status_email.apply(args=[submitted.pk])
        assert mail.outbox == []
        row = OutboxMessage.objects.get()
        assert row.state == OutboxMessage.State.PENDING
        assert row.attempts == 1
        assert "connection lost" in row.last_error
        # The first wait is a minute: the outbox job does not hammer a failing server.
        assert row.available_at >= before + timedelta(seconds=59)
        assert deliver_outbox.apply().get()["sent"] == 0
        # The task running again (a retry, beat twice) queues nothing more.
        assert send_status_email.apply(args=[submitted.pk]).get() is False
        OutboxMessage.objects.update(available_at=timezone.now())  # the wait is over
        assert deliver_outbox.apply().get()["sent"] == 1

    assert len(calls) == 2
    assert len(mail.outbox) == 1
    assert OutboxMessage.objects.get().state == OutboxMessage.State.SENT
    assert StatusNotification.objects.filter(application=submitted).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_emails_once_when_two_workers_run_the_task_at_the_same_time():
    # Real transactions: an earlier transactional test may have flushed the seeded sectors.
    reference_data_ensure()
    profile = ApplicantProfileFactory()
    draft = application_start(user=profile.user, formation=FormationFactory(required=[]))
    with mock.patch("recruitment.services.applications.outbox.dispatch"):  # the race sends it
        application = application_finalise(application=draft, user=profile.user)
    real_send = locmem.EmailBackend.send_messages
    barrier = threading.Barrier(2)
    results = []

    def slow_send(self, messages):
        time.sleep(0.3)  # the other worker reaches its claim while this one is still sending
        return real_send(self, messages)

    def work():
        try:
            barrier.wait(timeout=10)
            results.append(send_status_email.apply(args=[application.pk]).get())
        finally:
            connection.close()

    with mock.patch.object(locmem.EmailBackend, "send_messages", slow_send):
        threads = [threading.Thread(target=work) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    assert sorted(results) == [False, True]
    assert len(mail.outbox) == 1


# --- the deadline -------------------------------------------------------------------------


def make_period(*, closes_in: timedelta) -> SelectionPeriod:
    now = timezone.now()
    return SelectionPeriodFactory(
        registration_opens_at=now - timedelta(days=30),
        registration_closes_at=now + closes_in,
        documents=False,
    )


def test_it_closes_only_periods_past_their_deadline_and_can_run_again():
    past = make_period(closes_in=-timedelta(minutes=1))
    future = make_period(closes_in=timedelta(days=1))

    assert close_registrations.delay().get() == 1
    assert close_registrations.delay().get() == 0

    past.refresh_from_db()
    future.refresh_from_db()
    assert past.registration_closed is True
    assert future.registration_closed is False


def test_it_schedules_the_closing_every_five_minutes():
    from rakumpit_asn.celery import app

    entry = app.conf.beat_schedule["close-registrations"]
    assert entry["task"] == close_registrations.name
    assert entry["schedule"].minute == set(range(0, 60, 5))


def test_it_refuses_finalising_after_the_deadline_without_the_scheduled_job(profile, draft):
    """The form was opened before the deadline and is sent after it; beat has not run."""
    after_deadline = draft.period.registration_closes_at + timedelta(seconds=1)

    with (
        mock.patch("django.utils.timezone.now", return_value=after_deadline),
        pytest.raises(ApplicationError, match="closed"),
    ):
        application_finalise(application=draft, user=profile.user)

    draft.refresh_from_db()
    draft.period.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert draft.registration_number is None
    assert draft.period.registration_closed is False


def test_it_refuses_finalising_once_the_deadline_has_moved_into_the_past(profile, draft):
    SelectionPeriod.objects.filter(pk=draft.period_id).update(
        registration_closes_at=timezone.now() - timedelta(seconds=1)
    )
    draft.refresh_from_db()

    with pytest.raises(ApplicationError):
        application_finalise(application=draft, user=profile.user)

    assert Application.objects.get(pk=draft.pk).status == Status.DRAFT
