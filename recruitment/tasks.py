"""Background work of the recruitment app: an e-mail at each status change, and closing
registration at the deadline."""

import logging
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from recruitment.models import Application, SelectionPeriod, StatusNotification

logger = logging.getLogger(__name__)

Status = Application.Status

# What the applicant can do next, said once in the e-mail under the status.
NEXT_STEPS = {
    Status.SUBMITTED: _(
        "Your registration is complete and can no longer be changed. Download your registration "
        "card from your application page and keep it: anyone can check it with its verification "
        "code."
    ),
    Status.WITHDRAWN: _(
        "Your application has been withdrawn and takes no further part in this selection."
    ),
}

# A refused or unreachable mail server is worth retrying; a bad address or template is not.
SMTP_ERRORS = (SMTPException, ConnectionError, TimeoutError)


@shared_task(
    acks_late=True,
    serializer="json",
    autoretry_for=SMTP_ERRORS,
    max_retries=3,
    retry_backoff=60,
    retry_backoff_max=15 * 60,
    retry_jitter=True,
    soft_time_limit=60,
    time_limit=90,
)
def send_status_email(application_id: int) -> bool:
    """Tell the applicant, in their language, the application's current status. Sent once per
    (application, status): returns False when there was nothing (more) to send."""
    application = (
        Application.objects.select_related("applicant", "period", "formation__position__unit")
        .filter(pk=application_id)
        .first()
    )
    if application is None or application.status == Status.DRAFT:
        return False
    user = application.applicant
    if not user.is_active or not user.email:
        return False
    with transaction.atomic():
        _notification, created = StatusNotification.objects.get_or_create(
            application=application, status=application.status
        )
        if not created:
            return False
        # Sent inside the claim's transaction: when the mail server refuses, the claim is rolled
        # back with it and the retry sends. A crash after the server accepted but before the
        # commit can send twice; losing the e-mail would be worse.
        _status_message(application).send()
    logger.info("Status e-mail sent: application %s, %s", application.pk, application.status)
    return True


def _status_message(application: Application) -> EmailMessage:
    user = application.applicant
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        context = {
            "name": user.get_full_name() or user.email,
            "status": application.get_status_display(),
            "official_code": application.official_code,
            "next_step": NEXT_STEPS.get(application.status, ""),
            "formation": str(application.formation),
            "period": application.period.name,
            "registration_number": application.registration_number,
            "changed_at": _changed_at(application),
            "url": absolute_url(application.get_absolute_url()),
        }
        subject = render_to_string("recruitment/email/status_subject.txt", context)
        body = render_to_string("recruitment/email/status_body.txt", context)
    return EmailMessage(" ".join(subject.split()), body, to=[user.email])


def _changed_at(application: Application):
    event = application.events.filter(status=application.status).order_by("-at", "-pk").first()
    if event is not None:
        return event.at
    return application.withdrawn_at or application.submitted_at or timezone.now()


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def close_registrations() -> int:
    """Mark every period whose deadline has passed as closed, in one conditional UPDATE (safe to
    run twice, or from two workers). The deadline holds without this: every check also compares
    times; the flag lets HR's lists and filters say "closed" without computing it."""
    closed = SelectionPeriod.objects.filter(
        registration_closed=False, registration_closes_at__lte=timezone.now()
    ).update(registration_closed=True)
    if closed:
        logger.info("Registration closed for %s selection period(s).", closed)
    return closed
