"""Exam sessions, the assignment of participants, and the exam card (kartu peserta ujian)."""

import io

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from recruitment.models import AdminResult, Announcement, ApplicationEvent, Milestone
from recruitment.services.announcements import announcement_publish
from recruitment.services.exams import ExamError, exam_session_delete, exam_sessions_assign
from tests.factories import ApplicantProfileFactory
from tests.recruitment.factories_selection import (
    closed_period,
    exam_session,
    formation_in,
    screened_application,
    wib,
)

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
Kind = Announcement.Kind
NAME = "Siti Nurhaliza Rahmawati"


@pytest.fixture
def period():
    return closed_period()


@pytest.fixture
def formation(period):
    return formation_in(period)


@pytest.fixture
def ms_app(formation):
    profile = ApplicantProfileFactory(name_on_ktp=NAME)
    return screened_application(formation, applicant=profile.user)


@pytest.fixture
def tms_app(formation):
    return screened_application(formation, result=AdminResult.TMS)


def post_appeal(period, hr):
    announcement_publish(period=period, kind=Kind.ADMIN, actor=hr, now=wib(2026, 10, 13, 9, 0))
    announcement_publish(
        period=period, kind=Kind.POST_APPEAL, actor=hr, now=wib(2026, 10, 25, 9, 0)
    )


def card(client, application):
    return client.get(
        reverse("recruitment:exam_card", args=[application.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )


# --- assignment ---------------------------------------------------------------------------


def test_it_assigns_ms_participants_in_registration_order(formation, tms_app, hr):
    apps = [screened_application(formation) for _ in range(3)]
    period = formation.period
    first = exam_session(period, name="Sesi 1", capacity=2)
    second = exam_session(period, name="Sesi 2", starts_at="10:00", ends_at="11:40", capacity=5)
    post_appeal(period, hr)

    assert exam_sessions_assign(period=period, actor=hr) == 3

    for app in apps:
        app.refresh_from_db()
    tms_app.refresh_from_db()
    ordered = sorted(apps, key=lambda a: a.registration_number)
    assert [a.exam_session_id for a in ordered] == [first.pk, first.pk, second.pk]
    assert tms_app.exam_session_id is None
    assert ApplicationEvent.objects.filter(status=Milestone.EXAM_SCHEDULED).count() == 3
    assert exam_sessions_assign(period=period, actor=hr) == 0  # nobody left


def test_it_refuses_when_capacity_is_short(formation, hr):
    for _ in range(3):
        screened_application(formation)
    exam_session(formation.period, capacity=2)
    post_appeal(formation.period, hr)

    with pytest.raises(ExamError, match="3 participants need a session but only 2"):
        exam_sessions_assign(period=formation.period, actor=hr)
    assert not formation.applications.filter(exam_session__isnull=False).exists()


def test_it_refuses_before_the_post_appeal_announcement(ms_app, hr):
    exam_session(ms_app.period)
    with pytest.raises(ExamError, match="after appeals first"):
        exam_sessions_assign(period=ms_app.period, actor=hr)


def test_it_refuses_to_delete_a_session_with_participants(ms_app, hr):
    session = exam_session(ms_app.period)
    post_appeal(ms_app.period, hr)
    exam_sessions_assign(period=ms_app.period, actor=hr)
    with pytest.raises(ExamError):
        exam_session_delete(session=session)


def test_it_emails_the_schedule_once(ms_app, hr, django_capture_on_commit_callbacks):
    exam_session(ms_app.period)
    post_appeal(ms_app.period, hr)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        exam_sessions_assign(period=ms_app.period, actor=hr)
    assert [m.to for m in mail.outbox] == [[ms_app.applicant.email]]


# --- the card -----------------------------------------------------------------------------


def test_it_says_why_before_the_post_appeal_result(client_as, ms_app):
    response = card(client_as(ms_app.applicant), ms_app)
    assert response.status_code == 200
    assert "has not been announced yet" in response.content.decode()


def test_it_says_why_when_not_ms(client_as, tms_app, hr):
    post_appeal(tms_app.period, hr)
    html = card(client_as(tms_app.applicant), tms_app).content.decode()
    assert "is not MS" in html


def test_it_says_why_before_the_schedule(client_as, ms_app, hr):
    post_appeal(ms_app.period, hr)
    html = card(client_as(ms_app.applicant), ms_app).content.decode()
    assert "schedule has not been published yet" in html


@pytest.fixture
def scheduled(ms_app, hr):
    exam_session(ms_app.period, location="SMPN 7 Palangka Raya", capacity=3)
    post_appeal(ms_app.period, hr)
    exam_sessions_assign(period=ms_app.period, actor=hr)
    ms_app.refresh_from_db()
    return ms_app


def test_it_serves_the_card_pdf_to_the_owner(client_as, scheduled):
    response = card(client_as(scheduled.applicant), scheduled)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    profile = scheduled.applicant.applicant_profile
    assert scheduled.registration_number in text
    assert NAME in text
    assert profile.nik_masked in text and profile.nik not in text
    assert "SMPN 7 Palangka Raya" in text
    assert "08:00" in text and "WIB" in text
    assert "KTP" in text


def test_it_serves_the_card_to_hr(client_as, scheduled, hr):
    assert card(client_as(hr), scheduled)["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("persona", ["other_applicant", "resident", "employee", "moderator"])
def test_it_hides_the_card_from_others(request, client_as, scheduled, persona):
    user = request.getfixturevalue(persona)
    assert card(client_as(user), scheduled).status_code == 404


def test_it_sends_anonymous_visitors_to_login(client, scheduled):
    response = card(client, scheduled)
    assert response.status_code == 302 and "login" in response["Location"]


def test_it_links_the_card_from_the_application_page(client_as, scheduled):
    html = client_as(scheduled.applicant).get(scheduled.get_absolute_url()).content.decode()
    assert reverse("recruitment:exam_card", args=[scheduled.pk]) in html


# --- HR pages -----------------------------------------------------------------------------


def test_it_lets_hr_create_edit_and_delete_sessions(client_as, period, hr):
    client = client_as(hr)
    data = {
        "name": "Sesi A", "location": "Aula", "address": "", "date": "2026-11-20",
        "starts_at": "08:00", "ends_at": "09:40", "capacity": "20",
    }  # fmt: skip
    response = client.post(reverse("recruitment:hr_exam_session_create", args=[period.pk]), data)
    assert response.status_code == 302
    session = period.exam_sessions.get()

    data["capacity"] = "25"
    client.post(reverse("recruitment:hr_exam_session_edit", args=[session.pk]), data)
    session.refresh_from_db()
    assert session.capacity == 25

    bad = {**data, "ends_at": "07:00"}
    response = client.post(reverse("recruitment:hr_exam_session_edit", args=[session.pk]), bad)
    assert response.status_code == 200

    client.post(reverse("recruitment:hr_exam_session_delete", args=[session.pk]))
    assert not period.exam_sessions.exists()


@pytest.mark.parametrize("persona", ["applicant", "resident", "employee", "supervisor"])
def test_it_keeps_session_pages_from_other_roles(request, client_as, period, persona):
    user = request.getfixturevalue(persona)
    url = reverse("recruitment:hr_exam_session_list", args=[period.pk])
    assert client_as(user).get(url).status_code == 403


def test_it_lists_sessions_with_constant_queries(
    page_cache_off, client_as, period, hr, django_assert_max_num_queries
):
    client = client_as(hr)
    url = reverse("recruitment:hr_exam_session_list", args=[period.pk])
    exam_session(period)
    client.get(url)
    with django_assert_max_num_queries(8) as small:
        client.get(url)
    for i in range(6):
        exam_session(period, name=f"Sesi {i + 2}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


# --- review fixes: verifiers, a changed session, the card's title ---------------------------


def test_it_hides_the_card_from_an_assigned_verifier(client_as, scheduled):
    from accounts.roles import Role
    from tests.factories import UserFactory
    from tests.recruitment.factories_screening import assign

    verifier = UserFactory(roles=[Role.VERIFIER], is_staff=True)
    assign(scheduled.period, verifier)
    assert card(client_as(verifier), scheduled).status_code == 404


def test_it_tells_each_participant_every_time_their_session_changes(
    scheduled, hr, django_capture_on_commit_callbacks
):
    from recruitment.services.exams import SESSION_FIELDS, exam_session_update

    scheduled.applicant.preferred_language = "en"
    scheduled.applicant.save()
    session = scheduled.exam_session
    fields = {key: getattr(session, key) for key in SESSION_FIELDS}
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        exam_session_update(session=session, actor=hr, **{**fields, "capacity": 5})
    assert mail.outbox == []  # nothing a participant needs to know

    for location in ("Aula Kecamatan", "SMAN 2"):
        with django_capture_on_commit_callbacks(execute=True):
            fields = {**fields, "location": location}
            exam_session_update(session=session, actor=hr, **fields)

    events = ApplicationEvent.objects.filter(
        application=scheduled, status=Milestone.EXAM_SCHEDULED, note__startswith="changed:"
    ).order_by("pk")
    assert [e.note for e in events] == [
        "changed: location: SMPN 7 Palangka Raya -> Aula Kecamatan",
        "changed: location: Aula Kecamatan -> SMAN 2",
    ]
    assert all(e.actor == hr for e in events)
    assert [m.to for m in mail.outbox] == [[scheduled.applicant.email]] * 2
    assert "SMAN 2" in mail.outbox[1].body
    assert "Your exam session has been changed" in mail.outbox[1].body


def test_it_titles_the_card_in_the_active_language(scheduled):
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("en"):
        html = render_to_string(
            "recruitment/announcements/exam_card.html",
            {"application": scheduled, "session": scheduled.exam_session},
        )
    assert "<h1>Exam participant card</h1>" in html
    assert "Kartu Peserta Ujian" not in html
