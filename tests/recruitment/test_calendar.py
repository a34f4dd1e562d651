"""The applicant's calendar file (.ics): their deadlines, the announcements and their exam
session, in UTC so that 23:59 WIB is 16:59Z in every calendar app; only their own."""

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import icalendar
import pytest
from django.urls import reverse

from recruitment.models import AdminResult, Announcement, Application
from recruitment.services.announcements import announcement_publish
from recruitment.services.appeals import appeal_submit
from tests.factories import ApplicationFactory, FormationFactory
from tests.recruitment.factories_selection import (
    closed_period,
    exam_session,
    formation_in,
    screened_application,
    wib,
)

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

UTC = dt_timezone.utc


def url(application):
    return reverse("recruitment:application_calendar", args=[application.pk])


def events(response) -> dict:
    """The events of the calendar file, by the end of their UID (what they are)."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    calendar = icalendar.Calendar.from_ical(response.content)
    found = {}
    for event in calendar.walk("VEVENT"):
        uid = str(event["UID"])
        prefix = uid.split("@")[0]
        found[prefix.split("-", 3)[-1]] = event
        assert uid.endswith("@portal-asn.rakumpit.go.id")
    return found


@pytest.fixture
def draft(settings):
    settings.LANGUAGE_CODE = "id"
    period = closed_period(
        registration_opens_at=wib(2026, 9, 1, 8, 0),
        registration_closes_at=wib(2026, 9, 20, 23, 59),
        registration_closed=False,
    )
    return ApplicationFactory(formation=FormationFactory(period=period))


def test_it_puts_the_deadline_of_2359_wib_at_1659_utc(client_as, draft):
    found = events(client_as(draft.applicant).get(url(draft)))

    assert list(found) == ["registration-closes"]
    event = found["registration-closes"]
    start = event.decoded("DTSTART")
    assert start == datetime(2026, 9, 20, 16, 59, tzinfo=UTC)
    assert start.tzinfo is not None and start.utcoffset() == timedelta(0)
    assert b"DTSTART:20260920T165900Z" in client_as(draft.applicant).get(url(draft)).content
    # a reminder the day before, and a link back to the application
    assert event.walk("VALARM")[0].decoded("TRIGGER") == -timedelta(days=1)
    assert str(event["URL"]).endswith(draft.get_absolute_url())
    assert "20 September 2026 23:59 WIB" in str(event["DESCRIPTION"])


def test_it_keeps_the_same_uid_when_the_deadline_moves(client_as, draft):
    before = events(client_as(draft.applicant).get(url(draft)))["registration-closes"]["UID"]
    period = draft.period
    period.registration_closes_at = wib(2026, 9, 22, 23, 59)
    period.save()

    after = events(client_as(draft.applicant).get(url(draft)))["registration-closes"]

    assert after["UID"] == before  # importing again updates the event, no copy
    assert after.decoded("DTSTART") == datetime(2026, 9, 22, 16, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "summary"),
    [("en", "Administrative result announced"), ("id", "Hasil seleksi administrasi diumumkan")],
)
def test_it_speaks_the_applicants_language(client_as, hr, language, summary):
    application = screened_application(formation_in(closed_period()))
    announcement_publish(
        period=application.period, kind=Announcement.Kind.ADMIN, actor=hr, now=wib(2026, 10, 13)
    )
    application.applicant.preferred_language = language
    application.applicant.save(update_fields=["preferred_language"])

    found = events(client_as(application.applicant).get(url(application)))

    assert str(found["admin-result"]["SUMMARY"]).startswith(summary)
    assert found["admin-result"].decoded("DTSTART") == datetime(2026, 10, 12, 17, 0, tzinfo=UTC)


def test_it_gives_a_tms_applicant_the_appeal_window_until_it_is_used(client_as, hr):
    application = screened_application(formation_in(closed_period()), result=AdminResult.TMS)
    announcement_publish(
        period=application.period,
        kind=Announcement.Kind.ADMIN,
        actor=hr,
        now=wib(2026, 10, 13, 16, 0),
    )
    application.refresh_from_db()
    application.applicant.preferred_language = "id"
    application.applicant.save(update_fields=["preferred_language"])
    client = client_as(application.applicant)

    window = events(client.get(url(application)))["appeal-window"]

    # 14 to 16 October in WIB: from 13 October 17:00 UTC to 16 October 17:00 UTC
    assert window.decoded("DTSTART") == datetime(2026, 10, 13, 17, 0, tzinfo=UTC)
    assert window.decoded("DTEND") == datetime(2026, 10, 16, 17, 0, tzinfo=UTC)
    assert "16 Oktober 2026 23:59 WIB" in str(window["DESCRIPTION"])

    checks = application.document_checks.filter(result="TMS").values_list("requirement_id")
    appeal_submit(
        application=application,
        user=application.applicant,
        requirement_ids=[pk for (pk,) in checks],
        reason="The scan is readable.",
        confirmed=True,
        now=wib(2026, 10, 14, 9, 0),
    )
    found = events(client.get(url(application)))

    assert "appeal-window" not in found
    # answers within 7 days after the window: by 23 October, an all-day event
    assert found["appeal-answer"].decoded("DTSTART") == datetime(2026, 10, 23).date()


def test_it_shows_no_appeal_window_to_an_ms_applicant(client_as, hr):
    application = screened_application(formation_in(closed_period()))
    announcement_publish(
        period=application.period, kind=Announcement.Kind.ADMIN, actor=hr, now=wib(2026, 10, 13)
    )

    found = events(client_as(application.applicant).get(url(application)))

    assert "appeal-window" not in found and "appeal-answer" not in found


def test_it_shows_the_exam_session_only_once_the_card_can_be_printed(client_as, hr):
    period = closed_period(exam_starts_on=datetime(2026, 11, 2).date())
    application = screened_application(formation_in(period))
    session = exam_session(
        period,
        name="Sesi 2",
        location="Aula Kecamatan",
        address="Jl. Tjilik Riwut Km 34",
        date=datetime(2026, 11, 3).date(),
        starts_at="08:00",
        ends_at="09:40",
    )
    Application.objects.filter(pk=application.pk).update(exam_session=session)
    client = client_as(application.applicant)

    before = events(client.get(url(application)))
    assert "exam" not in before  # assigned, but the result after appeals is not announced
    assert before["exams"].decoded("DTSTART") == datetime(2026, 11, 2).date()

    announcement_publish(
        period=period, kind=Announcement.Kind.ADMIN, actor=hr, now=wib(2026, 10, 13)
    )
    announcement_publish(
        period=period, kind=Announcement.Kind.POST_APPEAL, actor=hr, now=wib(2026, 10, 30)
    )
    exam = events(client.get(url(application)))["exam"]

    assert exam.decoded("DTSTART") == datetime(2026, 11, 3, 1, 0, tzinfo=UTC)  # 08:00 WIB
    assert exam.decoded("DTEND") == datetime(2026, 11, 3, 2, 40, tzinfo=UTC)
    assert str(exam["LOCATION"]) == "Aula Kecamatan, Jl. Tjilik Riwut Km 34"
    assert "Sesi 2" in str(exam["SUMMARY"])


def test_a_withdrawn_application_has_no_events(client_as, draft):
    Application.objects.filter(pk=draft.pk).update(status=Application.Status.WITHDRAWN)

    assert events(client_as(draft.applicant).get(url(draft))) == {}


def test_only_the_applicant_gets_the_file(client, client_as, draft, other_applicant, hr):
    response = client.get(url(draft))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client_as(other_applicant).get(url(draft)).status_code == 404
    assert client_as(hr).get(url(draft)).status_code == 404
    unknown = reverse("recruitment:application_calendar", args=[0])
    assert client_as(draft.applicant).get(unknown).status_code == 404


def test_the_application_page_links_the_file_for_its_owner_only(client_as, draft, hr):
    owner_page = client_as(draft.applicant).get(draft.get_absolute_url())
    assert url(draft).encode() in owner_page.content

    hr_page = client_as(hr).get(draft.get_absolute_url())
    assert hr_page.status_code == 200
    assert url(draft).encode() not in hr_page.content
