"""An employee's training sessions as a calendar file: only the sessions they are enrolled in,
one all-day event per meeting day (or over the session's days), only their own."""

from datetime import date, timedelta

import icalendar
import pytest
from django.urls import reverse

from tests.training.factories import SessionFactory, enrolment
from training.models import Enrolment, Meeting

pytestmark = pytest.mark.django_db

URL = reverse("training:my_calendar")


def events(response) -> dict:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(event["UID"]).split("@")[0]: event for event in calendar.walk("VEVENT")}


def test_it_lists_the_sessions_the_employee_is_enrolled_in(client_as, employee, me, stranger):
    days = SessionFactory(
        title="Pelayanan prima", starts_on=date(2027, 2, 1), ends_on=date(2027, 2, 3), place="Aula"
    )
    met = SessionFactory(
        starts_on=date(2027, 3, 1),
        ends_on=date(2027, 3, 2),
        place="",
        online_url="https://meet.example.org/x",
    )
    Meeting.objects.create(session=met, number=1, date=date(2027, 3, 1), topic="Pembukaan")
    Meeting.objects.create(session=met, number=2, date=date(2027, 3, 2))
    enrolment(days, me)
    enrolment(met, me)
    enrolment(SessionFactory(), me, status=Enrolment.Status.REQUESTED)
    enrolment(SessionFactory(), me, status=Enrolment.Status.CANCELLED)
    enrolment(SessionFactory(), stranger)  # someone else's

    found = events(client_as(employee).get(URL))

    assert sorted(found) == sorted(
        [
            f"training-session-{days.pk}-employee-{me.pk}",
            f"training-session-{met.pk}-employee-{me.pk}-meeting-1",
            f"training-session-{met.pk}-employee-{me.pk}-meeting-2",
        ]
    )
    whole = found[f"training-session-{days.pk}-employee-{me.pk}"]
    assert str(whole["SUMMARY"]) == f"{days.programme.name} — Pelayanan prima"
    assert whole.decoded("DTSTART") == date(2027, 2, 1)
    assert whole.decoded("DTEND") == date(2027, 2, 4)  # exclusive: the 3rd is the last day
    assert str(whole["LOCATION"]) == "Aula"
    first = found[f"training-session-{met.pk}-employee-{me.pk}-meeting-1"]
    assert first.decoded("DTSTART") == date(2027, 3, 1)
    assert first.decoded("DTEND") == date(2027, 3, 1) + timedelta(days=1)
    assert "Topic: Pembukaan" in str(first["DESCRIPTION"])
    assert str(first["LOCATION"]) == "https://meet.example.org/x"


def test_it_links_back_to_the_enrolment(client_as, employee, me):
    record = enrolment(SessionFactory(), me)
    event = next(iter(events(client_as(employee).get(URL)).values()))
    assert str(event["URL"]).endswith(record.get_absolute_url())


def test_an_account_without_an_employee_record_gets_an_empty_calendar(client_as, employee):
    assert events(client_as(employee).get(URL)) == {}


def test_only_employees_get_it(client, client_as, resident, applicant):
    assert client.get(URL).status_code == 302
    assert client_as(resident).get(URL).status_code == 403
    assert client_as(applicant).get(URL).status_code == 403


def test_the_employees_own_page_links_it(client_as, employee, me, hr):
    assert URL in client_as(employee).get(reverse("training:my_training")).content.decode()
    other = client_as(hr).get(reverse("training:employee_training", args=[me.pk]))
    assert URL not in other.content.decode()
