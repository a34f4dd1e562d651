"""allauth's authenticator admin is replaced: the TOTP secret is never shown, nothing can be
edited; an administrator may delete one (the reset for a lost phone)."""

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from tests.conftest import two_factor_login

pytestmark = pytest.mark.django_db


def test_it_never_shows_or_edits_a_second_factor_secret(client_as, admin_user, hr):
    two_factor_login(Client(), hr)  # gives HR an authenticator, as a real enrolment would
    client = client_as(admin_user)
    authenticator = Authenticator.objects.get(user=hr, type=Authenticator.Type.TOTP)
    secret = str(authenticator.data.get("secret"))
    url = reverse("admin:mfa_authenticator_change", args=[authenticator.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert secret not in page.content.decode()
    assert client.post(url, {"type": "totp"}).status_code == 403
    assert client.get(reverse("admin:mfa_authenticator_add")).status_code == 403
    delete = reverse("admin:mfa_authenticator_delete", args=[authenticator.pk])
    client.post(delete, {"post": "yes"})
    assert not Authenticator.objects.filter(pk=authenticator.pk).exists()
