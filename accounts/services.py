from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import User
from accounts.roles import SELF_SERVICE_ROLES, Role


@transaction.atomic
def user_complete_signup(
    *, user: User, full_name: str, phone: str, role: str, language: str
) -> User:
    """Finish a self-service sign-up: the name, the language the person signed up in, and the
    one role a person may choose for themselves."""
    if role not in SELF_SERVICE_ROLES:
        raise ValueError(f"Role {role!r} cannot be chosen at sign-up.")
    user.full_name = full_name
    user.phone = phone
    user.preferred_language = language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "phone", "preferred_language"])
    user_assign_roles(user=user, roles=[role])
    return user


@transaction.atomic
def user_update_profile(*, user: User, full_name: str, phone: str, preferred_language: str) -> User:
    user.full_name = full_name
    user.phone = phone
    user.preferred_language = preferred_language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "phone", "preferred_language"])
    return user


def user_set_preferred_language(*, user: User, language: str) -> None:
    if user.preferred_language != language:
        user.preferred_language = language
        user.full_clean(exclude=["password"])
        user.save(update_fields=["preferred_language"])


def user_assign_roles(*, user: User, roles) -> None:
    """Add roles (never removes any). Groups are created by the migration; get_or_create keeps
    this safe on a database migrated before a role was added."""
    for role in roles:
        group, _ = Group.objects.get_or_create(name=Role(role).value)
        user.groups.add(group)
    if hasattr(user, "_role_cache"):
        del user._role_cache
