"""Residents invited to a session: each new invitation is told by e-mail after the commit
(training.tasks.send_guest_invitation, which sends it once), through the outbox: a broker that is
down delays the e-mail, never loses it."""

from django.db import transaction

from core import outbox
from training.models import SessionGuest


def guests_tell(guests) -> None:
    """Queue the invitation e-mail of every guest not told yet, once the transaction commits."""
    from training.tasks import send_guest_invitation

    for guest in guests:
        if guest.pk and guest.notified_at is None:
            outbox.dispatch(send_guest_invitation, guest.pk)


@transaction.atomic
def session_guest_invite(*, session, user, role: str) -> SessionGuest:
    guest = SessionGuest(session=session, user=user, role=role)
    guest.full_clean()
    guest.save()
    guests_tell([guest])
    return guest
