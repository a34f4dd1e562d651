import re

import pytest
from django.core import mail

from accounts.models import User
from accounts.roles import Role, has_role

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "Warga.Baru@Example.org",
    "full_name": "  Warga   Baru ",
    "role": "resident",
    "phone": "0812 3456 7890",
    "password1": "Sungai-Rungan-2026",
    "password2": "Sungai-Rungan-2026",
    "privacy_consent": "on",
}


def _confirmation_link(message):
    return re.search(r"https?://[^/]+(/accounts/confirm-email/[^\s]+/)", message.body).group(1)


def test_it_signs_up_verifies_the_email_and_signs_in(client):
    response = client.post("/accounts/signup/", SIGNUP)
    assert response.status_code == 302
    user = User.objects.get(email="warga.baru@example.org")
    assert user.full_name == "Warga Baru"
    assert user.phone == "0812 3456 7890"
    assert has_role(user, Role.RESIDENT)
    assert not has_role(user, Role.APPLICANT)
    # Not signed in until the address is verified.
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1
    link = _confirmation_link(mail.outbox[0])
    confirm_page = client.get(link)
    assert confirm_page.status_code == 200
    response = client.post(link)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    assert user.emailaddress_set.get().verified


def test_it_refuses_to_sign_in_before_verification(client):
    client.post("/accounts/signup/", SIGNUP)
    response = client.post(
        "/accounts/login/", {"login": SIGNUP["email"], "password": SIGNUP["password1"]}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"


def test_it_cannot_be_used_to_become_hr(client):
    response = client.post("/accounts/signup/", {**SIGNUP, "role": "hr"})
    assert response.status_code == 200
    assert not User.objects.exists()
    assert "role" in response.context["form"].errors


def test_it_keeps_what_was_typed_and_explains_a_bad_phone(client):
    response = client.post(
        "/accounts/signup/", {**SIGNUP, "phone": "abc"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a phone number of 8 to 19 digits" in page
    assert 'value="Warga.Baru@Example.org"' in page or 'value="warga.baru@example.org"' in page
    assert "Warga   Baru" in page or "Warga Baru" in page
    assert not User.objects.exists()


def test_it_explains_errors_in_bahasa_indonesia(client):
    response = client.post("/accounts/signup/", {**SIGNUP, "phone": "abc"})
    assert "Masukkan nomor telepon 8 sampai 19 digit" in response.content.decode()


def test_it_refuses_a_second_account_for_the_same_email_in_another_case(client):
    client.post("/accounts/signup/", SIGNUP)
    client.post("/accounts/signup/", {**SIGNUP, "email": "WARGA.BARU@EXAMPLE.ORG"})
    assert User.objects.count() == 1


def test_it_rate_limits_sign_ups_from_one_address(client, settings):
    # An hourly window, so that a slow machine cannot let the first sign-ups expire.
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "3/h/ip"}
    statuses = []
    for n in range(4):
        response = client.post("/accounts/signup/", {**SIGNUP, "email": f"w{n}@example.org"})
        statuses.append(response.status_code)
    assert statuses == [302, 302, 302, 429]
    assert User.objects.count() == 3


def test_a_sign_up_succeeds_when_the_mail_server_is_down_and_its_email_follows(client):
    from smtplib import SMTPServerDisconnected
    from unittest import mock

    from django.core import mail
    from django.core.mail.backends import locmem
    from django.utils import timezone

    from core import outbox
    from core.models import OutboxMessage

    with mock.patch.object(
        locmem.EmailBackend, "send_messages", side_effect=SMTPServerDisconnected("down")
    ):
        response = client.post("/accounts/signup/", {**SIGNUP, "email": "down@example.org"})
    assert response.status_code == 302  # not an error page
    assert User.objects.filter(email="down@example.org").exists()
    (row,) = OutboxMessage.objects.all()
    assert (row.state, row.to, row.kind) == (
        "pending",
        ["down@example.org"],
        "accounts.email_confirmation_signup",
    )
    assert mail.outbox == []
    OutboxMessage.objects.update(available_at=timezone.now())  # the server is back
    assert outbox.deliver_pending().sent == 1
    (message,) = mail.outbox
    assert message.to == ["down@example.org"]
    assert "/accounts/confirm-email/" in message.body
