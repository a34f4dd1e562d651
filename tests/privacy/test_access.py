"""Every privacy URL as each persona: anonymous -> login, wrong role -> 403, not yours -> 404."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from privacy.services import data_request_submit
from tests.conftest import two_factor_login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PERSONAS = (
    "anonymous",
    "applicant",
    "other_applicant",
    "resident",
    "employee",
    "supervisor",
    "hr",
    "verifier",
    "moderator",
    "admin_user",
)


def everyone(outcome):
    return dict.fromkeys(PERSONAS, outcome)


def signed_in(outcome):
    return {**everyone(outcome), "anonymous": "login"}


EXPECT = {
    "notice": everyone(200),
    "my_data": signed_in(200),
    "export": signed_in("zip"),
    "request_create": signed_in(200),
    # The owner only: HR answers on its own page.
    "request_detail": {**signed_in(404), "applicant": 200},
    "request_list": {**signed_in(403), "hr": 200, "admin_user": 200},
    "request_answer": {**signed_in(403), "hr": 200, "admin_user": 200},
}


def _outcome(response):
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return "login"
    if response.status_code == 200 and response["Content-Type"] == "application/zip":
        return "zip"
    return response.status_code


@pytest.mark.parametrize("name", sorted(EXPECT))
def test_it_applies_the_house_rule(client, request, name):
    owner = request.getfixturevalue("applicant")
    data_request = data_request_submit(user=owner, kind="deletion")
    args = [data_request.pk] if name in ("request_detail", "request_answer") else []
    url = reverse(f"privacy:{name}", args=args)
    seen = {}
    for persona in PERSONAS:
        client.logout()
        if persona == "verifier":
            two_factor_login(client, UserFactory(roles=[Role.VERIFIER], is_staff=True))
        elif persona != "anonymous":
            two_factor_login(client, request.getfixturevalue(persona))
        seen[persona] = _outcome(client.get(url))
    assert seen == EXPECT[name]
