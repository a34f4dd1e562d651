"""Deadlines in WIB: a deadline typed or seeded as 23:59 WIB is stored and shown as 23:59 WIB, and
it covers that whole minute (a finalisation at 23:59:59 WIB is accepted, one at 00:00:00 WIB the
next day refused). Every form that takes a date and time says it is WIB."""

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from core.clock import end_of_minute, wib
from recruitment.demo import _period as demo_open_period
from recruitment.models import Application, SelectionPeriod
from recruitment.services import applications as services
from tests.factories import FormationFactory
from tests.recruitment.test_applications import ready_application
from tests.recruitment.test_hr import period_data

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
LAST_SECOND = datetime(2026, 9, 16, 23, 59, 59, tzinfo=JAKARTA)
NEXT_DAY = datetime(2026, 9, 17, 0, 0, 0, tzinfo=JAKARTA)


def at(monkeypatch, moment: datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(dt_timezone.utc))


@pytest.fixture
def period_closing_at_2359(client_as, hr, monkeypatch):
    """A period HR created on the form, registration closing "2026-09-16T23:59" (typed in
    WIB), published."""
    at(monkeypatch, datetime(2026, 8, 20, 9, 0, tzinfo=JAKARTA))
    data = period_data(
        registration_opens_at="2026-09-01T08:00", registration_closes_at="2026-09-16T23:59"
    )
    assert client_as(hr).post(reverse("recruitment:hr_period_create"), data).status_code == 302
    client_as(hr).logout()
    SelectionPeriod.objects.update(is_published=True)
    return SelectionPeriod.objects.get()


def test_it_stores_a_deadline_typed_as_2359_as_2359_wib(period_closing_at_2359):
    closes = period_closing_at_2359.registration_closes_at
    assert timezone.localtime(closes, JAKARTA).strftime("%Y-%m-%d %H:%M:%S") == (
        "2026-09-16 23:59:59"
    )
    # The same instant is 16:59 UTC, not 23:59 UTC (06:59 WIB the next morning).
    assert closes.astimezone(dt_timezone.utc).strftime("%H:%M") == "16:59"
    assert closes == end_of_minute(wib(LAST_SECOND.date(), 23, 59))


def test_the_form_shows_the_stored_deadline_as_typed(client_as, hr, period_closing_at_2359):
    url = reverse("recruitment:hr_period_edit", args=[period_closing_at_2359.pk])
    assert 'value="2026-09-16T23:59"' in client_as(hr).get(url).content.decode()


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_vacancy_list_shows_the_deadline_as_2359_wib(
    client, monkeypatch, period_closing_at_2359, language
):
    FormationFactory(period=period_closing_at_2359)
    at(monkeypatch, datetime(2026, 9, 10, 12, 0, tzinfo=JAKARTA))
    client.logout()
    page = client.get("/recruitment/vacancies/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert "16 Sep 2026 23:59 WIB" in page
    assert "06:59" not in page and "16:59" not in page


def _draft(period, monkeypatch):
    at(monkeypatch, datetime(2026, 9, 5, 10, 0, tzinfo=JAKARTA))
    return ready_application(formation=FormationFactory(period=period))


def test_the_service_accepts_a_finalisation_at_235959_wib(period_closing_at_2359, monkeypatch):
    application = _draft(period_closing_at_2359, monkeypatch)
    at(monkeypatch, LAST_SECOND)
    services.application_finalise(application=application, user=application.applicant)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert timezone.localtime(application.submitted_at, JAKARTA).strftime("%H:%M:%S") == (
        "23:59:59"
    )


def test_the_service_refuses_a_finalisation_at_midnight_wib(period_closing_at_2359, monkeypatch):
    application = _draft(period_closing_at_2359, monkeypatch)
    at(monkeypatch, NEXT_DAY)
    with pytest.raises(services.ApplicationError, match="closed"):
        services.application_finalise(application=application, user=application.applicant)
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


@pytest.mark.parametrize(
    ("moment", "status", "message"),
    [
        (LAST_SECOND, "submitted", "Your registration is complete."),
        (NEXT_DAY, "draft", "Registration for this formation is closed"),
    ],
)
def test_the_page_finalises_until_the_last_second_of_2359_wib(
    client_as, period_closing_at_2359, monkeypatch, moment, status, message
):
    application = _draft(period_closing_at_2359, monkeypatch)
    at(monkeypatch, moment)
    response = client_as(application.applicant).post(
        reverse("recruitment:application_finalise", args=[application.pk]),
        {"confirm": "on"},
        follow=True,
        **EN,
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    application.refresh_from_db()
    assert application.status == status


@pytest.mark.parametrize(
    "utc_now",
    [
        datetime(2026, 3, 10, 3, 0, tzinfo=dt_timezone.utc),  # 10:00 WIB, 10 March
        datetime(2026, 3, 10, 20, 0, tzinfo=dt_timezone.utc),  # 03:00 WIB, already 11 March
    ],
)
def test_the_demo_open_period_closes_at_2359_wib(utc_now):
    period = demo_open_period(utc_now)
    today = timezone.localtime(utc_now, JAKARTA).date()
    closes = timezone.localtime(period.registration_closes_at, JAKARTA)
    assert (closes.date(), closes.strftime("%H:%M")) == (today + timedelta(days=12), "23:59")
    last_second = wib(closes.date(), 23, 59) + timedelta(seconds=59)
    assert period.is_registration_open(last_second)
    assert not period.is_registration_open(wib(closes.date() + timedelta(days=1)))
    assert period.age_reference_date == closes.date()
    opens = timezone.localtime(period.registration_opens_at, JAKARTA)
    assert opens.strftime("%H:%M") == "08:00"


# --- every form that takes a date and time says it is WIB ------------------------------------


def test_the_period_form_says_its_times_are_wib(client_as, hr):
    page = client_as(hr).get(reverse("recruitment:hr_period_create"), **EN).content.decode()
    for label in (
        "Registration opens (WIB)",
        "Registration closes (WIB)",
        "Administrative result announced (WIB)",
        "Final announcement (WIB)",
    ):
        assert label in page


def test_the_suspension_form_says_its_time_is_wib_and_reads_it_as_wib(
    client_as, moderator, resident
):
    client = client_as(moderator)
    url = reverse("forums:user_suspend", args=[resident.pk])
    assert "Until (WIB)" in client.get(url, **EN).content.decode()
    day = timezone.localdate() + timedelta(days=30)
    client.post(url, {"reason": "Spam berulang", "until": f"{day:%Y-%m-%d}T23:59"})
    suspension = resident.forum_suspensions.get()
    assert timezone.localtime(suspension.until, JAKARTA).strftime("%Y-%m-%d %H:%M") == (
        f"{day:%Y-%m-%d} 23:59"
    )


@pytest.mark.parametrize(
    "url",
    ["/admin/recruitment/selectionperiod/add/", "/admin/forums/discussionsession/add/"],
)
def test_the_admin_says_its_date_and_time_boxes_are_wib(client_as, admin_user, url):
    page = client_as(admin_user).get(url, **EN).content.decode()
    assert "Date and time in WIB (Asia/Jakarta)." in page


def test_the_exam_session_times_are_labelled_wib():
    from recruitment.forms.announcements import ExamSessionForm

    form = ExamSessionForm()
    assert "(WIB)" in str(form.fields["starts_at"].label)
    assert "(WIB)" in str(form.fields["ends_at"].label)
