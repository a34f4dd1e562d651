"""HR's bulk message to a unit's staff (issue 21): the accounts of its active employees only, a
preview with the count per channel, a confirmation tick, a record of who sent what, one inbox
notification and its outbox rows per person, at most five messages an hour per sender, and a
page whose query count does not grow with the number of recipients."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import OutboxMessage
from notifications.models import BulkMessage, Notification, Preferences
from tests.conftest import two_factor_login
from tests.factories import EmployeeFactory, PositionFactory, UnitFactory, UserFactory
from workforce.models import Employee

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    """Pages in English (the tests match the English source text)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture(autouse=True)
def _sms_gateway(settings):
    settings.NOTIFICATION_CHANNELS = {"sms": {"BACKEND": "core.channels.LocmemBackend"}}


def staff(unit, status=Employee.Status.ACTIVE, *, account=True, **prefs):
    user = UserFactory(roles=["employee"]) if account else None
    if user and prefs:
        Preferences.objects.create(user=user, **prefs)
    return EmployeeFactory(position=PositionFactory(unit=unit), status=status, user=user)


def sms_only():
    return {
        "phone": f"+62813000{Preferences.objects.count():05d}",
        "phone_verified_at": timezone.now(),
        "channels": {"news": ["sms"]},
    }


@pytest.fixture
def unit():
    return UnitFactory()


@pytest.fixture
def employees(unit):
    """Two active with an account (e-mail; SMS only), one active without an account, one on
    leave and one retired (not messaged), and an active employee of another unit."""
    return {
        "mail": staff(unit),
        "sms": staff(unit, **sms_only()),
        "no_account": staff(unit, account=False),
        "on_leave": staff(unit, Employee.Status.ON_LEAVE),
        "retired": staff(unit, Employee.Status.RETIRED),
        "elsewhere": staff(UnitFactory()),
    }


def url(unit):
    return reverse("workforce:unit_message", args=[unit.pk])


def reach(response) -> str:
    html = response.content.decode()
    start = html.index('id="reach-heading"')
    return " ".join(html[start : html.index("</section>", start)].split())


MESSAGE = {"subject": "Apel pagi", "body": "Apel pagi Senin pukul 07.00 WIB di halaman kantor."}
SEND = {**MESSAGE, "action": "send", "confirm": "yes"}


def test_hr_sees_the_active_employees_with_an_account_per_channel(client_as, hr, unit, employees):
    response = client_as(hr).get(url(unit))
    assert response.status_code == 200
    line = reach(response)
    assert "2 people (inbox)" in line
    assert "E-mail: 1" in line
    assert "SMS: 1" in line
    assert unit.name in response.content.decode()


def test_the_preview_shows_the_text(client_as, hr, unit, employees):
    html = client_as(hr).post(url(unit), {**MESSAGE, "action": "preview"}).content.decode()
    assert "Apel pagi Senin pukul 07.00 WIB di halaman kantor." in html
    assert "Yes, send this message to 2 people." in html
    assert not BulkMessage.objects.exists()


def test_sending_without_the_tick_sends_nothing(client_as, hr, unit, employees):
    response = client_as(hr).post(url(unit), {**MESSAGE, "action": "send"})
    assert "Tick the confirmation box to send the message." in response.content.decode()
    assert not BulkMessage.objects.exists()
    assert not Notification.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_sending_with_the_tick_records_it_and_writes_inbox_and_outbox(
    client_as, hr, unit, employees
):
    response = client_as(hr).post(url(unit), SEND)
    assert response.status_code == 302
    assert response["Location"] == unit.get_absolute_url()
    bulk = BulkMessage.objects.get()
    assert (bulk.sender, bulk.audience_key, bulk.recipients) == (hr, f"unit:{unit.pk}", 2)
    assert unit.name in bulk.audience
    assert bulk.per_channel == {"inbox": 2, "email": 1, "sms": 1, "whatsapp": 0}
    mail, sms = employees["mail"].user, employees["sms"].user
    assert sorted(Notification.objects.filter(bulk=bulk).values_list("recipient", flat=True)) == (
        sorted([mail.pk, sms.pk])
    )
    assert Notification.objects.count() == 2  # nobody on leave, retired or elsewhere
    assert {(row.user_id, row.channel) for row in OutboxMessage.objects.all()} == {
        (mail.pk, "email"),
        (sms.pk, "sms"),
    }


def test_employees_and_applicants_may_not_message_a_unit(client_as, applicant, unit, employees):
    for user in (employees["mail"].user, applicant):
        client = client_as(user)
        assert client.get(url(unit)).status_code == 403
        assert client.post(url(unit), SEND).status_code == 403
    assert not BulkMessage.objects.exists()


def test_an_unknown_unit_is_404_for_hr(client_as, hr):
    assert client_as(hr).get(reverse("workforce:unit_message", args=[999_999])).status_code == 404


def test_the_sixth_message_in_an_hour_is_refused_and_keeps_the_text(client_as, hr, unit, employees):
    client = client_as(hr)
    for _ in range(5):
        assert client.post(url(unit), SEND).status_code == 302
    refused = client.post(url(unit), {**SEND, "subject": "Keenam", "body": "Ditolak, disimpan."})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "You have sent the most bulk messages allowed in an hour." in html
    assert 'value="Keenam"' in html
    assert "Ditolak, disimpan." in html
    assert BulkMessage.objects.count() == 5


def test_the_unit_page_links_to_the_message_page(client_as, hr, unit, employees):
    html = client_as(hr).get(unit.get_absolute_url()).content.decode()
    assert f'href="{url(unit)}"' in html
    assert "Message employees" in html


def _queries(hr, unit, data=None) -> int:
    """One request's queries, from a fresh session (a message left in the session by an
    earlier send would cost the next request a query of its own)."""
    client = two_factor_login(Client(HTTP_ACCEPT_LANGUAGE="en"), hr)
    client.get(url(unit))  # the session, the roles: warm
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url(unit), data) if data else client.get(url(unit))
    assert response.status_code in (200, 302)
    return len(queries.captured_queries)


def test_the_page_costs_the_same_queries_for_3_and_30_recipients(hr):
    small, large = UnitFactory(), UnitFactory()
    for _ in range(3):
        staff(small, **sms_only())
    for _ in range(30):
        staff(large, **sms_only())
    preview = {**MESSAGE, "action": "preview"}
    assert _queries(hr, small) == _queries(hr, large)
    assert _queries(hr, small, preview) == _queries(hr, large, preview)
    assert _queries(hr, small, SEND) == _queries(hr, large, SEND)
    assert Notification.objects.count() == 33
    assert OutboxMessage.objects.filter(channel="sms").count() == 33
