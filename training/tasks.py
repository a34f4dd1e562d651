"""Background work of the training app: the yearly JP reminder, once the year is running out, to
PNS employees short of the minimum and to their supervisors. Each person gets each kind of
reminder at most once a year: the JpReminder row (unique recipient, year, kind) is the claim."""

import logging
from collections import defaultdict
from datetime import date

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from core.tasks import mail_task_options
from notifications import services as notifications
from training.models import JpReminder, SessionGuest
from training.selectors.ledger import rule_for_year, short_of_jp

logger = logging.getLogger(__name__)

Kind = JpReminder.Kind


@shared_task(**mail_task_options(soft_time_limit=5 * 60, time_limit=6 * 60))
def send_jp_reminders() -> int:
    """Daily. Within the year's reminder window (TrainingYearRule.reminder_days before
    31 December), e-mail every active PNS employee below the minimum and each of their
    supervisors, once per (person, year). Returns the number of e-mails sent by this run; a
    retry after a failure sends only what was not claimed yet."""
    today = timezone.localdate()
    year = today.year
    rule = rule_for_year(year)
    if (date(year, 12, 31) - today).days >= rule.reminder_days:
        return 0
    sent = 0
    teams = defaultdict(list)
    for employee in short_of_jp(year):
        if employee.user is not None and _deliver(
            employee.user, year, Kind.EMPLOYEE, jp_done=employee.jp_done, minimum=rule.pns_min_jp
        ):
            sent += 1
        supervisor = employee.supervisor
        if supervisor is not None and supervisor.user is not None:
            teams[supervisor.user].append(employee)
    for user, team in teams.items():
        if _deliver(user, year, Kind.SUPERVISOR, team=team, minimum=rule.pns_min_jp):
            sent += 1
    if sent:
        logger.info("JP reminders sent for %s: %s", year, sent)
    return sent


def _deliver(user, year: int, kind: str, **context) -> bool:
    if not user.is_active or not user.email:
        return False
    with transaction.atomic():
        _claim, created = JpReminder.objects.get_or_create(recipient=user, year=year, kind=kind)
        if not created:
            return False
        # The claim and the notification commit together; the outbox sends it (core.outbox:
        # none lost, at most the one in flight at a crash twice).
        sent = notifications.notify(
            user,
            kind="training.jp_reminder",
            message=_message(user, year, kind, **context),
            url=reverse("training:programme_list"),
        )
    notifications.deliver_now(sent)
    return True


def _message(user, year: int, kind: str, **context) -> EmailMessage:
    with translation.override(getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE):
        context = {
            "name": user.get_full_name() or user.email,
            "year": year,
            "kind": kind,
            "url": f"{settings.SITE_URL.rstrip('/')}{reverse('training:programme_list')}",
            **context,
        }
        subject = render_to_string("training/email/reminder_subject.txt", context)
        body = render_to_string("training/email/reminder_body.txt", context)
    return EmailMessage(" ".join(subject.split()), body, to=[user.email])


@shared_task(**mail_task_options(soft_time_limit=60, time_limit=90))
def send_guest_invitation(guest_id: int) -> bool:
    """Tell an invited resident about the session, once: the conditional update of
    `notified_at` is the claim, so a second run (or a second worker) sends nothing."""
    guest = (
        SessionGuest.objects.select_related("session__programme", "user")
        .filter(pk=guest_id)
        .first()
    )
    if guest is None or not guest.user.is_active or not guest.user.email:
        return False
    with transaction.atomic():
        claimed = SessionGuest.objects.filter(pk=guest_id, notified_at__isnull=True).update(
            notified_at=timezone.now()
        )
        if not claimed:
            return False
        # The claim and the notification commit together; the outbox sends it. (A guest is
        # always a portal account: SessionGuest.user is required.)
        sent = notifications.notify(
            guest.user,
            kind="training.invitation",
            message=_invitation_message(guest),
            url=guest.session.get_absolute_url(),
        )
    notifications.deliver_now(sent)
    return True


def _invitation_message(guest) -> EmailMessage:
    user = guest.user
    with translation.override(getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE):
        context = {
            "name": user.get_full_name() or user.email,
            "session": guest.session,
            "role": guest.get_role_display(),
            "url": f"{settings.SITE_URL.rstrip('/')}{guest.session.get_absolute_url()}",
        }
        subject = render_to_string("training/email/invitation_subject.txt", context)
        body = render_to_string("training/email/invitation_body.txt", context)
    return EmailMessage(" ".join(subject.split()), body, to=[user.email])
