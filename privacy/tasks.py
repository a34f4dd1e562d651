import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.tasks import mail_task_options
from notifications import services as notifications
from privacy.models import DataRequest
from privacy.retention import RetentionAlreadyRunning, retention_run

logger = logging.getLogger(__name__)

# The handling-log action that records the answer e-mail: the claim that it was sent.
ANSWER_EMAILED = "answer e-mailed"


@shared_task(acks_late=True, time_limit=60 * 60, soft_time_limit=55 * 60)
def apply_retention() -> dict:
    """Beat: apply the retention rules. Idempotent: a second run finds nothing left to remove,
    and a run already in progress makes this one stand down."""
    try:
        run = retention_run(apply=True, triggered_by="scheduler")
    except RetentionAlreadyRunning:
        return {"skipped": "already running"}
    return {"run": run.pk, **run.counts}


@shared_task(**mail_task_options(soft_time_limit=60, time_limit=90))
def send_request_answer(request_id: int) -> bool:
    """Tell the person, in their language, that HR answered their personal-data request, with the
    outcome. Once per request: the entry in the request's handling log is the claim, written in
    the same transaction as the inbox notification and its queued messages (core.outbox sends
    them).
    A restriction of processing does not stop it: it is the answer the person asked for."""
    with transaction.atomic():
        data_request = (
            DataRequest.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=request_id)
            .first()
        )
        if data_request is None or data_request.is_open:
            return False
        if any(entry.get("action") == ANSWER_EMAILED for entry in data_request.log):
            return False
        user = data_request.user
        if not (user.is_active and user.email):
            return False
        sent = notifications.notify(
            user,
            kind="privacy.answer",
            message=_answer_message(data_request),
            url=data_request.get_absolute_url(),
        )
        entry = {
            "at": timezone.now().isoformat(),
            "by": None,
            "status": str(data_request.status),
            "action": ANSWER_EMAILED,
        }
        data_request.log = [*data_request.log, entry]
        data_request.save(update_fields=["log"])
    notifications.deliver_now(sent)
    logger.info("privacy request %s: answer notification queued", data_request.pk)
    return True


def _answer_message(data_request: DataRequest) -> EmailMessage:
    user = data_request.user
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        context = {
            "name": user.get_full_name() or user.email,
            "kind": data_request.get_kind_display(),
            "status": data_request.get_status_display(),
            "submitted_at": data_request.submitted_at,
            "handled_at": data_request.handled_at,
            "outcome": data_request.outcome,
            "url": f"{settings.SITE_URL.rstrip('/')}{data_request.get_absolute_url()}",
        }
        subject = render_to_string("privacy/email/answer_subject.txt", context)
        body = render_to_string("privacy/email/answer_body.txt", context)
    return EmailMessage(" ".join(subject.split()), body, to=[user.email])
