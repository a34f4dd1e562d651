"""Signed-in sessions for benchmarks."""

from __future__ import annotations

from importlib import import_module

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.test import RequestFactory

from accounts.middleware import requires_two_factor
from accounts.models import User


def session_key_for(user: User) -> str:
    """A saved session for `user`, as a real sign-in leaves it: Django's auth keys and allauth's
    authentication records: the password, and for staff (who must use two-factor sign-in,
    accounts.middleware.StaffTwoFactorMiddleware) a TOTP step with an authenticator made here if
    they have none. Send it as the session cookie (settings.SESSION_COOKIE_NAME)."""

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    request = RequestFactory().get("/")
    request.user, request.session = user, store
    record_authentication(request, user, "password", email=user.email)
    if requires_two_factor(user):
        totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if totp is None:
            totp = TOTP.activate(user, generate_totp_secret()).instance
        record_authentication(request, user, "mfa", id=totp.pk, type=totp.type)
    store.save()
    return store.session_key
