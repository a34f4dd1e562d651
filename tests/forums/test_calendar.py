"""A resident's discussion sessions as a calendar file: those they registered for, in UTC
(19:00 WIB is 12:00Z), only their own."""

from datetime import datetime
from datetime import timezone as dt_timezone
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse

from forums.models import DiscussionSession, SessionRegistration

pytestmark = pytest.mark.django_db

URL = reverse("forums:my_sessions_calendar")
WIB = ZoneInfo("Asia/Jakarta")


def session(hr, **kwargs):
    kwargs.setdefault("title", "Forum diskusi layanan air bersih")
    kwargs.setdefault("agenda", "1. Laporan\n2. Tanya jawab")
    kwargs.setdefault("starts_at", datetime(2027, 1, 15, 19, 0, tzinfo=WIB))
    kwargs.setdefault("place", "Balai Kelurahan Petuk Bukit")
    return DiscussionSession.objects.create(created_by=hr, **kwargs)


def events(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content).walk("VEVENT")


def test_it_lists_the_sessions_the_resident_registered_for(client_as, resident, hr):
    mine = session(hr)
    session(hr, title="Sesi lain")
    SessionRegistration.objects.create(session=mine, user=resident)

    found = events(client_as(resident).get(URL))

    assert len(found) == 1
    event = found[0]
    assert (
        str(event["UID"])
        == f"forums-session-{mine.pk}-user-{resident.pk}@portal-asn.rakumpit.go.id"
    )
    assert str(event["SUMMARY"]) == "Forum diskusi layanan air bersih"
    assert event.decoded("DTSTART") == datetime(2027, 1, 15, 12, 0, tzinfo=dt_timezone.utc)
    assert str(event["LOCATION"]) == "Balai Kelurahan Petuk Bukit"
    assert "2. Tanya jawab" in str(event["DESCRIPTION"])
    assert str(event["URL"]).endswith(mine.get_absolute_url())


def test_another_residents_sessions_are_not_in_it(client_as, resident, hr):
    from tests.factories import UserFactory

    other = UserFactory(roles=["resident"])
    SessionRegistration.objects.create(session=session(hr), user=other)

    assert events(client_as(resident).get(URL)) == []


def test_only_residents_get_it(client, client_as, employee):
    assert client.get(URL).status_code == 302
    assert client_as(employee).get(URL).status_code == 403


def test_the_session_page_links_it_once_registered(client_as, resident, hr):
    item = session(hr)
    client = client_as(resident)
    assert URL not in client.get(item.get_absolute_url()).content.decode()
    SessionRegistration.objects.create(session=item, user=resident)
    assert URL in client.get(item.get_absolute_url()).content.decode()
