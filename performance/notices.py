"""Performance decisions told to the employee they concern: a review made final (read it,
acknowledge it or object before the deadline) and the answer to an objection. Started by the
review services through the outbox (written in their transaction); keyed by the review and the
event, so a task that runs twice tells nobody twice."""

import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from core.tasks import mail_task_options
from notifications import services as notifications
from performance.models import Objection, Review

logger = logging.getLogger(__name__)

FINALISED = "finalised"
OBJECTION_ANSWERED = "objection-answered"


def _finalised(review: Review) -> dict:
    values = {
        "checkpoint": review.checkpoint,
        "predikat": review.get_predikat_display(),
        "deadline": formats.date_format(review.objection_deadline, "j F Y")
        if review.objection_deadline
        else "",
    }
    body = _("Your supervisor has made your %(checkpoint)s review final: %(predikat)s.") % values
    if review.objection_deadline:
        body += " " + (
            _("Read it, then acknowledge it, or object with your reasons until %(deadline)s.")
            % values
        )
    return {
        "subject": _("Your %(checkpoint)s review: %(predikat)s") % values,
        "body": body,
        "urgent": bool(review.objection_deadline),
    }


def _answered(review: Review) -> dict:
    objection = Objection.objects.filter(review=review).first()
    upheld = objection is not None and objection.outcome == Objection.Outcome.UPHELD
    values = {"checkpoint": review.checkpoint, "predikat": review.get_predikat_display()}
    if upheld:
        subject = _("Your objection to the %(checkpoint)s review was upheld")
        body = _("Your objection was upheld; the review now reads %(predikat)s.")
    else:
        subject = _("Your objection to the %(checkpoint)s review was not upheld")
        body = _("Your objection was not upheld; the review stays %(predikat)s.")
    body = body % values
    if objection is not None and objection.resolution:
        body += "\n\n" + objection.resolution
    return {"subject": subject % values, "body": body, "urgent": False}


@shared_task(**mail_task_options(soft_time_limit=60, time_limit=90))
def notify_review(review_id: int, event: str) -> bool:
    review = (
        Review.objects.select_related("skp__employee__user", "checkpoint__cycle")
        .filter(pk=review_id)
        .first()
    )
    if review is None:
        return False
    recipient = review.skp.employee.user
    if recipient is None or not recipient.is_active:
        return False
    build = _finalised if event == FINALISED else _answered
    with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
        notice = build(review)
    with transaction.atomic():
        sent = notifications.notify(
            recipient,
            kind="performance.review",
            key=f"review:{review.pk}:{event}",
            url=reverse("performance:review_detail", args=[review.pk]),
            **notice,
        )
    if sent is None:
        return False
    notifications.deliver_now(sent)
    logger.info("Performance notice queued: review %s, %s", review.pk, event)
    return True
