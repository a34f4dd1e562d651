"""Residents invited to a session: they are told by e-mail (once), find the invitation on their
page and can open the session; residents not invited cannot."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from tests.factories import UserFactory
from tests.training.factories import SessionFactory
from training.models import SessionGuest
from training.services.guests import session_guest_invite
from training.tasks import send_guest_invitation

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(resident, django_capture_on_commit_callbacks):
    session = SessionFactory(title="Angkatan II")
    with django_capture_on_commit_callbacks(execute=True):
        guest = session_guest_invite(session=session, user=resident, role="speaker")
    return guest


def test_the_invited_resident_is_told_by_email_once(invited, resident):
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [resident.email]
    with translation.override("id"):  # the resident's language (the portal's default)
        assert str(invited.session) in message.subject
    assert invited.session.get_absolute_url() in message.body
    invited.refresh_from_db()
    assert invited.notified_at is not None
    assert send_guest_invitation(invited.pk) is False  # a second run sends nothing
    assert len(mail.outbox) == 1


def test_the_invited_resident_opens_the_session(client_as, invited, resident):
    client = client_as(resident)
    response = client.get(invited.session.get_absolute_url())
    assert response.status_code == 200
    text = response.content.decode()
    assert str(invited.session) in text
    assert "You are invited to this session as: Speaker." in text
    assert "Participants" not in text  # no roster for guests


def test_a_resident_not_invited_gets_403(client_as, invited):
    other = UserFactory(roles=["resident"])
    response = client_as(other).get(invited.session.get_absolute_url())
    assert response.status_code == 403


def test_a_resident_invited_elsewhere_gets_403_here(client_as, invited, resident):
    elsewhere = SessionFactory()
    assert client_as(resident).get(elsewhere.get_absolute_url()).status_code == 403


def test_the_invitations_page_lists_the_residents_sessions(client_as, invited, resident):
    SessionGuest.objects.create(
        session=SessionFactory(), user=UserFactory(roles=["resident"]), role="observer"
    )
    response = client_as(resident).get(reverse("training:my_invitations"))
    text = response.content.decode()
    assert response.status_code == 200
    assert text.count("data-invitation=") == 1
    assert str(invited.session) in text


def test_the_invitations_page_runs_the_same_queries_at_two_sizes(
    client_as, resident, django_assert_max_num_queries
):
    client = client_as(resident)
    SessionGuest.objects.create(session=SessionFactory(), user=resident, role="observer")
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("training:my_invitations"))
    for _ in range(10):
        SessionGuest.objects.create(session=SessionFactory(), user=resident, role="observer")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("training:my_invitations"))


def test_an_invitation_added_in_the_admin_is_told_by_email(
    client_as, admin_user, resident, django_capture_on_commit_callbacks
):
    session = SessionFactory()
    client = client_as(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:training_sessionguest_add"),
            {"session": session.pk, "user": resident.pk, "role": "observer"},
        )
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [[resident.email]]
