"""Staff two-factor sign-in (allauth.mfa, TOTP with recovery codes): HR, verifiers, moderators
and administrators reach no personal data and no Django admin before they have an authenticator
app and have used it in this session (accounts.middleware.StaffTwoFactorMiddleware)."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils.http import urlencode

from accounts.demo import DEMO_TOTP_SECRET, demo_totp_code, totp_code
from accounts.mfa import RakumpitMFAAdapter, derive_key
from accounts.navigation import landing_url
from accounts.roles import Role
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

HR_PAGE = "/recruitment/hr/periods/"
PERSONAL_DATA_PAGES = (HR_PAGE, "/privacy/requests/", "/workforce/employees/", "/admin/")
MESSAGE = "Staff accounts must use two-factor sign-in before they can reach personal data."


def _with_totp(user, secret=None):
    secret = secret or generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def _password_step(client, user):
    return client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}, follow=False
    )


@pytest.fixture
def verifier(db):
    return UserFactory(roles=[Role.VERIFIER])


# --- staff without an authenticator ----------------------------------------------------------


@pytest.mark.parametrize("url", PERSONAL_DATA_PAGES)
def test_it_sends_hr_without_an_authenticator_to_set_one_up(client, hr, url):
    client.force_login(hr)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    shown = client.get(reverse("home"), follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert MESSAGE in shown.content.decode()


@pytest.mark.parametrize("persona", ["moderator", "admin_user", "verifier"])
def test_it_sends_every_staff_role_to_set_one_up(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/admin/" if persona != "verifier" else "/recruitment/screening/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_it_lets_staff_without_an_authenticator_sign_out_and_read_the_privacy_notice(client, hr):
    client.force_login(hr)
    assert client.get(reverse("privacy:notice")).status_code == 200
    assert client.get(reverse("healthz")).status_code in (200, 503)
    response = client.get(reverse("account_change_password"))
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    assert client.post(reverse("account_logout")).status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db(transaction=True)
def test_it_lets_hr_set_up_an_authenticator_then_see_recovery_codes_and_work(client):
    """transaction=True: allauth records the activation after the commit, as in production."""
    hr = UserFactory(roles=[Role.HR], is_staff=True)
    _password_step(client, hr)
    response = client.get(HR_PAGE)
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    # allauth asks for the password again before any change to the authenticators.
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response["Location"] == reverse("mfa_activate_totp")
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    secret = response.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    codes = client.get(reverse("mfa_view_recovery_codes"))
    assert codes.status_code == 200
    unused = Authenticator.objects.get(user=hr, type="recovery_codes").wrap().get_unused_codes()
    assert unused[0] in codes.content.decode()
    download = client.get(reverse("mfa_download_recovery_codes"))
    assert download.status_code == 200
    assert unused[0] in download.content.decode()
    assert client.get(HR_PAGE).status_code == 200


def test_it_links_two_factor_sign_in_and_the_recovery_codes_from_the_profile(client_as, hr):
    client = client_as(hr)
    RecoveryCodes.activate(hr)
    page = client.get(reverse("accounts:profile"), HTTP_ACCEPT_LANGUAGE="en")
    assert reverse("mfa_index") in page.content.decode()
    page = client.get(reverse("mfa_index"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert reverse("mfa_view_recovery_codes") in page.content.decode()


# --- staff with an authenticator --------------------------------------------------------------


def test_it_refuses_hr_with_an_authenticator_but_a_password_only_session(client, hr):
    _with_totp(hr)
    client.force_login(hr)  # as if signed in before activating
    for url in PERSONAL_DATA_PAGES:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{reverse('mfa_reauthenticate')}?next="), url
    # The recovery codes would hand the second factor to someone who only knows the password.
    response = client.get(reverse("mfa_view_recovery_codes"))
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))


def test_it_refuses_a_password_change_in_a_password_only_session(client, hr):
    _with_totp(hr)
    client.force_login(hr)
    url = reverse("account_change_password")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('mfa_reauthenticate')}?{urlencode({'next': url})}"
    form = {
        "oldpassword": PASSWORD,
        "password1": "An0ther-Long-Pass!",
        "password2": "An0ther-Long-Pass!",
    }
    assert client.post(url, form)["Location"] == reverse("mfa_reauthenticate")
    hr.refresh_from_db()
    assert hr.check_password(PASSWORD)


def test_it_mails_staff_when_their_password_changes(client_as, hr, mailoutbox):
    client = client_as(hr)
    new = "An0ther-Long-Pass!"
    form = {"oldpassword": PASSWORD, "password1": new, "password2": new}
    assert client.post(reverse("account_change_password"), form).status_code == 302
    hr.refresh_from_db()
    assert hr.check_password(new)
    assert [message.to for message in mailoutbox] == [[hr.email]]


def test_it_lets_hr_in_after_confirming_a_code_in_a_password_only_session(client, hr):
    secret = _with_totp(hr)
    client.force_login(hr)
    response = client.post(
        f"{reverse('mfa_reauthenticate')}?next={HR_PAGE}", {"code": totp_code(secret)}
    )
    assert response.status_code == 302
    assert response["Location"] == HR_PAGE
    assert client.get(HR_PAGE).status_code == 200


def test_it_asks_hr_for_a_code_after_the_password_and_lets_them_in(client, hr):
    secret = _with_totp(hr)
    response = _password_step(client, hr)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    # Password alone: not signed in yet.
    assert client.get(HR_PAGE)["Location"].startswith(reverse("account_login"))
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get(HR_PAGE).status_code == 200
    assert client.get("/admin/").status_code == 200


def test_it_refuses_a_wrong_code(client, hr):
    secret = _with_totp(hr)
    _password_step(client, hr)
    wrong = f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session
    assert client.get(HR_PAGE)["Location"].startswith(reverse("account_login"))


def test_it_refuses_a_code_used_once_already(client, hr):
    secret = _with_totp(hr)
    code = totp_code(secret)
    _password_step(client, hr)
    client.post(reverse("mfa_authenticate"), {"code": code})
    client.post(reverse("account_logout"))
    _password_step(client, hr)
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_it_signs_hr_in_with_a_recovery_code_once(client, hr):
    _with_totp(hr)
    codes = Authenticator.objects.get(user=hr, type="recovery_codes").wrap().get_unused_codes()
    _password_step(client, hr)
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response.status_code == 302
    assert client.get(HR_PAGE).status_code == 200
    client.post(reverse("account_logout"))
    _password_step(client, hr)
    assert client.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 200
    assert "_auth_user_id" not in client.session


# --- everyone else ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["applicant", "resident", "employee", "supervisor"])
def test_it_never_asks_non_staff(client, request, persona):
    user = request.getfixturevalue(persona)
    response = _password_step(client, user)
    assert response.status_code == 302
    # Straight to their own page (applicants, residents) or the home page: no second step.
    assert response["Location"] == (landing_url(user) or reverse("home"))
    for url in (reverse("home"), reverse("accounts:profile"), reverse("privacy:my_data")):
        assert client.get(url).status_code == 200, url
    assert not Authenticator.objects.filter(user=user).exists()


def test_it_counts_client_as_sessions_as_two_factor(client_as, hr):
    assert client_as(hr).get(HR_PAGE).status_code == 200


# --- the demo accounts -------------------------------------------------------------------------


def test_it_gives_the_demo_staff_the_documented_secret_and_recovery_codes():
    from accounts import demo

    users = demo.seed()
    demo.seed()  # again: nothing doubles
    for key in ("admin", "hr", "verifier", "moderator"):
        kinds = sorted(Authenticator.objects.filter(user=users[key]).values_list("type", flat=True))
        assert kinds == ["recovery_codes", "totp"], key
        assert demo_totp_code(users[key]) == totp_code(DEMO_TOTP_SECRET)
    for key in ("applicant", "resident", "employee", "supervisor"):
        assert not Authenticator.objects.filter(user=users[key]).exists(), key


def test_it_signs_the_demo_hr_in_with_the_printed_code(client, settings, capsys):
    from accounts import demo

    demo.seed()
    settings.DEBUG = True
    call_command("demo_totp", "hr@demo.rakumpit.go.id")
    code = capsys.readouterr().out.strip()
    assert re.fullmatch(r"\d{6}", code)
    client.post(
        reverse("account_login"),
        {"login": "hr@demo.rakumpit.go.id", "password": settings.DEMO_PASSWORD},
    )
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    assert client.get(HR_PAGE).status_code == 200


def test_it_prints_no_code_with_debug_off_or_for_other_accounts(settings, hr):
    from accounts import demo

    demo.seed()
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("demo_totp", "hr@demo.rakumpit.go.id")
    settings.DEBUG = True
    _with_totp(hr)
    with pytest.raises(CommandError, match="not a demo account"):
        call_command("demo_totp", hr.email)
    with pytest.raises(CommandError, match="no authenticator"):
        call_command("demo_totp", "applicant@demo.rakumpit.go.id")


# --- secrets at rest ---------------------------------------------------------------------------


def test_it_stores_the_totp_secret_and_recovery_seed_encrypted_and_signs_in(client, hr):
    secret = _with_totp(hr)
    totp = Authenticator.objects.get(user=hr, type=Authenticator.Type.TOTP)
    stored = totp.data["secret"]
    assert stored != secret and secret not in stored
    assert stored.startswith("gAAAAA")  # a Fernet token
    seed = Authenticator.objects.get(user=hr, type="recovery_codes").data["seed"]
    assert RakumpitMFAAdapter().decrypt(seed) != seed
    _password_step(client, hr)
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get(HR_PAGE).status_code == 200


def test_it_still_reads_a_secret_stored_in_plain_text(client, hr):
    """Authenticators enrolled before encryption keep working."""
    secret = generate_totp_secret()
    Authenticator.objects.create(user=hr, type=Authenticator.Type.TOTP, data={"secret": secret})
    assert RakumpitMFAAdapter().decrypt(secret) == secret
    _password_step(client, hr)
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get(HR_PAGE).status_code == 200


def test_it_uses_the_configured_key_or_one_derived_from_the_secret_key(settings):
    adapter = RakumpitMFAAdapter()
    settings.MFA_ENCRYPTION_KEY = ""
    derived = adapter.encrypt("JBSWY3DPEHPK3PXP")
    assert Fernet(derive_key(settings.SECRET_KEY)).decrypt(derived.encode()) == b"JBSWY3DPEHPK3PXP"
    key = Fernet.generate_key().decode()
    settings.MFA_ENCRYPTION_KEY = key
    token = adapter.encrypt("JBSWY3DPEHPK3PXP")
    assert Fernet(key.encode()).decrypt(token.encode()) == b"JBSWY3DPEHPK3PXP"
    assert adapter.decrypt(token) == "JBSWY3DPEHPK3PXP"
    # Another key cannot read it, and says why instead of producing wrong codes.
    settings.MFA_ENCRYPTION_KEY = Fernet.generate_key().decode()
    with pytest.raises(ImproperlyConfigured, match="set up the app again"):
        adapter.decrypt(token)
    settings.MFA_ENCRYPTION_KEY = "not-a-key"
    with pytest.raises(ImproperlyConfigured, match="not a Fernet key"):
        adapter.encrypt("JBSWY3DPEHPK3PXP")
