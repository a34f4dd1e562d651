import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path

from accounts.roles import Role, has_role, role_required
from rakumpit_asn.urls import urlpatterns as project_urlpatterns

pytestmark = pytest.mark.django_db


@role_required(Role.HR, Role.MODERATOR)
def _staff_page(request):
    return HttpResponse("staff page")


urlpatterns = [path("staff-page/", _staff_page), *project_urlpatterns]


@override_settings(ROOT_URLCONF=__name__)
def test_it_sends_anonymous_users_to_the_login_page(client):
    response = client.get("/staff-page/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/staff-page/"


@override_settings(ROOT_URLCONF=__name__)
def test_it_forbids_a_signed_in_user_without_the_role(client_as, applicant, resident, employee):
    for user in (applicant, resident, employee):
        assert client_as(user).get("/staff-page/").status_code == 403


@override_settings(ROOT_URLCONF=__name__)
def test_it_lets_in_any_of_the_roles_and_administrators(client_as, hr, moderator, admin_user):
    for user in (hr, moderator, admin_user):
        response = client_as(user).get("/staff-page/")
        assert response.status_code == 200
        assert response.content == b"staff page"


def test_it_counts_a_user_with_several_roles_as_each(supervisor):
    assert has_role(supervisor, Role.EMPLOYEE)
    assert has_role(supervisor, Role.SUPERVISOR)
    assert not has_role(supervisor, Role.HR)


def test_it_shows_each_role_its_navigation(client_as, applicant, hr):
    applicant_page = client_as(applicant).get("/").content.decode()
    assert 'href="/admin/"' not in applicant_page
    assert 'href="/accounts/me/"' in applicant_page
    hr_page = client_as(hr).get("/").content.decode()
    assert 'href="/admin/"' in hr_page


def test_it_shows_anonymous_visitors_sign_in_and_sign_up(client):
    page = client.get("/").content.decode()
    assert 'href="/accounts/login/"' in page
    assert 'href="/accounts/signup/"' in page
    assert 'href="/accounts/me/"' not in page


def test_it_gives_hr_the_admin_permissions_of_the_workforce_app(hr):
    assert hr.has_perm("workforce.change_sector")
    assert not hr.has_perm("accounts.change_user")
