"""Demo accounts for `manage.py seed_demo`: one per role, all with the documented password."""

from django.conf import settings
from django.db import transaction

from accounts.models import User
from accounts.roles import Role
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
    ("moderator", "Fransiska Natalia", [Role.MODERATOR], True, False),
]


def demo_email(key: str) -> str:
    return f"{key}@{settings.DEMO_EMAIL_DOMAIN}"


@transaction.atomic
def seed() -> dict[str, User]:
    from allauth.account.models import EmailAddress

    users = {}
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
        if not user.check_password(settings.DEMO_PASSWORD):
            user.set_password(settings.DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user_assign_roles(user=user, roles=roles)
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        users[key] = user
    return users
