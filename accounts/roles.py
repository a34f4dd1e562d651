"""Roles are Django groups, created by a data migration. This module is the one place that knows
their names and answers "may this user do that?" for views and templates.

Anonymous users are sent to the login page; signed-in users without the role get 403.
"""

from functools import wraps

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    RESIDENT = "resident", _("Resident")
    EMPLOYEE = "employee", _("Employee")
    SUPERVISOR = "supervisor", _("Supervisor")
    HR = "hr", _("HR staff")
    VERIFIER = "verifier", _("Screening verifier")
    MODERATOR = "moderator", _("Moderator")
    ADMINISTRATOR = "administrator", _("Administrator")


# Roles a person may choose for themselves at sign-up; the others are given by HR or admins.
SELF_SERVICE_ROLES = (Role.APPLICANT, Role.RESIDENT)
# Roles whose holders work in the back office (and, from the PDP issue on, need 2FA).
STAFF_ROLES = (Role.HR, Role.VERIFIER, Role.MODERATOR, Role.ADMINISTRATOR)


def user_roles(user) -> frozenset[str]:
    """The user's role names, read once per request and cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        names = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
        if user.is_superuser:
            names.add(Role.ADMINISTRATOR)
        cached = frozenset(names)
        user._role_cache = cached
    return cached


def has_role(user, *roles: str) -> bool:
    """True when the user holds any of the roles. Administrators hold every role's rights."""
    held = user_roles(user)
    return Role.ADMINISTRATOR in held or any(role in held for role in roles)


def role_required(*roles: Role):
    """View decorator: anonymous -> login redirect; signed in without the role -> 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.required_roles = tuple(roles)
        return wrapper

    return decorator


# Django-admin model permissions each back-office role gets, by app label. Kept in sync after
# every migrate (see accounts.apps), so a new model's permissions reach the right roles.
ROLE_ADMIN_APPS = {
    Role.HR: ("workforce", "recruitment", "training", "performance", "privacy"),
    Role.MODERATOR: ("forums",),
}
# Models whose records change only through their own workflow (with who and when): the admin
# may show them, never edit or delete them. "app_label.model".
VIEW_ONLY_MODELS = {
    "workforce.formationproposal",
    "workforce.proposalitem",
}


def sync_role_permissions(**kwargs) -> None:

    for role in Role:
        Group.objects.get_or_create(name=role.value)
    for role, app_labels in ROLE_ADMIN_APPS.items():
        group = Group.objects.get(name=role.value)
        wanted = [
            permission
            for permission in Permission.objects.filter(
                content_type__app_label__in=app_labels
            ).select_related("content_type")
            if f"{permission.content_type.app_label}.{permission.content_type.model}"
            not in VIEW_ONLY_MODELS
            or permission.codename.startswith("view_")
        ]
        group.permissions.set(wanted)
