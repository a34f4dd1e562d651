"""Sanggah: the window in WIB, once only, against TMS only, about uploaded TMS documents only;
HR's answer flips TMS to MS with a decision, or rejects with a reason."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from recruitment.models import (
    AdminResult,
    Announcement,
    Appeal,
    ApplicationEvent,
    Decision,
    Document,
    DocumentCheck,
    Milestone,
)
from recruitment.services.announcements import announcement_publish
from recruitment.services.appeals import AppealError, appeal_answer, appeal_submit
from tests.recruitment.factories_selection import (
    closed_period,
    formation_in,
    screened_application,
    wib,
)

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

ANNOUNCED = wib(2026, 10, 13, 16, 0)
OPENS = wib(2026, 10, 14, 0, 0)  # the day after the announcement, midnight WIB
CLOSES = wib(2026, 10, 17, 0, 0)  # after 3 calendar days
TICK = timedelta(microseconds=1)


@pytest.fixture
def formation():
    return formation_in(closed_period())


@pytest.fixture
def tms_app(formation):
    return screened_application(formation, result=AdminResult.TMS)


@pytest.fixture
def ms_app(formation):
    return screened_application(formation)


def announce(period, hr, at=ANNOUNCED):
    return announcement_publish(period=period, kind=Announcement.Kind.ADMIN, actor=hr, now=at)


def tms_ids(application):
    return list(
        DocumentCheck.objects.filter(application=application, result="TMS").values_list(
            "requirement_id", flat=True
        )
    )


def submit(application, now, **kwargs):
    kwargs.setdefault("requirement_ids", tms_ids(application))
    kwargs.setdefault("reason", "The scan is readable: please look again.")
    kwargs.setdefault("confirmed", True)
    return appeal_submit(application=application, user=application.applicant, now=now, **kwargs)


# --- the window ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "allowed"),
    [(OPENS - TICK, False), (OPENS, True), (CLOSES - TICK, True), (CLOSES, False)],
)
def test_it_opens_and_closes_the_window_at_midnight_wib(tms_app, ms_app, hr, moment, allowed):
    announce(tms_app.period, hr)
    tms_app.refresh_from_db()
    if allowed:
        appeal = submit(tms_app, moment)
        assert appeal.status == Appeal.Status.PENDING
        assert ApplicationEvent.objects.filter(
            application=tms_app, status=Milestone.APPEAL_SUBMITTED
        ).exists()
    else:
        with pytest.raises(AppealError, match=r"window (opens|closed)"):
            submit(tms_app, moment)
        assert not Appeal.objects.exists()


def test_it_refuses_before_the_announcement(tms_app):
    with pytest.raises(AppealError, match="not been announced"):
        submit(tms_app, OPENS)


def test_it_refuses_a_second_appeal(tms_app, hr):
    announce(tms_app.period, hr)
    tms_app.refresh_from_db()
    submit(tms_app, OPENS)

    with pytest.raises(AppealError, match="only once"):
        submit(tms_app, OPENS + timedelta(hours=1))
    assert Appeal.objects.count() == 1


def test_it_refuses_an_appeal_against_ms(ms_app, tms_app, hr):
    announce(ms_app.period, hr)
    ms_app.refresh_from_db()
    with pytest.raises(AppealError, match="only against a TMS result"):
        submit(ms_app, OPENS, requirement_ids=[])


def test_it_refuses_a_document_not_uploaded(formation, hr):
    application = screened_application(formation, result="TMS")
    Document.objects.filter(application=application).update(is_current=False)
    announce(formation.period, hr)
    application.refresh_from_db()

    with pytest.raises(AppealError, match="already uploaded"):
        submit(application, OPENS)


def test_it_refuses_a_document_announced_ms(tms_app, hr):
    announce(tms_app.period, hr)
    tms_app.refresh_from_db()
    ms_ids = DocumentCheck.objects.filter(application=tms_app, result="MS").values_list(
        "requirement_id", flat=True
    )
    with pytest.raises(AppealError, match="already uploaded"):
        submit(tms_app, OPENS, requirement_ids=list(ms_ids))


def test_it_needs_a_reason_and_the_statement(tms_app, hr):
    announce(tms_app.period, hr)
    tms_app.refresh_from_db()
    with pytest.raises(AppealError, match="Explain why"):
        submit(tms_app, OPENS, reason="  ")
    with pytest.raises(AppealError, match="Tick the statement"):
        submit(tms_app, OPENS, confirmed=False)


# --- the views ----------------------------------------------------------------------------


@pytest.fixture
def open_window(tms_app, hr):
    """Announced yesterday: today is inside the window (real clock, for the views)."""
    announce(tms_app.period, hr, at=timezone.now() - timedelta(days=1))
    tms_app.refresh_from_db()
    return tms_app


def test_it_keeps_what_was_typed_when_refused(client_as, open_window):
    client = client_as(open_window.applicant)
    url = reverse("recruitment:appeal_create", args=[open_window.pk])
    response = client.post(
        url, {"reason": "My own words here", "documents": tms_ids(open_window)},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip

    html = response.content.decode()
    assert response.status_code == 200
    assert "My own words here" in html
    assert "Tick the statement to confirm it." in html
    assert not Appeal.objects.exists()


def test_it_accepts_an_appeal_through_the_page(client_as, open_window):
    client = client_as(open_window.applicant)
    url = reverse("recruitment:appeal_create", args=[open_window.pk])
    data = {"reason": "Readable", "documents": tms_ids(open_window), "confirm": "on"}

    response = client.post(url, data)

    assert response.status_code == 302
    assert Appeal.objects.get().application == open_window


def test_it_hides_the_appeal_page_from_others(client_as, open_window, other_applicant, hr):
    url = reverse("recruitment:appeal_create", args=[open_window.pk])
    assert client_as(other_applicant).get(url).status_code == 404
    assert client_as(hr).get(url).status_code == 404


def test_it_sends_anonymous_appellants_to_login(client, open_window):
    response = client.get(reverse("recruitment:appeal_create", args=[open_window.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


# --- HR answers ---------------------------------------------------------------------------


@pytest.fixture
def appeal(open_window):
    return appeal_submit(
        application=open_window,
        user=open_window.applicant,
        requirement_ids=tms_ids(open_window),
        reason="Readable",
        confirmed=True,
    )


def test_it_flips_tms_to_ms_with_a_decision_when_accepted(appeal, hr):
    application = appeal.application

    appeal_answer(appeal=appeal, actor=hr, accept=True, answer="")

    application.refresh_from_db()
    assert not DocumentCheck.objects.filter(application=application, result="TMS").exists()
    assert application.admin_result == AdminResult.MS
    assert application.announced_result == AdminResult.TMS  # until the post-appeal announcement
    decisions = Decision.objects.filter(application=application, kind="appeal_answer")
    assert {(d.before, d.after) for d in decisions} == {("TMS", "MS")}
    assert all(d.actor == hr for d in decisions)
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.ACCEPTED


def test_it_needs_a_reason_to_reject(appeal, hr):
    with pytest.raises(AppealError, match="reason for rejecting"):
        appeal_answer(appeal=appeal, actor=hr, accept=False, answer=" ")

    appeal_answer(appeal=appeal, actor=hr, accept=False, answer="The scan is blurred.")
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.REJECTED
    assert DocumentCheck.objects.filter(application=appeal.application, result="TMS").exists()


def test_it_refuses_to_answer_twice(appeal, hr):
    appeal_answer(appeal=appeal, actor=hr, accept=False, answer="No.")
    with pytest.raises(AppealError, match="already been answered"):
        appeal_answer(appeal=appeal, actor=hr, accept=True, answer="")


def test_it_refuses_to_answer_after_the_deadline(appeal, hr):
    late = timezone.now() + timedelta(days=30)
    with pytest.raises(AppealError, match="can be answered only"):
        appeal_answer(appeal=appeal, actor=hr, accept=True, answer="", now=late)


def test_it_shows_the_answer_to_the_applicant_at_once(
    client_as, appeal, hr, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appeal_answer(appeal=appeal, actor=hr, accept=False, answer="The scan is blurred.")
    application = appeal.application

    html = client_as(application.applicant).get(application.get_absolute_url()).content.decode()

    assert "The scan is blurred." in html
    assert len([m for m in mail.outbox if m.to == [application.applicant.email]]) >= 1


def test_it_lets_hr_answer_through_the_page(client_as, appeal, hr):
    url = reverse("recruitment:hr_appeal_answer", args=[appeal.pk])
    client = client_as(hr)
    assert client.get(url).status_code == 200

    response = client.post(url, {"decision": "reject", "answer": ""})
    assert response.status_code == 200  # refused: a reason is required
    response = client.post(url, {"decision": "accept", "answer": ""})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.ACCEPTED


@pytest.mark.parametrize("persona", ["applicant", "resident", "employee", "moderator"])
def test_it_keeps_hr_appeal_pages_from_other_roles(request, client_as, appeal, persona):
    user = request.getfixturevalue(persona)
    client = client_as(user)
    period_id = appeal.application.period_id
    assert client.get(reverse("recruitment:hr_appeal_list", args=[period_id])).status_code == 403
    assert client.get(reverse("recruitment:hr_appeal_answer", args=[appeal.pk])).status_code == 403


def test_it_lists_appeals_with_counts(client_as, appeal, hr):
    url = reverse("recruitment:hr_appeal_list", args=[appeal.application.period_id])
    html = client_as(hr).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 waiting, 0 answered." in html
    assert appeal.application.registration_number in html


# --- review fixes: lock order, the accepted-appeal wording, the window in WIB ---------------


@pytest.mark.django_db(transaction=True)
def test_it_waits_for_the_application_row_before_answering(hr):
    """appeal_answer takes the application row first, as re-checks and corrections do: while
    another transaction holds it, the answer waits (here: gives up after the lock timeout)
    instead of changing the checks under it."""
    import threading

    from django.db import OperationalError, connection, transaction

    from recruitment.models import Application, RejectionReason

    RejectionReason.objects.get_or_create(code="tidak-terbaca", defaults={"name": "Tidak terbaca"})
    formation = formation_in(closed_period())
    application = screened_application(formation, result=AdminResult.TMS)
    announce(formation.period, hr, at=timezone.now() - timedelta(days=1))
    application.refresh_from_db()
    appeal = submit(application, timezone.now())
    locked, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                # The lock an UPDATE of the row takes (a re-check's new admin_result, say); the
                # log's and the timeline's foreign keys alone would not wait for it.
                Application.objects.select_for_update(no_key=True).get(pk=application.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert locked.wait(10)
    try:
        with pytest.raises(OperationalError, match="lock timeout"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '300ms'")
            appeal_answer(appeal=appeal, actor=hr, accept=False, answer="Blurred", notify=False)
    finally:
        release.set()
        holder.join(10)
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.PENDING


def _two_tms(formation):
    slugs = [r.slug for r in formation.required_documents.order_by("order")]
    return screened_application(formation, result=AdminResult.TMS, tms=slugs[:2]), slugs


def test_it_says_what_an_accepted_appeal_really_changes(
    client_as, formation, hr, django_capture_on_commit_callbacks
):
    application, slugs = _two_tms(formation)
    application.applicant.preferred_language = "en"
    application.applicant.save()
    announce(formation.period, hr, at=timezone.now() - timedelta(days=1))
    application.refresh_from_db()
    first = DocumentCheck.objects.get(application=application, requirement__slug=slugs[0])
    appeal = submit(application, timezone.now(), requirement_ids=[first.requirement_id])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        appeal_answer(appeal=appeal, actor=hr, accept=True, answer="Readable after all")

    html = (
        client_as(application.applicant)
        .get(application.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    other = DocumentCheck.objects.get(application=application, requirement__slug=slugs[1])
    for text in (html, mail.outbox[0].body):
        assert "Your appeal was accepted for the documents you named." in text
        assert f"Your result stays TMS because another document is TMS: {other.requirement}" in (
            text
        )
        assert "will be announced again after the appeal period" in text
        assert "changed to MS" not in text


def test_it_does_not_claim_another_tms_document_when_there_is_none(
    client_as, appeal, hr, django_capture_on_commit_callbacks
):
    application = appeal.application
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        appeal_answer(appeal=appeal, actor=hr, accept=True, answer="")
    html = (
        client_as(application.applicant)
        .get(application.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert "Your appeal was accepted for the documents you named." in html
    assert "data-appeal-still-tms" not in html
    assert "stays TMS" not in mail.outbox[0].body


def test_it_counts_the_window_in_wib_whatever_the_active_time_zone(formation):
    from recruitment.rules import appeal_window_from

    period = formation.period
    period.appeal_days = 3
    # 00:30 WIB on 17 October is still 16 October in UTC and already 17 October in WIB.
    with timezone.override("UTC"):
        window = appeal_window_from(period, wib(2023, 10, 17, 0, 30))
    assert window.opens == wib(2023, 10, 18, 0, 0)
    with timezone.override("Pacific/Kiritimati"):  # UTC+14: the last day is tomorrow there
        assert window.last_day.isoformat() == "2023-10-20"


def test_it_matches_the_2023_example_when_published_on_the_last_announcement_day(formation):
    from recruitment.rules import appeal_window_from

    period = formation.period
    period.appeal_days = 3
    window = appeal_window_from(period, wib(2023, 10, 16, 15, 0))
    assert window.opens == wib(2023, 10, 17, 0, 0)
    assert window.last_day.isoformat() == "2023-10-19"
