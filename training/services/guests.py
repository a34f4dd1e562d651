"""Residents invited to a session: each new invitation is told by e-mail after the commit
(training.tasks.send_guest_invitation, which sends it once)."""

from django.db import transaction

from training.models import SessionGuest


def guests_tell(guests) -> None:
    """Queue the invitation e-mail of every guest not told yet, once the transaction commits."""
    ids = [guest.pk for guest in guests if guest.pk and guest.notified_at is None]
    if ids:
        transaction.on_commit(lambda: _send(ids))


def _send(ids: list[int]) -> None:
    from training.tasks import send_guest_invitation

    for guest_id in ids:
        send_guest_invitation.delay(guest_id)


@transaction.atomic
def session_guest_invite(*, session, user, role: str) -> SessionGuest:
    guest = SessionGuest(session=session, user=user, role=role)
    guest.full_clean()
    guest.save()
    guests_tell([guest])
    return guest
