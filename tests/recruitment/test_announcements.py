"""Announcements: publication preconditions, the snapshot the applicants see, the e-mails, and
the public pages (registration numbers only, constant queries, PDF)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from recruitment.models import (
    AdminResult,
    Announcement,
    Appeal,
    ApplicationEvent,
    DocumentCheck,
    ExamResult,
    Milestone,
    StatusNotification,
)
from recruitment.selectors.announcements import publish_problems
from recruitment.services.announcements import AnnouncementError, announcement_publish
from recruitment.tasks import send_announcement_emails
from tests.factories import ApplicantProfileFactory
from tests.recruitment.factories_selection import (
    closed_period,
    formation_in,
    screened_application,
    wib,
)
from tests.recruitment.factories_selection import reason as selection_reason

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
def tms_app(formation):
    profile = ApplicantProfileFactory(name_on_ktp=NAME)
    return screened_application(formation, result=AdminResult.TMS, applicant=profile.user)


@pytest.fixture
def ms_app(formation):
    return screened_application(formation)


def publish(period, kind, hr=None, **kwargs):
    return announcement_publish(period=period, kind=kind, actor=hr, **kwargs)


# --- preconditions ------------------------------------------------------------------------


def test_it_refuses_the_admin_announcement_while_registration_is_open(formation, hr):
    period = formation.period
    period.registration_closed = False
    period.registration_closes_at = timezone.now() + timedelta(days=1)
    period.save()

    with pytest.raises(AnnouncementError) as error:
        publish(period, Kind.ADMIN, hr)

    assert "Registration is still open." in error.value.problems
    assert not Announcement.objects.exists()


def test_it_refuses_the_admin_announcement_until_screening_is_complete(ms_app, tms_app, hr):
    ms_app.admin_result = ""
    ms_app.save()

    with pytest.raises(AnnouncementError) as error:
        publish(ms_app.period, Kind.ADMIN, hr)

    assert any("Screening is not complete" in problem for problem in error.value.problems)


def test_it_requires_the_second_check_when_the_period_asks(ms_app, hr):
    period = ms_app.period
    period.second_check_required = True
    period.save()
    assert publish_problems(period, Kind.ADMIN)

    ms_app.confirmed_at = timezone.now()
    ms_app.save()
    assert publish_problems(period, Kind.ADMIN) == []


def test_it_publishes_each_kind_once(ms_app, hr):
    publish(ms_app.period, Kind.ADMIN, hr)

    with pytest.raises(AnnouncementError) as error:
        publish(ms_app.period, Kind.ADMIN, hr)

    assert "already been published" in str(error.value)
    assert Announcement.objects.filter(kind=Kind.ADMIN).count() == 1


def test_it_refuses_post_appeal_before_the_window_closes_and_with_pending_appeals(tms_app, hr):
    period = tms_app.period
    assert any("first" in p for p in publish_problems(period, Kind.POST_APPEAL))
    publish(period, Kind.ADMIN, hr, now=wib(2026, 10, 13, 10, 0))
    Appeal.objects.create(application=tms_app, reason="Readable scan")

    during = publish_problems(period, Kind.POST_APPEAL, now=wib(2026, 10, 16, 23, 59))
    after = publish_problems(period, Kind.POST_APPEAL, now=wib(2026, 10, 17, 0, 0))

    assert any("still open" in problem for problem in during)
    assert after == ["1 appeal(s) are still waiting for an answer."]
    Appeal.objects.update(status=Appeal.Status.REJECTED)
    assert publish_problems(period, Kind.POST_APPEAL, now=wib(2026, 10, 17, 0, 0)) == []


def test_it_refuses_skd_and_final_until_every_result_is_ranked(ms_app, hr):
    period = ms_app.period
    publish(period, Kind.ADMIN, hr, now=wib(2026, 10, 13, 10, 0))
    publish(period, Kind.POST_APPEAL, hr, now=wib(2026, 10, 20, 10, 0))
    result = ExamResult.objects.create(
        application=ms_app, skd_presence="present", twk=100, tiu=120, tkp=170
    )

    assert any("ranking" in p for p in publish_problems(period, Kind.SKD))
    assert any("first" in p for p in publish_problems(period, Kind.FINAL))

    result.skd_total, result.skd_code, result.ranked_at = 390, "P/L", timezone.now()
    result.save()
    publish(period, Kind.SKD, hr)

    assert any("SKB attendance" in p for p in publish_problems(period, Kind.FINAL))
    result.skb_presence, result.skb = "present", 400
    result.save()
    assert publish_problems(period, Kind.FINAL) == []
    event = ApplicationEvent.objects.get(application=ms_app, status=Milestone.SKD_RESULT)
    assert event.note == "P/L"


# --- publishing: snapshot, events, e-mails ---------------------------------------------------


def test_it_copies_results_and_checks_in_bulk_and_writes_one_event_each(
    page_cache_off, formation, ms_app, tms_app, hr, django_assert_num_queries
):
    for _ in range(5):  # the count below does not grow with the applications
        screened_application(formation)
    # savepoint; lock the period; announcements; screening summary; savepoint, insert, audit
    # entry, release (the announcement); update applications; update checks; read ids; insert
    # events; the e-mails' task in the outbox; release
    with django_assert_num_queries(14):
        publish(ms_app.period, Kind.ADMIN, hr)

    ms_app.refresh_from_db()
    tms_app.refresh_from_db()
    assert (ms_app.announced_result, tms_app.announced_result) == ("MS", "TMS")
    check = DocumentCheck.objects.get(application=tms_app, result="TMS")
    assert check.announced_result == "TMS"
    assert check.announced_reason_id == check.reason_id
    assert check.announced_note == "Scan unreadable"
    events = ApplicationEvent.objects.filter(status=Milestone.ADMIN_RESULT)
    assert sorted(events.values_list("note", flat=True)) == ["MS"] * 6 + ["TMS"]


def test_it_shows_the_applicant_only_what_was_announced(client_as, tms_app, hr):
    tms_app.applicant.preferred_language = "en"
    tms_app.applicant.save()
    client = client_as(tms_app.applicant)
    url = tms_app.get_absolute_url()
    before = client.get(url).content.decode()
    assert "data-not-announced" in before
    assert "data-announced-result" not in before

    publish(tms_app.period, Kind.ADMIN, hr)
    # The committee changes its working result after the announcement: not visible yet.
    DocumentCheck.objects.filter(application=tms_app).update(
        result="MS", reason=None, note="changed later"
    )
    type(tms_app).objects.filter(pk=tms_app.pk).update(admin_result="MS")

    page = client.get(url).content.decode()
    assert "Does not meet the requirements" in page
    assert "We are sorry. You did not pass the administrative stage" in page
    assert "Scan unreadable" in page
    assert "changed later" not in page


def test_it_emails_each_applicant_once_per_milestone_in_their_language(
    ms_app, tms_app, hr, django_capture_on_commit_callbacks
):
    tms_app.applicant.preferred_language = "en"
    tms_app.applicant.save()
    with django_capture_on_commit_callbacks(execute=True):
        announcement = publish(ms_app.period, Kind.ADMIN, hr)

    assert len(mail.outbox) == 2
    tms_mail = next(m for m in mail.outbox if m.to == [tms_app.applicant.email])
    assert "(TMS)" in tms_mail.subject
    assert "Does not meet the requirements" in tms_mail.body
    assert "official code: TMS" in tms_mail.body
    assert f"/applications/{tms_app.pk}/" in tms_mail.body

    send_announcement_emails(announcement.pk)  # a duplicated task sends nothing more
    assert len(mail.outbox) == 2
    assert StatusNotification.objects.filter(status=Milestone.ADMIN_RESULT).count() == 2


def test_it_fans_out_in_chunks(formation, hr, django_capture_on_commit_callbacks, monkeypatch):
    import recruitment.tasks as tasks

    monkeypatch.setattr(tasks, "MILESTONE_CHUNK", 2)
    for _ in range(5):
        screened_application(formation)
    with django_capture_on_commit_callbacks(execute=True):
        announcement = publish(formation.period, Kind.ADMIN, hr)

    assert len(mail.outbox) == 5
    assert send_announcement_emails(announcement.pk) == 3


def test_a_chunk_of_the_fan_out_costs_the_same_statements_whatever_its_size(formation, hr):
    """Writing the milestone notices of 2 or 8 applications takes the same number of queries
    (the claims, the events, the preferences, the inbox and outbox rows each in one)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notifications.models import Notification
    from recruitment.models import ApplicationEvent
    from recruitment.tasks import send_milestone_emails

    def told(count):
        apps = [screened_application(formation) for _ in range(count)]
        for app in apps:
            ApplicationEvent.objects.create(
                application=app, status=Milestone.ADMIN_RESULT, note=AdminResult.MS
            )
        ids = [app.pk for app in apps]
        with CaptureQueriesContext(connection) as queries:
            assert send_milestone_emails(ids, Milestone.ADMIN_RESULT) == count
        writes = [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
        # Only the delivery (one claim and one update per e-mail) grows with the chunk.
        return len([q for q in writes if "core_outboxmessage" not in q]), ids

    few, _few_ids = told(2)
    many, many_ids = told(8)
    assert few == many
    assert Notification.objects.filter(kind="recruitment.milestone").count() == 10
    # Run again: everyone was told already.
    assert send_milestone_emails(many_ids, Milestone.ADMIN_RESULT) == 0


# --- public pages -------------------------------------------------------------------------


def test_it_lists_published_announcements_publicly(client, ms_app, hr):
    announcement = publish(ms_app.period, Kind.ADMIN, hr)

    response = client.get(reverse("recruitment:announcement_list", args=[ms_app.period_id]))

    assert response.status_code == 200
    assert reverse("recruitment:announcement_detail", args=[announcement.pk]) in (
        response.content.decode()
    )


def test_it_shows_numbers_and_results_but_no_personal_data(client, ms_app, tms_app, hr):
    announcement = publish(ms_app.period, Kind.ADMIN, hr)
    profile = tms_app.applicant.applicant_profile

    page = client.get(reverse("recruitment:announcement_detail", args=[announcement.pk]))
    pdf = client.get(reverse("recruitment:announcement_pdf", args=[announcement.pk]))

    html = page.content.decode()
    assert tms_app.registration_number in html and ms_app.registration_number in html
    assert "Does not meet the requirements" in html
    for secret in (NAME, profile.nik, profile.nik_masked, tms_app.applicant.email):
        assert secret not in html
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_it_searches_by_registration_number(client, ms_app, tms_app, hr):
    announcement = publish(ms_app.period, Kind.ADMIN, hr)
    url = reverse("recruitment:announcement_detail", args=[announcement.pk])

    html = client.get(url, {"number": tms_app.registration_number}).content.decode()

    assert tms_app.registration_number in html
    assert ms_app.registration_number not in html


def test_it_hides_announcements_of_unpublished_periods(client, ms_app, hr):
    announcement = publish(ms_app.period, Kind.ADMIN, hr)
    ms_app.period.is_published = False
    ms_app.period.save()

    url = reverse("recruitment:announcement_detail", args=[announcement.pk])
    assert client.get(url).status_code == 404


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_it_keeps_the_public_page_queries_constant(page_cache_off, client, formation, hr):
    for _ in range(2):
        screened_application(formation)
    announcement = publish(formation.period, Kind.ADMIN, hr)
    url = reverse("recruitment:announcement_detail", args=[announcement.pk])
    small = _queries(client, url)

    other = formation_in(formation.period)
    for _ in range(8):
        screened_application(other)
    ApplicationEvent.objects.bulk_create(
        ApplicationEvent(application=app, status=Milestone.ADMIN_RESULT, note="MS")
        for app in other.applications.all()
    )

    assert _queries(client, url) == small
    assert small <= 5  # announcement, count, rows, other announcements (+ session)


def test_it_shows_skd_scores_per_formation(client, ms_app, hr):
    period = ms_app.period
    publish(period, Kind.ADMIN, hr, now=wib(2026, 10, 13, 10, 0))
    publish(period, Kind.POST_APPEAL, hr, now=wib(2026, 10, 20, 10, 0))
    ExamResult.objects.create(
        application=ms_app, skd_presence="present", twk=101, tiu=121, tkp=171, skd_total=393,
        skd_code="P/L", ranked_at=timezone.now(),
    )  # fmt: skip
    skd = publish(period, Kind.SKD, hr)

    html = client.get(reverse("recruitment:announcement_detail", args=[skd.pk])).content.decode()

    for value in ("101", "121", "171", "393", "P/L"):
        assert value in html


# --- HR page ------------------------------------------------------------------------------


def test_it_lets_hr_publish_with_a_confirmation(client_as, ms_app, hr):
    client = client_as(hr)
    url = reverse("recruitment:hr_announcement_publish", args=[ms_app.period_id, "admin"])

    client.post(url, {"kind": "admin"})
    assert not Announcement.objects.exists()

    response = client.post(url, {"kind": "admin", "confirm": "on"})
    assert response.status_code == 302
    assert Announcement.objects.filter(kind="admin").count() == 1


def test_it_shows_the_stages_with_their_problems(client_as, formation, hr):
    formation.period.registration_closed = False
    formation.period.registration_closes_at = timezone.now() + timedelta(days=1)
    formation.period.save()

    html = (
        client_as(hr)
        .get(reverse("recruitment:hr_announcements", args=[formation.period_id]))
        .content.decode()
    )

    assert "Registration is still open." in html
    assert 'data-stage="final"' in html


@pytest.mark.parametrize(
    ("persona", "status"),
    [("applicant", 403), ("resident", 403), ("employee", 403), ("supervisor", 403),
     ("moderator", 403), ("hr", 200), ("admin_user", 200)],
)  # fmt: skip
def test_it_lets_only_hr_see_the_stages(request, client_as, period, persona, status):
    user = request.getfixturevalue(persona)
    url = reverse("recruitment:hr_announcements", args=[period.pk])
    assert client_as(user).get(url).status_code == status


def test_it_sends_anonymous_hr_visitors_to_login(client, period):
    url = reverse("recruitment:hr_announcements", args=[period.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert "login" in response["Location"]
    publish_url = reverse("recruitment:hr_announcement_publish", args=[period.pk, "admin"])
    assert client.get(publish_url).status_code == 302


def test_it_refuses_get_on_publish(client_as, period, hr):
    url = reverse("recruitment:hr_announcement_publish", args=[period.pk, "admin"])
    assert client_as(hr).get(url).status_code == 405


# --- review fix: the public PDF is cached, invalidated by a correction, and rate-limited ----


def test_it_draws_the_pdf_once_until_a_correction(client, ms_app, tms_app, hr, monkeypatch):
    import recruitment.pdf as pdf
    from recruitment.services.screening import correction_apply

    drawn = []
    real = pdf.announcement_pdf
    monkeypatch.setattr(pdf, "announcement_pdf", lambda *a: drawn.append(1) or real(*a))
    announcement = publish(ms_app.period, Kind.ADMIN, hr, now=timezone.now() - timedelta(days=1))
    url = reverse("recruitment:announcement_pdf", args=[announcement.pk])

    first = client.get(url)
    second = client.get(url)
    assert first.content == second.content and first.content.startswith(b"%PDF")
    assert len(drawn) == 1

    check = DocumentCheck.objects.filter(application=ms_app).select_related("requirement").first()
    correction_apply(
        application=ms_app,
        requirement=check.requirement,
        actor=hr,
        result=AdminResult.TMS,
        reason=selection_reason(),
        correction_reason="Wrong document",
    )
    client.get(url)
    assert len(drawn) == 2  # the correction shows in the next download
    client.get(url, HTTP_ACCEPT_LANGUAGE="id")
    assert len(drawn) == 3  # each language has its own file


def test_it_limits_pdf_downloads_per_connection(client, ms_app, hr, monkeypatch):
    import recruitment.views.announcements as views

    monkeypatch.setattr(views, "PDF_LIMIT", 2)
    announcement = publish(ms_app.period, Kind.ADMIN, hr)
    url = reverse("recruitment:announcement_pdf", args=[announcement.pk])

    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]
    limited = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert "Too many downloads from your connection." in limited.content.decode()
    assert limited["Retry-After"] == str(views.PDF_WINDOW_SECONDS)
