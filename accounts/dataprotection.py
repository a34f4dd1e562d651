"""What the other apps ask about a person's data protection, answered by the privacy app.

The privacy app records consents and processing restrictions (UU 27/2022 Pasal 11, 22) and, to
erase or export someone's data, it imports recruitment, workforce and forums. Those apps must
still respect a restriction or a missing consent, but they cannot import privacy: dependencies
point one way. So they ask here, in accounts (which every app may import), and privacy installs
the answers when it starts (`privacy.apps`). Without privacy installed nothing is restricted and
no consent is asked for.

A restriction is per person and category: once a person's job applications are restricted, their
applications are kept but not screened, ranked or e-mailed; a restricted account restricts every
category.
"""

from collections.abc import Iterable
from typing import Protocol

from django.db import models
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """What a processing restriction covers (privacy.Restriction.category)."""

    APPLICATION = "application", _("Job application")
    APPLICANT_PROFILE = "applicant_profile", _("Applicant profile")
    EMPLOYMENT = "employment", _("Employment records")
    ACCOUNT = "account", _("Account")
    FORUMS = "forums", _("Forum records")


class Purpose(models.TextChoices):
    """What a consent is for. Each purpose is consented to separately (Pasal 22)."""

    SIGNUP = "signup", _("Account (sign-up)")
    APPLICATION = "application", _("Job application")
    FORUM = "forum", _("Public-service forums")


# Sent when a person ticks the privacy notice's consent box for a purpose (before an application,
# before a first forum post under the current notice). Arguments: user, purpose. The privacy app
# records the consent with the notice version.
consent_given = Signal()


class Answers(Protocol):
    def restricted_user_ids(self, category: str, user_ids: Iterable[int]) -> set[int]: ...

    def has_current_consent(self, user, purpose: str) -> bool: ...


class _Unrestricted:
    def restricted_user_ids(self, category, user_ids):
        return set()

    def has_current_consent(self, user, purpose):
        return True


_answers: Answers = _Unrestricted()


def install(answers: Answers) -> None:
    """Called once by the privacy app when it is ready."""
    global _answers
    _answers = answers


def restricted_user_ids(category: str, user_ids: Iterable[int]) -> set[int]:
    """Which of these people have a live restriction on `category` (or on their whole account).
    One query whatever the number of ids."""
    ids = {user_id for user_id in user_ids if user_id is not None}
    if not ids:
        return set()
    return set(_answers.restricted_user_ids(Category(category), ids))


def is_restricted(user, category: str) -> bool:
    user_id = getattr(user, "pk", user)
    return bool(user_id) and user_id in restricted_user_ids(category, [user_id])


def has_current_consent(user, purpose: str) -> bool:
    """True when the person consented to `purpose` under the current privacy notice (a new
    version of the notice asks again)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return _answers.has_current_consent(user, Purpose(purpose))


def restricted_message():
    return _(
        "Processing of your data here is restricted at your request, so this cannot be done. "
        "You can ask for the restriction to be lifted on the “My data” page."
    )
