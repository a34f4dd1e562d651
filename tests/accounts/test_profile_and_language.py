import re

import pytest

pytestmark = pytest.mark.django_db


def _lang(response):
    return re.search(r'<html lang="([a-z-]+)"', response.content.decode()).group(1)


def test_it_sends_anonymous_visitors_from_the_profile_to_login(client):
    response = client.get("/accounts/me/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_shows_the_user_their_roles(client_as, supervisor):
    page = client_as(supervisor).get("/accounts/me/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "Employee" in text
    assert "Supervisor" in text


def test_it_saves_the_profile(client_as, applicant):
    client = client_as(applicant)
    response = client.post(
        "/accounts/me/",
        {"full_name": "Budi  Santoso", "phone": "+62 812 1111 2222", "preferred_language": "en"},
    )
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.full_name == "Budi Santoso"
    assert applicant.phone == "+62 812 1111 2222"
    assert applicant.preferred_language == "en"
    assert response.cookies["django_language"].value == "en"


def test_it_keeps_the_input_and_explains_a_bad_phone(client_as, applicant):
    response = client_as(applicant).post(
        "/accounts/me/",
        {"full_name": "Nama Baru", "phone": "12ab", "preferred_language": "id"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Masukkan nomor telepon" in page
    assert 'value="Nama Baru"' in page
    applicant.refresh_from_db()
    assert applicant.full_name != "Nama Baru"


def test_it_uses_the_saved_language_when_the_browser_has_no_choice(client_as, applicant):
    applicant.preferred_language = "en"
    applicant.save()
    assert _lang(client_as(applicant).get("/")) == "en"


def test_it_saves_the_language_a_signed_in_user_switches_to(client_as, applicant):
    client = client_as(applicant)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    applicant.refresh_from_db()
    assert applicant.preferred_language == "en"


@pytest.mark.parametrize("language", ["xx", "de"])  # "de": Django knows it, the portal does not
def test_it_ignores_a_language_the_portal_does_not_offer(client_as, applicant, language):
    client = client_as(applicant)
    response = client.post("/i18n/setlang/", {"language": language, "next": "/"})
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.preferred_language == ""
