"""The Today page (accounts.today) and the menu by concern (accounts.navigation): each person
sees the sections and concerns their roles allow, and exactly one page of the menu is current."""

import re

import pytest
from django.urls import reverse

from accounts.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CURRENT = re.compile(r'aria-current="page"')


def _menu(body: str) -> str:
    start = body.index('aria-label="Main navigation"')
    return body[start : body.index("</nav>", start)]


def _concerns(body: str) -> list[str]:
    return re.findall(r'<summary class="nav-link[^"]*">([^<]+)', _menu(body))


def test_hr_lands_on_today_with_each_of_their_sections(client_as, hr):
    response = client_as(hr).get(reverse("accounts:today"), HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert response.status_code == 200
    for title in ("Applications to screen", "Appeals to answer", "Data-protection requests"):
        assert title in body
    # Empty sections say so plainly; HR has nothing waiting here.
    assert "No application waits for screening." in body
    assert "Nothing waits for you." in body


def test_a_verifier_sees_screening_but_not_hrs_sections(client_as):
    verifier = UserFactory(roles=[Role.VERIFIER], is_staff=True)
    body = (
        client_as(verifier)
        .get(reverse("accounts:today"), HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert "Applications to screen" in body
    assert "Appeals to answer" not in body
    assert "Data-protection requests" not in body


def test_an_applicant_is_sent_to_their_own_page(client_as, applicant):
    response = client_as(applicant).get(reverse("accounts:today"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert response["Location"] == reverse("recruitment:application_list")


def test_anonymous_visitors_sign_in_first(client):
    response = client.get(reverse("accounts:today"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_anonymous_visitors_see_public_pages_only(client):
    body = client.get(
        reverse("recruitment:vacancy_list"), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    menu = _menu(body)
    assert "Vacancies" in menu and "Announcements" in menu
    for private in ("Today", "Screening", "Staffing needs", "Data requests", "Admin site"):
        assert private not in menu


def test_hr_gets_the_menu_by_concern(client_as, hr):
    body = client_as(hr).get(reverse("accounts:today"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _concerns(body) == [
        "Recruitment",
        "Workforce",
        "Training",
        "Performance",
        "Administration",
        "My account",
    ]
    # HR has one forum page (the forum itself): a plain link, no dropdown holding one item.
    assert f'href="{reverse("forums:topic_list")}"' in _menu(body)
    menu = _menu(body)
    # A concern holds its pages: Screening sits in Recruitment's list, before Workforce starts.
    recruitment = menu[menu.index(">Recruitment<") : menu.index(">Workforce<")]
    assert "Selection" in recruitment and "Screening" in recruitment


def test_an_applicant_sees_no_back_office_concern(client_as, applicant):
    body = (
        client_as(applicant)
        .get(reverse("recruitment:application_list"), HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    concerns = _concerns(body)
    assert "Administration" not in concerns and "Performance" not in concerns
    assert "My applications" in _menu(body)


@pytest.mark.parametrize(
    "url_name, current",
    [
        ("accounts:today", "Today"),
        ("recruitment:screening_period_list", "Screening"),
        ("recruitment:hr_period_list", "Selection"),
        ("workforce:needs_map", "Staffing needs"),
        ("forums:topic_list", "Residents&#x27; forum"),
        ("privacy:request_list", "Data requests"),
    ],
)
def test_exactly_one_page_of_the_menu_is_current(client_as, hr, url_name, current):
    body = client_as(hr).get(reverse(url_name), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    menu = _menu(body)
    assert len(CURRENT.findall(menu)) == 1
    assert re.search(r'aria-current="page">' + re.escape(current) + "<", menu)
    # Its concern is marked as holding it, and only that one.
    assert menu.count("nav-section-current") <= 1


def test_a_concern_with_one_page_is_a_plain_link(client_as):
    employee = UserFactory(roles=[Role.EMPLOYEE])
    body = (
        client_as(employee)
        .get(reverse("accounts:today"), HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    # An employee has one forum page (the forum itself): no dropdown holding a single item.
    assert "Forums" not in _concerns(body)
    assert f'href="{reverse("forums:topic_list")}"' in _menu(body)
