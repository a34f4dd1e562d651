"""HR plans programmes and sessions in the portal: the list, the create and edit forms, their
rules at the edges (end before start, enrolment window, capacity below the people enrolled),
clear errors that keep what was typed, and the meetings that follow the dates."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests.training.factories import (
    ProgrammeFactory,
    SessionFactory,
    employee_with_user,
    enrolment,
    past_session,
    today,
)
from training.models import Programme, Session
from training.services.catalogue import session_save
from training.services.delivery import attendance_record
from training.services.enrolments import TrainingError

pytestmark = pytest.mark.django_db


def _session_data(**changes):
    start = today() + timedelta(days=30)
    data = {
        "title": "Angkatan III",
        "starts_on": start.isoformat(),
        "ends_on": (start + timedelta(days=2)).isoformat(),
        "enrolment_opens_on": today().isoformat(),
        "enrolment_closes_on": (start - timedelta(days=1)).isoformat(),
        "place": "Aula Kecamatan",
        "online_url": "",
        "trainer": "Widyaiswara BPSDM",
        "capacity": "20",
    }
    return {**data, **changes}


def test_it_creates_a_programme(client_as, hr):
    client = client_as(hr)
    response = client.post(
        reverse("training:programme_create"),
        {
            "name": "Pelayanan Prima",
            "kind": "socio_cultural",
            "mode": "classical",
            "jp": "8",
            "provider": "Kecamatan Rakumpit",
            "competencies": "komunikasi",
            "min_attendance_percent": "80",
            "is_active": "on",
        },
    )
    programme = Programme.objects.get(name="Pelayanan Prima")
    assert response.status_code == 302
    assert response["Location"] == programme.get_absolute_url()
    assert programme.jp == 8 and programme.is_active


def test_it_refuses_a_programme_without_name_and_keeps_what_was_typed(client_as, hr):
    client = client_as(hr)
    response = client.post(
        reverse("training:programme_create"),
        {"name": "", "kind": "technical", "mode": "classical", "jp": "0", "provider": "BPSDM X"},
    )
    assert response.status_code == 200  # the form again, with its errors
    text = response.content.decode()
    assert "data-error-summary" in text
    assert "Enter the programme&#x27;s name." in text
    assert 'value="BPSDM X"' in text  # nothing typed is lost
    assert not Programme.objects.exists()


def test_it_edits_a_programme(client_as, hr):
    programme = ProgrammeFactory(name="Lama", jp=8)
    client = client_as(hr)
    url = reverse("training:programme_edit", args=[programme.pk])
    assert 'value="Lama"' in client.get(url).content.decode()
    data = {
        "name": "Baru",
        "kind": programme.kind,
        "mode": programme.mode,
        "jp": "12",
        "provider": programme.provider,
        "min_attendance_percent": "80",
    }
    assert client.post(url, data).status_code == 302
    programme.refresh_from_db()
    assert (programme.name, programme.jp, programme.is_active) == ("Baru", 12, False)


def test_it_creates_a_session_with_a_meeting_a_day(client_as, hr):
    programme = ProgrammeFactory(name="Pelayanan Prima")
    client = client_as(hr)
    response = client.post(reverse("training:session_create", args=[programme.pk]), _session_data())
    session = Session.objects.get(programme=programme)
    assert response.status_code == 302
    assert response["Location"] == session.get_absolute_url()
    assert session.title == "Angkatan III"
    assert [m.date for m in session.meetings.all()] == [
        session.starts_on + timedelta(days=n) for n in range(3)
    ]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"ends_on": (today() + timedelta(days=29)).isoformat()},
            "ends_on",
            "The last day cannot be before the first day; check both dates.",
        ),
        (
            {"enrolment_closes_on": (today() - timedelta(days=1)).isoformat()},
            "enrolment_closes_on",
            "Enrolment cannot close before it opens.",
        ),
        (
            {"enrolment_closes_on": (today() + timedelta(days=33)).isoformat()},
            "enrolment_closes_on",
            "Enrolment must close by the last day of the session at the latest.",
        ),
        ({"capacity": "0"}, "capacity", "Ensure this value is greater than or equal to 1."),
        ({"place": "", "online_url": ""}, "place", "Enter a place, an online link, or both."),
        ({"starts_on": "31-02-2027"}, "starts_on", "Enter a real date, e.g. 3 March 2027."),
        ({"trainer": ""}, "trainer", "Enter the trainer's name."),
    ],
)
def test_it_refuses_a_session_that_breaks_a_rule(client_as, hr, changes, field, message):
    programme = ProgrammeFactory()
    client = client_as(hr)
    response = client.post(
        reverse("training:session_create", args=[programme.pk]), _session_data(**changes)
    )
    assert response.status_code == 200  # the form again, with its errors
    form = response.context["form"]
    with translation.override("en"):
        assert form.errors[field] == [message]
    assert "data-error-summary" in response.content.decode()
    assert 'value="Widyaiswara BPSDM"' in response.content.decode() or field == "trainer"
    assert not Session.objects.exists()


def test_the_edges_of_the_dates_are_allowed(client_as, hr):
    """One-day session; enrolment closing on the last day itself."""
    programme = ProgrammeFactory()
    start = today() + timedelta(days=30)
    data = _session_data(
        starts_on=start.isoformat(),
        ends_on=start.isoformat(),
        enrolment_closes_on=start.isoformat(),
        enrolment_opens_on=start.isoformat(),
    )
    response = client_as(hr).post(reverse("training:session_create", args=[programme.pk]), data)
    assert response.status_code == 302
    assert Session.objects.get().meetings.count() == 1


def test_it_keeps_the_capacity_at_or_above_the_people_enrolled(client_as, hr):
    session = SessionFactory(capacity=5)
    for _ in range(3):
        enrolment(session, employee_with_user(), by=hr)
    client = client_as(hr)
    url = reverse("training:session_edit", args=[session.pk])
    data = _session_data(
        title=session.title,
        starts_on=session.starts_on.isoformat(),
        ends_on=session.ends_on.isoformat(),
        enrolment_opens_on=session.enrolment_opens_on.isoformat(),
        enrolment_closes_on=session.enrolment_closes_on.isoformat(),
    )
    response = client.post(url, {**data, "capacity": "2"})
    assert response.status_code == 200  # the form again, with its errors
    assert response.context["form"].errors["capacity"] == [
        "3 people already hold a seat: the capacity must be 3 or more."
    ]
    assert client.post(url, {**data, "capacity": "3"}).status_code == 302
    session.refresh_from_db()
    assert session.capacity == 3


def test_dates_cannot_move_once_attendance_is_taken(hr):
    session = past_session(days_ago=1)
    person = enrolment(session, employee_with_user(), by=hr)
    attendance_record(meeting=session.meetings.first(), present=[person.pk], user=hr)
    data = {"starts_on": session.starts_on - timedelta(days=1)}
    with pytest.raises(TrainingError, match="Attendance has already been taken"):
        session_save(session=session, programme=session.programme, data=data, user=hr)
    # Other changes still go through.
    session_save(session=session, programme=session.programme, data={"trainer": "B"}, user=hr)
    session.refresh_from_db()
    assert session.trainer == "B"
    assert session.meetings.count() == 2


def test_new_dates_plan_the_meetings_again(hr):
    session = SessionFactory()
    start = today() + timedelta(days=40)
    session_save(
        session=session,
        programme=session.programme,
        data={
            "starts_on": start,
            "ends_on": start + timedelta(days=1),
            "enrolment_closes_on": start,
        },
        user=hr,
    )
    assert [m.date for m in session.meetings.order_by("number")] == [
        start,
        start + timedelta(days=1),
    ]


def test_the_planning_list_is_reachable_and_lists_inactive_programmes(client_as, hr):
    ProgrammeFactory(name="Aktif")
    ProgrammeFactory(name="Lama", is_active=False)
    client = client_as(hr)
    catalogue = client.get(reverse("training:programme_list")).content.decode()
    assert reverse("training:programme_manage_list") in catalogue
    text = client.get(reverse("training:programme_manage_list")).content.decode()
    assert "Aktif" in text and "Lama" in text


def _manage_list_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("training:programme_manage_list")).status_code == 200
    return len(queries)


def test_the_planning_list_runs_the_same_queries_at_two_sizes(client_as, hr):
    client = client_as(hr)
    client.get(reverse("training:programme_manage_list"))  # the session is cached after this
    for _ in range(2):
        SessionFactory()
    small = _manage_list_queries(client)
    for _ in range(12):
        SessionFactory(programme=ProgrammeFactory())
        SessionFactory()
    assert _manage_list_queries(client) == small
