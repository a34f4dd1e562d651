from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from accounts.services import user_assign_roles
from recruitment.models import Announcement, ApplicantProfile, Application
from recruitment.services.applications import ApplicationError


def profile_is_locked(user) -> bool:
    """After finalising, the committee screens what was sent: the profile no longer changes
    until that selection is over, when its final result is announced (or the planned date of
    that announcement has passed). A withdrawal does not unlock it."""
    now = timezone.now()
    announced = Announcement.objects.filter(period=OuterRef("period"), kind=Announcement.Kind.FINAL)
    running = (
        Q(period__final_announcement_at__isnull=True) | Q(period__final_announcement_at__gt=now)
    ) & ~Exists(announced)
    return Application.objects.filter(running, applicant=user, submitted_at__isnull=False).exists()


@transaction.atomic
def applicant_profile_save(*, profile: ApplicantProfile) -> ApplicantProfile:
    """Save the profile; whoever completes one becomes an applicant."""
    if profile_is_locked(profile.user):
        raise ApplicationError(
            _("Your application has been finalised, so your profile can no longer change.")
        )
    profile.full_clean()
    profile.save()
    user_assign_roles(user=profile.user, roles=[Role.APPLICANT])
    return profile
