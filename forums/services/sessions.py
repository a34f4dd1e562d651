"""Discussion sessions: residents register."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forums.access import has_verified_email
from forums.models import DiscussionSession, SessionRegistration
from forums.services import ForumError
from forums.services.topics import ensure_not_restricted


@transaction.atomic
def session_register(*, session: DiscussionSession, user) -> SessionRegistration:
    if session.starts_at <= timezone.now():
        raise ForumError(_("This session has already taken place."))
    if not has_verified_email(user):
        raise ForumError(_("Verify your e-mail address before you take part in the forums."))
    ensure_not_restricted(user)
    # Lock the session row so that two last-place registrations cannot both get in.
    DiscussionSession.objects.select_for_update().filter(pk=session.pk).first()
    if session.capacity is not None and session.registrations.count() >= session.capacity:
        raise ForumError(_("This session is full."))
    try:
        with transaction.atomic():
            return SessionRegistration.objects.create(session=session, user=user)
    except IntegrityError as exc:
        raise ForumError(_("You are already registered for this session.")) from exc
