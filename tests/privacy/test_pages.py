import pytest
from django.urls import reverse

from privacy.services import data_request_submit

pytestmark = pytest.mark.django_db


def test_it_shows_my_data_to_any_signed_in_user(client_as, resident):
    data_request_submit(user=resident, kind="deletion")
    response = client_as(resident).get(reverse("privacy:my_data"))
    assert response.status_code == 200
    assert reverse("privacy:export") in response.text
    assert reverse("accounts:profile") in response.text
    assert "Delete my data" in response.text


def test_it_links_the_notice_from_the_footer(client):
    response = client.get(reverse("home"))
    assert reverse("privacy:notice") in response.text


def test_it_shows_the_answer_page_to_hr(client_as, hr, applicant):
    data_request = data_request_submit(user=applicant, kind="deletion")
    response = client_as(hr).get(reverse("privacy:request_answer", args=[data_request.pk]))
    assert response.status_code == 200
    assert applicant.email in response.text


def test_it_shows_the_request_form_and_a_closed_answer_without_a_form(client_as, hr, applicant):
    from privacy.services import data_request_handle

    assert client_as(applicant).get(reverse("privacy:request_create")).status_code == 200
    data_request = data_request_submit(user=applicant, kind="correction", details="x")
    data_request_handle(
        data_request=data_request, actor=hr, status="refused", outcome="No.", carry_out=False
    )
    response = client_as(hr).get(reverse("privacy:request_answer", args=[data_request.pk]))
    assert response.status_code == 200
    assert "No." in response.text
    assert 'name="status"' not in response.text


def test_it_states_the_retention_in_days_and_years(client):
    text = client.get(reverse("privacy:notice")).text
    assert "730 days" in text
    assert "about 2 years" in text
