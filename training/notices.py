"""Training requests and decisions, told to the people they concern: a request goes to the
employee's supervisor (who approves it), the decision back to the employee. Started by the
enrolment services through the outbox (written in their transaction); each notice is keyed by
the enrolment and its state, so a task that runs twice tells nobody twice."""

import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from core.tasks import mail_task_options
from notifications import services as notifications
from training.models import Enrolment

logger = logging.getLogger(__name__)

Status = Enrolment.Status


def _when(session) -> str:
    return formats.date_format(session.starts_on, "j F Y")


def _request_notice(enrolment: Enrolment) -> dict:
    employee = enrolment.employee
    session = enrolment.session
    return {
        "subject": _("%(name)s asks to join %(programme)s (%(date)s)")
        % {"name": employee.full_name, "programme": session.programme, "date": _when(session)},
        "body": _(
            "%(name)s asks for a place in %(session)s. Approve or reject the request on your "
            "team's training requests."
        )
        % {"name": employee.full_name, "session": session},
        "url": reverse("training:team_requests"),
    }


def _decision_notice(enrolment: Enrolment) -> dict:
    session = enrolment.session
    if enrolment.status == Status.ENROLLED:
        subject = _("Your place in %(programme)s is approved (%(date)s)")
        body = _("Your supervisor approved your request: you are enrolled in %(session)s.")
    elif enrolment.status == Status.WAITLISTED:
        subject = _("Your request for %(programme)s is approved: on the waiting list")
        body = _(
            "Your supervisor approved your request, but %(session)s is full: you are on the "
            "waiting list and move up when a seat frees."
        )
    else:
        subject = _("Your request for %(programme)s was not approved")
        body = _(
            "Your supervisor did not approve your request for %(session)s. Ask them why, or "
            "choose another session."
        )
    values = {"programme": session.programme, "date": _when(session), "session": session}
    return {
        "subject": subject % values,
        "body": body % values,
        "url": reverse("training:enrolment_detail", args=[enrolment.pk]),
    }


@shared_task(**mail_task_options(soft_time_limit=60, time_limit=90))
def notify_enrolment(enrolment_id: int) -> bool:
    """Tell the supervisor about a new request, or the employee about the decision on theirs."""
    enrolment = (
        Enrolment.objects.select_related(
            "employee__user", "employee__supervisor__user", "session__programme"
        )
        .filter(pk=enrolment_id)
        .first()
    )
    if enrolment is None:
        return False
    if enrolment.status == Status.REQUESTED:
        supervisor = enrolment.employee.supervisor
        recipient = supervisor.user if supervisor is not None else None
        build = _request_notice
    elif enrolment.decided_by_id and enrolment.decided_by_id != enrolment.employee.user_id:
        recipient = enrolment.employee.user
        build = _decision_notice
    else:
        return False
    if recipient is None or not recipient.is_active:
        return False
    language = recipient.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        notice = build(enrolment)
    with transaction.atomic():
        sent = notifications.notify(
            recipient,
            kind="training.enrolment",
            key=f"enrolment:{enrolment.pk}:{enrolment.status}",
            **notice,
        )
    if sent is None:
        return False
    notifications.deliver_now(sent)
    logger.info("Training notice queued: enrolment %s, %s", enrolment.pk, enrolment.status)
    return True
