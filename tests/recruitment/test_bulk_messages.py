"""HR's bulk message to a formation's applicants (issue 21): chosen by status, never drafts; a
preview with the count per channel, a confirmation tick, a record of who sent what, one inbox
notification and its outbox rows per person, at most five messages an hour per sender, and a
page whose query count does not grow with the number of recipients."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import OutboxMessage
from notifications.models import BulkMessage, Notification, Preferences
from recruitment.models import Application
from tests.conftest import two_factor_login
from tests.factories import ApplicationFactory, FormationFactory

pytestmark = pytest.mark.django_db

Status = Application.Status
SMS = {"BACKEND": "core.channels.LocmemBackend"}


@pytest.fixture(autouse=True)
def _sms_gateway(settings):
    """SMS configured (so people may choose it); WhatsApp not."""
    settings.NOTIFICATION_CHANNELS = {"sms": SMS}


def application(formation, status, n, **prefs):
    app = ApplicationFactory(
        formation=formation,
        status=status,
        registration_number="" if status == Status.DRAFT else f"REG-{formation.pk}-{n:04d}",
        submitted_at=None if status == Status.DRAFT else timezone.now() - timedelta(hours=n),
    )
    if prefs:
        Preferences.objects.create(user=app.applicant, **prefs)
    return app


def verified(*channels):
    return {
        "phone": f"+62812000{Preferences.objects.count():05d}",
        "phone_verified_at": timezone.now(),
        "channels": {"news": list(channels)},
    }


@pytest.fixture
def formation():
    return FormationFactory()


@pytest.fixture
def applications(formation):
    """Three finalised (e-mail and SMS; SMS only; no choice: e-mail), one withdrawn (inbox
    only), one draft (e-mail and SMS, never messaged)."""
    return {
        "both": application(formation, Status.SUBMITTED, 1, **verified("email", "sms")),
        "sms": application(formation, Status.SUBMITTED, 2, **verified("sms")),
        "plain": application(formation, Status.SUBMITTED, 3),
        "withdrawn": application(formation, Status.WITHDRAWN, 4, channels={"news": []}),
        "draft": application(formation, Status.DRAFT, 5, **verified("email", "sms")),
    }


def url(formation, status=None):
    base = reverse("recruitment:hr_formation_message", args=[formation.pk])
    return f"{base}?status={status}" if status else base


def reach(response) -> str:
    """The "who receives it" card as one line of text."""
    html = response.content.decode()
    start = html.index('id="reach-heading"')
    return " ".join(html[start : html.index("</section>", start)].split())


MESSAGE = {"subject": "Jadwal SKD", "body": "SKD dimulai pukul 07.30 WIB.\nBawa KTP asli."}


def test_hr_sees_the_count_per_channel_for_every_sent_application_by_default(
    client_as, hr, formation, applications
):
    response = client_as(hr).get(url(formation))
    assert response.status_code == 200
    line = reach(response)
    # 4 people: the draft is left out; e-mail: both + plain; SMS: both + sms.
    assert "4 people (inbox)" in line
    assert "E-mail: 2" in line
    assert "SMS: 2" in line
    assert "WhatsApp: 0" in line
    assert "status: All except drafts" in response.content.decode()


def test_the_status_filter_narrows_the_audience(client_as, hr, formation, applications):
    client = client_as(hr)
    line = reach(client.get(url(formation, Status.WITHDRAWN)))
    assert "1 person (inbox)" in line
    assert "E-mail: 0" in line
    line = reach(client.get(url(formation, Status.SUBMITTED)))
    assert "3 people (inbox)" in line


@pytest.mark.parametrize("status", [Status.DRAFT, "nonsense"])
def test_drafts_or_an_unknown_status_are_never_an_audience(
    client_as, hr, formation, applications, status
):
    assert client_as(hr).get(url(formation, status)).status_code == 404


def test_the_preview_shows_the_text_and_asks_for_the_tick(client_as, hr, formation, applications):
    response = client_as(hr).post(url(formation), {**MESSAGE, "action": "preview"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Jadwal SKD" in html
    assert "Bawa KTP asli." in html
    assert 'name="confirm"' in html
    assert "Yes, send this message to 4 people." in html
    assert not BulkMessage.objects.exists()


def test_sending_without_the_tick_sends_nothing(client_as, hr, formation, applications):
    response = client_as(hr).post(url(formation), {**MESSAGE, "action": "send"})
    assert response.status_code == 200
    assert "Tick the confirmation box to send the message." in response.content.decode()
    assert not BulkMessage.objects.exists()
    assert not Notification.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_sending_with_the_tick_records_it_and_writes_inbox_and_outbox(
    client_as, hr, formation, applications
):
    response = client_as(hr).post(
        url(formation), {**MESSAGE, "action": "send", "confirm": "yes"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse(
        "recruitment:hr_application_list", args=[formation.pk]
    )
    assert "Your message was sent to 4 people." in response.content.decode()

    bulk = BulkMessage.objects.get()
    assert bulk.sender == hr
    assert bulk.audience_key == f"formation:{formation.pk}:all"
    assert str(formation) in bulk.audience
    assert bulk.recipients == 4
    assert bulk.per_channel == {"inbox": 4, "email": 2, "sms": 2, "whatsapp": 0}

    people = {key: app.applicant for key, app in applications.items()}
    notifications = Notification.objects.filter(bulk=bulk)
    assert sorted(n.recipient_id for n in notifications) == sorted(
        people[key].pk for key in ("both", "sms", "plain", "withdrawn")
    )
    assert {(n.subject, n.category, n.kind) for n in notifications} == {
        ("Jadwal SKD", "news", "notifications.bulk")
    }
    assert not Notification.objects.filter(recipient=people["draft"]).exists()

    rows = {(row.user_id, row.channel) for row in OutboxMessage.objects.all()}
    assert rows == {
        (people["both"].pk, "email"),
        (people["both"].pk, "sms"),
        (people["sms"].pk, "sms"),
        (people["plain"].pk, "email"),
    }
    by_user = {n.recipient_id: n.pk for n in notifications}
    for row in OutboxMessage.objects.all():
        assert row.key == f"n{by_user[row.user_id]}:{row.channel}"


def test_applicants_and_employees_may_not_message_applicants(
    client_as, applicant, employee, formation, applications
):
    for user in (applications["plain"].applicant, applicant, employee):
        client = client_as(user)
        assert client.get(url(formation)).status_code == 403
        sent = client.post(url(formation), {**MESSAGE, "action": "send", "confirm": "yes"})
        assert sent.status_code == 403
    assert not BulkMessage.objects.exists()
    assert not Notification.objects.exists()


def test_an_unknown_formation_is_404_for_hr(client_as, hr):
    response = client_as(hr).get(reverse("recruitment:hr_formation_message", args=[999_999]))
    assert response.status_code == 404


def test_the_sixth_message_in_an_hour_is_refused_and_keeps_the_text(
    client_as, hr, admin_user, formation, applications
):
    client = client_as(hr)
    send = {**MESSAGE, "action": "send", "confirm": "yes"}
    for _ in range(5):
        assert client.post(url(formation), send).status_code == 302
    refused = client.post(
        url(formation), {**send, "subject": "Keenam", "body": "Pesan keenam yang ditolak."}
    )
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "You have sent the most bulk messages allowed in an hour." in html
    assert 'value="Keenam"' in html
    assert "Pesan keenam yang ditolak." in html
    assert BulkMessage.objects.filter(sender=hr).count() == 5
    assert not BulkMessage.objects.filter(subject="Keenam").exists()
    # Per sender: another HR officer still may.
    assert client_as(admin_user).post(url(formation), send).status_code == 302


def test_the_formation_page_links_to_the_message_page(client_as, hr, formation, applications):
    html = (
        client_as(hr)
        .get(reverse("recruitment:hr_application_list", args=[formation.pk]))
        .content.decode()
    )
    action = f'action="{reverse("recruitment:hr_formation_message", args=[formation.pk])}"'
    form = html[html.index(action) : html.index("</form>", html.index(action))]
    assert "Message applicants" in form
    assert '<option value="all">All except drafts</option>' in form
    assert '<option value="submitted">Finalised · 3</option>' in form
    assert '<option value="withdrawn">Withdrawn (APS) · 1</option>' in form
    assert 'value="draft"' not in form


def _queries(hr, formation, data=None) -> int:
    """One request's queries, from a fresh session (a message left in the session by an
    earlier send would cost the next request a query of its own)."""
    client = two_factor_login(Client(HTTP_ACCEPT_LANGUAGE="en"), hr)
    client.get(url(formation))  # the session, the roles: warm
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url(formation), data) if data else client.get(url(formation))
    assert response.status_code in (200, 302)
    return len(queries.captured_queries)


# The batches of bulk_create follow the backend's limit on query parameters (SQLite's is low):
# the claim of a constant count is PostgreSQL's, where the portal runs.
@pytest.mark.postgres
def test_the_page_costs_the_same_queries_for_3_and_30_recipients(hr):
    small, large = FormationFactory(), FormationFactory()
    for n in range(3):
        application(small, Status.SUBMITTED, n, **verified("email", "sms"))
    for n in range(30):
        application(large, Status.SUBMITTED, n, **verified("email", "sms"))
    preview = {**MESSAGE, "action": "preview"}
    send = {**MESSAGE, "action": "send", "confirm": "yes"}
    assert _queries(hr, small) == _queries(hr, large)
    assert _queries(hr, small, preview) == _queries(hr, large, preview)
    assert _queries(hr, small, send) == _queries(hr, large, send)
    assert Notification.objects.count() == 33
    assert OutboxMessage.objects.count() == 66


def test_a_double_click_on_send_sends_the_message_once(client_as, hr, formation, applications):
    """The preview's one-time token: the same form posted twice makes one bulk message."""
    client = client_as(hr)
    preview = client.post(url(formation), {**MESSAGE, "action": "preview"})
    token = preview.context["token"]
    assert f'name="token" value="{token}"' in preview.content.decode()
    send = {**MESSAGE, "action": "send", "confirm": "yes", "token": token}
    assert client.post(url(formation), send).status_code == 302
    again = client.post(url(formation), send, follow=True)
    assert BulkMessage.objects.count() == 1
    assert Notification.objects.filter(bulk__isnull=False).count() == 4  # sent ones, not the draft
    assert "was not sent again" in again.content.decode()


def test_hr_can_write_to_the_applicants_found_not_eligible(client_as, hr, formation, applications):
    """An audience by announced result: only the TMS applicants (e.g. about the appeal window)."""
    tms = applications["plain"]
    Application.objects.filter(pk=tms.pk).update(announced_result="TMS")
    Application.objects.filter(pk=applications["both"].pk).update(announced_result="MS")
    response = client_as(hr).post(
        url(formation, "result:TMS"), {**MESSAGE, "action": "send", "confirm": "yes"}
    )
    assert response.status_code == 302
    [sent] = BulkMessage.objects.all()
    assert sent.audience_key == f"formation:{formation.pk}:result:TMS"
    assert list(sent.notifications.values_list("recipient_id", flat=True)) == [tms.applicant_id]


def test_the_message_shows_its_sender_and_links_to_the_vacancy(
    client_as, hr, formation, applications
):
    """Opening HR's message shows the message itself (not a redirect), who sent it, and a link
    to the vacancy it is about; the page lists what went to this group before."""
    client_as(hr).post(url(formation), {**MESSAGE, "action": "send", "confirm": "yes"})
    notice = Notification.objects.get(recipient=applications["plain"].applicant)
    page = client_as(applications["plain"].applicant).get(
        reverse("notifications:open", args=[notice.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert hr.get_full_name() in html
    assert f'href="{reverse("recruitment:vacancy_detail", args=[formation.pk])}"' in html
    history = client_as(hr).get(url(formation, Status.SUBMITTED)).context["history"]
    assert [item.subject for item in history] == [MESSAGE["subject"]]
