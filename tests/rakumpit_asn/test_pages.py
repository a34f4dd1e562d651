import re

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path

from accounts.roles import Role, role_required
from rakumpit_asn.urls import urlpatterns as project_urlpatterns

pytestmark = pytest.mark.django_db


def _lang(response):
    return re.search(r'<html lang="([a-z-]+)"', response.content.decode()).group(1)


def test_it_serves_the_home_page_in_bahasa_indonesia_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert _lang(response) == "id"
    assert "Lewati ke isi utama" in response.content.decode()


def test_it_serves_the_home_page_in_english_when_the_browser_asks(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert _lang(response) == "en"
    assert "Skip to main content" in response.content.decode()


def test_it_switches_language_with_the_switcher_and_keeps_the_page(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert response.cookies["django_language"].value == "en"
    page = client.get("/accounts/login/")
    assert _lang(page) == "en"
    client.post("/i18n/setlang/", {"language": "id", "next": "/"})
    assert _lang(client.get("/")) == "id"


def test_it_shows_the_live_counts_on_the_home_page(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    figures = [(figure.number, figure.text) for figure in response.context["figures"]]
    assert figures == [
        (0, "open vacancies · 0 places"),
        (7, "Kelurahan served"),
        (4, "Public-service sectors"),
    ]


@pytest.mark.parametrize(
    ("language", "text"),
    [("id", "Halaman tidak ditemukan"), ("en", "Page not found")],
)
def test_it_shows_a_friendly_404_in_both_languages(client, language, text):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    assert text in response.content.decode()
    assert _lang(response) == language


def _boom(request):
    raise RuntimeError("boom")


@role_required(Role.HR)
def _hr_only(request):
    return HttpResponse("hr page")


urlpatterns = [path("boom/", _boom), path("hr-only/", _hr_only), *project_urlpatterns]


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize(
    ("language", "text"),
    [("id", "Terjadi kesalahan"), ("en", "Something went wrong")],
)
def test_it_shows_a_friendly_500_in_both_languages(client, language, text):
    client.raise_request_exception = False
    response = client.get("/boom/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 500
    assert text in response.content.decode()
    assert _lang(response) == language


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize(
    ("language", "text"),
    [("id", "Akses ditolak"), ("en", "Access denied")],
)
def test_it_shows_a_friendly_403_in_both_languages(client_as, applicant, language, text):
    response = client_as(applicant).get("/hr-only/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 403
    assert text in response.content.decode()
    assert _lang(response) == language


def test_it_sends_the_security_headers(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
