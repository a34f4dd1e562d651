"""The account's personal data (UU 27/2022 PDP): e-mail, name, phone and language. The account
stays after a deletion request (the person signs in with it to read the answer) but loses its
phone number. Registered in AccountsConfig.ready()."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from accounts.roles import user_roles
from core import audit, personaldata
from core.personaldata import Erasure, Export, declare


def register() -> None:
    User = get_user_model()
    declare(
        User,
        subject="",
        fields=("email", "full_name", "phone"),
        erasure=Erasure.KEPT,
        note="The sign-in account: the phone number is deleted, the account closed on request.",
    )
    audit.register(
        User,
        exclude_fields=("password", "last_login"),
        mask_fields=("phone",),
        mask=audit.MASK_PERSONAL,
        m2m_fields=("groups",),
    )
    personaldata.register_export("account", export, order=0)
    personaldata.register_summary(summary, order=0)
    personaldata.register_eraser(erase, order=90)


def export(export: Export) -> dict:
    user = export.user
    return {
        **export.record(user, exclude=("password", "is_staff", "is_superuser", "id")),
        "roles": sorted(user_roles(user)),
        "email_addresses": [
            export.record(address, exclude=("id",))
            for address in EmailAddress.objects.filter(user=user)
        ],
    }


def summary(user) -> list[dict]:
    return [{"label": _("Account (e-mail, name, phone, language, roles)"), "count": 1}]


def erase(*, user, report, now) -> None:
    if user.phone:
        user.phone = ""
        user.save(update_fields=["phone"])
        report.deleted.append(_("phone number on your account"))
    report.forget.append((type(user), user.pk, ("phone",)))
    report.kept.append(
        _(
            "your sign-in account (e-mail and name): needed to sign in and read this answer; "
            "ask us to close it when you no longer need it"
        )
    )
