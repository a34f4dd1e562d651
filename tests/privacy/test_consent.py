import pytest
from django.urls import reverse

from accounts.models import User
from privacy.models import Consent, Purpose
from privacy.selectors import has_current_consent
from privacy.services import consent_record, consent_withdraw

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "warga.privasi@example.org",
    "full_name": "Warga Privasi",
    "role": "resident",
    "phone": "",
    "password1": "Sungai-Rungan-2026",
    "password2": "Sungai-Rungan-2026",
}


def test_it_records_the_consent_at_sign_up_with_the_notice_version(client, settings):
    settings.PRIVACY_NOTICE_VERSION = "2026-11"
    response = client.post(reverse("account_signup"), {**SIGNUP, "privacy_consent": "on"})
    assert response.status_code == 302
    user = User.objects.get(email=SIGNUP["email"])
    consent = Consent.objects.get(user=user)
    assert consent.purpose == Purpose.SIGNUP
    assert consent.notice_version == "2026-11"
    assert consent.withdrawn_at is None
    assert has_current_consent(user, Purpose.SIGNUP)


def test_it_refuses_a_sign_up_without_the_consent(client):
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 200
    assert "privacy_consent" in response.context["form"].errors
    assert not User.objects.exists()
    assert not Consent.objects.exists()


def test_it_shows_the_notice_link_on_the_sign_up_page(client):
    response = client.get(reverse("account_signup"))
    assert reverse("privacy:notice") in response.text
    assert 'name="privacy_consent"' in response.text


def test_it_records_a_consent_once_per_version(applicant, settings):
    first = consent_record(user=applicant, purpose=Purpose.APPLICATION)
    again = consent_record(user=applicant, purpose=Purpose.APPLICATION)
    assert first.pk == again.pk
    assert has_current_consent(applicant, Purpose.APPLICATION)
    assert not has_current_consent(applicant, Purpose.FORUM)
    settings.PRIVACY_NOTICE_VERSION = "2027-01"
    # A new notice needs a new consent.
    assert not has_current_consent(applicant, Purpose.APPLICATION)
    newer = consent_record(user=applicant, purpose=Purpose.APPLICATION)
    assert newer.pk != first.pk
    assert has_current_consent(applicant, Purpose.APPLICATION)


def test_it_forgets_a_withdrawn_consent(applicant):
    consent_record(user=applicant, purpose=Purpose.FORUM)
    assert consent_withdraw(user=applicant, purposes=[Purpose.FORUM]) == 1
    assert not has_current_consent(applicant, Purpose.FORUM)
    # Consenting again after a withdrawal is a new, provable record.
    consent_record(user=applicant, purpose=Purpose.FORUM)
    assert Consent.objects.filter(user=applicant, purpose=Purpose.FORUM).count() == 2


def test_it_renders_the_reusable_consent_checkbox():
    from django.template.loader import render_to_string

    from privacy.forms import ConsentForm

    form = ConsentForm(data={})
    assert not form.is_valid()
    html = render_to_string(
        "privacy/_consent_checkbox.html",
        {"field": form["privacy_consent"], "purpose": "your job application"},
    )
    assert 'name="privacy_consent"' in html
    assert "your job application" in html
    assert reverse("privacy:notice") in html
    assert "Please read the privacy notice" in html


def test_it_serves_the_notice_to_everyone_with_the_version_and_retention(client, settings):
    settings.RETENTION_APPLICANT_DAYS = 400
    settings.PRIVACY_NOTICE_VERSION = "2026-11"
    response = client.get(reverse("privacy:notice"))
    assert response.status_code == 200
    text = response.text
    assert "2026-11" in text
    assert "400 days" in text
    assert "Kecamatan Rakumpit" in text
    assert "BKN" in text
    for right in ("access", "corrected", "deleted", "restricted", "withdraw", "complain"):
        assert right in text
