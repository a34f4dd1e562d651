"""Who may see and do what in the forums: the one place views ask."""

from allauth.account.models import EmailAddress
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from accounts.roles import Role, has_role
from forums.models import Suspension, Topic, Visibility

# Roles that answer on the institution's behalf and move a topic's status.
OFFICIAL_ROLES = (Role.HR,)
MODERATOR_ROLES = (Role.MODERATOR,)


def is_moderator(user) -> bool:
    return has_role(user, *MODERATOR_ROLES)


def is_official(user) -> bool:
    return has_role(user, *OFFICIAL_ROLES)


def has_verified_email(user) -> bool:
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def active_suspension(user) -> Suspension | None:
    now = timezone.now()
    return (
        Suspension.objects.filter(user=user, lifted_at__isnull=True)
        .filter(Q(until__isnull=True) | Q(until__gt=now))
        .order_by("-created_at")
        .first()
    )


def visible_topics_q(user) -> Q:
    """Public topics for everyone; authors also see their own hidden or grievance topics;
    moderators and officials see everything."""
    if getattr(user, "is_authenticated", False):
        if is_moderator(user) or is_official(user):
            return Q()
        return Q(visibility=Visibility.PUBLIC) | Q(author=user)
    return Q(visibility=Visibility.PUBLIC)


def topic_for_viewer(queryset, user, pk) -> Topic:
    topic = queryset.filter(visible_topics_q(user), pk=pk).first()
    if topic is None:
        raise Http404
    return topic


def own_topic(user, pk) -> Topic:
    """The author's own topic, for editing; anyone else's gives 404."""
    topic = Topic.objects.filter(pk=pk, author=user).first()
    if topic is None:
        raise Http404
    return topic
