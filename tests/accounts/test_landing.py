"""Where a person lands after signing in: an applicant on their applications, a resident on their
own topics, staff, supervisors and employees on "Today", someone without a role on the home
page; a ?next= always wins when it is ours."""

import pytest
from django.urls import NoReverseMatch, reverse

from accounts.navigation import landing_url
from accounts.roles import Role
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _sign_in(client, user, next_url=None):
    url = "/accounts/login/" + (f"?next={next_url}" if next_url else "")
    data = {"login": user.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def _my_topics() -> str | None:
    try:
        return reverse("forums:my_topics")
    except NoReverseMatch:  # the residents' own page comes with the forums' part of the issue
        return None


def test_it_takes_an_applicant_to_their_applications(client, applicant):
    assert _sign_in(client, applicant) == reverse("recruitment:application_list")
    assert client.get(reverse("recruitment:application_list")).status_code == 200


def test_it_takes_a_resident_to_their_own_topics(client, resident):
    expected = _my_topics() or reverse("home")
    assert _sign_in(client, resident) == expected


def test_it_takes_someone_who_applies_and_lives_here_to_their_applications(client):
    both = UserFactory(roles=[Role.RESIDENT, Role.APPLICANT])
    assert _sign_in(client, both) == reverse("recruitment:application_list")


@pytest.mark.parametrize(
    "roles",
    [
        [Role.EMPLOYEE],
        [Role.EMPLOYEE, Role.SUPERVISOR],
        # Appointed from a selection: an employee now, who keeps their applications.
        [Role.APPLICANT, Role.EMPLOYEE],
        [Role.RESIDENT, Role.MODERATOR],
        [Role.HR],
        [Role.VERIFIER],
    ],
)
def test_it_takes_employees_and_staff_to_today(client, roles):
    user = UserFactory(roles=roles, is_staff=bool({Role.HR, Role.MODERATOR} & set(roles)))
    assert landing_url(user) == reverse("accounts:today")


def test_it_leaves_someone_without_a_role_on_the_home_page(client):
    user = UserFactory(roles=[])
    assert landing_url(user) is None
    assert _sign_in(client, user) == reverse("home")


def test_it_follows_next_for_an_applicant(client, applicant):
    assert _sign_in(client, applicant, "/forums/") == "/forums/"


def test_it_follows_next_for_a_resident(client, resident):
    wanted = reverse("recruitment:vacancy_list")
    assert _sign_in(client, resident, wanted) == wanted


def test_it_never_follows_next_to_another_site(client, applicant):
    assert _sign_in(client, applicant, "https://evil.example/") == reverse(
        "recruitment:application_list"
    )


def test_it_lands_anonymous_nowhere():
    from django.contrib.auth.models import AnonymousUser

    assert landing_url(AnonymousUser()) is None
