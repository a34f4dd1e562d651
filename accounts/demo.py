"""Demo accounts for `manage.py seed_demo`: one per role, all with the documented password.

The staff accounts (admin, hr, verifier, moderator) also get an authenticator app (TOTP) with
one documented secret, and recovery codes: staff must sign in with a second factor
(accounts.middleware.StaffTwoFactorMiddleware). `manage.py demo_totp <email>` prints the current
code. DEMO data only: seed_demo refuses to run with DEBUG off unless forced.
"""

import time

from allauth.account.models import EmailAddress
from allauth.mfa import app_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from accounts.models import User
from accounts.roles import STAFF_ROLES, Role
from accounts.services import user_assign_roles

# key (the part before @), full name, roles, staff, superuser
DEMO_ACCOUNTS = [
    ("admin", "Admin Portal Rakumpit", [Role.ADMINISTRATOR], True, True),
    ("hr", "Rina Kartika (BKPSDM)", [Role.HR], True, False),
    ("verifier", "Yusuf Mahendra (Panitia Seleksi)", [Role.VERIFIER], False, False),
    ("applicant", "Budi Santoso", [Role.APPLICANT], False, False),
    ("applicant2", "Siti Aminah", [Role.APPLICANT], False, False),
    ("applicant3", "Agustina Rahayu", [Role.APPLICANT], False, False),
    ("resident", "Yohanes Ngabut", [Role.RESIDENT], False, False),
    ("resident2", "Maria Dewi Lestari", [Role.RESIDENT], False, False),
    ("employee", "Dewi Anggraini, A.Md.Keb.", [Role.EMPLOYEE], False, False),
    ("supervisor", "dr. Agus Pranata", [Role.EMPLOYEE, Role.SUPERVISOR], False, False),
    # The demo supervisor's own superior: overdue reviews escalate to them, they resolve
    # objections to the supervisor's reviews (performance/demo.py links the records).
    ("camat", "Drs. Hendrik Tuah, M.Si. (Camat)", [Role.EMPLOYEE, Role.SUPERVISOR], False, False),
    ("moderator", "Fransiska Natalia", [Role.MODERATOR], True, False),
]


# The demo staff accounts' authenticator-app secret (base32), public like the demo password. Add
# it to any authenticator app, or run `manage.py demo_totp hr@demo.rakumpit.go.id`.
DEMO_TOTP_SECRET = "RAKUMPITDEMOTOTPSECRETFORSTAFF22"  # noqa: S105 - documented demo secret


def demo_email(key: str) -> str:
    return f"{key}@{settings.DEMO_EMAIL_DOMAIN}"


def is_demo_staff(key: str) -> bool:
    return any(
        (is_staff or is_superuser or any(role in STAFF_ROLES for role in roles))
        for k, _name, roles, is_staff, is_superuser in DEMO_ACCOUNTS
        if k == key
    )


def demo_totp_setup(user: User) -> None:
    """Give the account the documented TOTP secret and recovery codes, through allauth's own
    API; safe to run again (a TOTP authenticator with another secret is replaced)."""

    current = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if current and decrypt(current.data["secret"]) == DEMO_TOTP_SECRET:
        RecoveryCodes.activate(user)
        return
    if current:
        current.delete()
    TOTP.activate(user, DEMO_TOTP_SECRET)
    RecoveryCodes.activate(user)


def demo_totp_code(user: User, *, at: float | None = None) -> str | None:
    """The current 6-digit code of a demo account's authenticator, computed by allauth's TOTP
    functions; None unless the account's authenticator uses the documented demo secret (someone
    who set up their own app keeps it to themselves)."""

    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None or decrypt(authenticator.data["secret"]) != DEMO_TOTP_SECRET:
        return None
    return totp_code(DEMO_TOTP_SECRET, at=at)


def totp_code(secret: str, *, at: float | None = None) -> str:

    counter = int(time.time() if at is None else at) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


@transaction.atomic
def seed() -> dict[str, User]:

    users = {}
    # Hashing is deliberately slow (half a second each): the accounts share one hash of the
    # demo password, checked once when seeding again.
    known_hashes: set[str] = set()
    for key, full_name, roles, is_staff, is_superuser in DEMO_ACCOUNTS:
        email = demo_email(key)
        user, _ = User.objects.update_or_create(
            email=email,
            defaults={
                "full_name": full_name,
                "is_staff": is_staff,
                "is_superuser": is_superuser,
                "is_active": True,
            },
        )
        if user.password not in known_hashes:
            # A new account has no password yet: checking it would hash anyway.
            if not (user.password and user.check_password(settings.DEMO_PASSWORD)):
                user.password = next(iter(known_hashes), None) or make_password(
                    settings.DEMO_PASSWORD
                )
                user.save(update_fields=["password"])
            known_hashes.add(user.password)
        user_assign_roles(user=user, roles=roles)
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if is_demo_staff(key):
            demo_totp_setup(user)
        users[key] = user
    return users
