from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from accounts.roles import STAFF_ROLES, user_roles


class PreferredLanguageMiddleware:
    """A signed-in user who has not picked a language in this browser gets the one saved on their
    account. Sits after AuthenticationMiddleware; the language cookie, once set, always wins."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and user.preferred_language
            and user.preferred_language != request.LANGUAGE_CODE
        ):
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


# --- two-factor sign-in for staff -------------------------------------------------------------

# Pages anyone signed in may open before the second factor: signing in and out, the password
# reset by e-mail, the language switch, the health check and the privacy notice (static files
# never get here: WhiteNoise answers them first). Not the password change: someone who only knows
# the password must not be able to replace it.
OPEN_URL_NAMES = frozenset(
    {
        "account_login",
        "account_logout",
        "account_set_password",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key",
        "account_reset_password_from_key_done",
        "set_language",
        "healthz",
        "privacy:notice",
        "admin:logout",
    }
)
# A staff member without an authenticator may set one up: allauth asks for the password again
# before activation, then shows the recovery codes.
ENROLMENT_URL_NAMES = frozenset(
    {
        "mfa_index",
        "mfa_activate_totp",
        "mfa_view_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_generate_recovery_codes",
        "account_reauthenticate",
    }
)
# A staff member with an authenticator whose session was not signed in with it (signed in before
# activation) confirms a code here. The recovery codes are not on this list: they would hand the
# second factor to someone who only knows the password.
SECOND_STEP_URL_NAMES = frozenset({"mfa_authenticate", "mfa_reauthenticate"})


def requires_two_factor(user) -> bool:
    """Holders of a staff role (superusers count as administrators) and anyone who may enter the
    Django admin must sign in with an authenticator app."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_staff or bool(user_roles(user) & set(STAFF_ROLES))


def has_totp(user) -> bool:

    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def signed_in_with_second_factor(request, user) -> bool:
    """allauth records every authentication step of this session; "mfa" is a TOTP or a recovery
    code, at sign-in or at a later confirmation."""

    return any(
        record.get("method") == "mfa" for record in get_authentication_records(request, user)
    )


class StaffTwoFactorMiddleware:
    """Staff reach no page (the Django admin included) until they have an authenticator app and
    have used it in this session. Without an authenticator they are sent to set one up; with one
    but a password-only session, to confirm a code. Others are never asked.

    Sits after allauth's AccountMiddleware and the messages middleware. The decision is made in
    process_view, where the URL name is known; unknown URLs fall through to the 404 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if not requires_two_factor(user):
            return None
        name = request.resolver_match.view_name if request.resolver_match else None
        # Checked first, so a signed-in staff member's pages cost no query here. (Turning the app
        # off later, which allauth lets through only after a fresh password or code, leaves this
        # session as it is; the next sign-in asks for a new one.)
        if name in OPEN_URL_NAMES or signed_in_with_second_factor(request, user):
            return None
        if not has_totp(user):
            if name in ENROLMENT_URL_NAMES:
                return None
            messages.warning(
                request,
                _(
                    "Staff accounts must use two-factor sign-in before they can reach personal "
                    "data."
                ),
            )
            return self._redirect(request, "mfa_activate_totp")
        if name in SECOND_STEP_URL_NAMES:
            return None
        messages.info(
            request,
            _("Enter the code from your authenticator app (or a recovery code) to continue."),
        )
        return self._redirect(request, "mfa_reauthenticate")

    @staticmethod
    def _redirect(request, url_name):
        url = reverse(url_name)
        if request.method == "GET" and not getattr(request, "htmx", False):
            url = f"{url}?{urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})}"
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return HttpResponseRedirect(url)


def _record_activation(sender, request=None, user=None, authenticator=None, **kwargs):
    """Activating TOTP means typing a valid code from the new authenticator: the session counts
    as signed in with it, so the staff member goes straight on to the recovery codes."""

    if request is None or authenticator is None or authenticator.type != Authenticator.Type.TOTP:
        return
    record_authentication(
        request, user, "mfa", id=authenticator.pk, type=authenticator.type, activated=True
    )


def _connect_signals():

    receiver(authenticator_added, dispatch_uid="accounts.two_factor.activation")(_record_activation)


_connect_signals()
