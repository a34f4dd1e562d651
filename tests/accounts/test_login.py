import re

import pytest
from django.core import mail

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _login(client, email, password):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_it_signs_in_with_email_and_password_in_any_case(client, applicant):
    response = _login(client, applicant.email.upper(), PASSWORD)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == applicant.pk


def test_it_keeps_the_email_and_explains_a_wrong_password(client, applicant):
    response = client.post(
        "/accounts/login/",
        {"login": applicant.email, "password": "wrong"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The email address and/or password you specified are not correct." in page
    assert applicant.email in page


def test_it_locks_the_account_out_after_five_failures(client, applicant):
    for _ in range(5):
        _login(client, applicant.email, "wrong-password")
    response = _login(client, applicant.email, PASSWORD)
    assert response.status_code == 429
    assert "Terlalu banyak percobaan masuk yang gagal" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_does_not_lock_out_another_account_from_the_same_address(client, applicant):
    other = UserFactory()
    for _ in range(5):
        _login(client, applicant.email, "wrong-password")
    assert _login(client, other.email, PASSWORD).status_code == 302


def test_it_locks_the_admin_login_too(client, admin_user):
    for _ in range(5):
        client.post("/admin/login/", {"username": admin_user.email, "password": "nope"})
    response = client.post("/admin/login/", {"username": admin_user.email, "password": PASSWORD})
    assert response.status_code == 429


def test_it_signs_out_with_post(client_as, applicant):
    client = client_as(applicant)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_it_resets_a_forgotten_password(client, applicant):
    response = client.post("/accounts/password/reset/", {"email": applicant.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    path = re.search(r"https?://[^/]+(/accounts/password/reset/key/[^\s]+/)", mail.outbox[0].body)
    response = client.get(path.group(1), follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"password1": "Pager-Panjehang-77", "password2": "Pager-Panjehang-77"}
    )
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.check_password("Pager-Panjehang-77")


def test_it_changes_the_password_of_a_signed_in_user(client_as, applicant):
    client = client_as(applicant)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "Petuk-Bukit-26!", "password2": "Petuk-Bukit-26!"},
    )
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.check_password("Petuk-Bukit-26!")


def test_it_refuses_a_weak_new_password(client_as, applicant):
    response = client_as(applicant).post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "12345678", "password2": "12345678"},
    )
    assert response.status_code == 200
    applicant.refresh_from_db()
    assert applicant.check_password(PASSWORD)
