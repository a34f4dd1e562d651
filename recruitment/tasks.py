"""Background work of the recruitment app: an e-mail at each status change, and closing
registration at the deadline."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts import dataprotection
from core import outbox
from core.tasks import mail_task_options
from notifications import services as notifications
from recruitment.models import (
    AdminResult,
    Announcement,
    Appeal,
    Application,
    ApplicationEvent,
    FinalCode,
    Milestone,
    SelectionPeriod,
    SkdCode,
    StatusNotification,
)
from recruitment.rules import appeal_outcome, appeal_window
from recruitment.selectors.announcements import MILESTONE_OF, TMS_SENTENCE

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


@shared_task(**mail_task_options(soft_time_limit=60, time_limit=90))
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
    if not _may_email(user, _restricted([user.pk])):
        return False
    with transaction.atomic():
        _notification, created = StatusNotification.objects.get_or_create(
            application=application, status=application.status
        )
        if not created:
            return False
        # The claim, the inbox notification and its outbox rows commit together; the outbox
        # then sends them (core.outbox: none lost, at most the one in flight at a crash twice).
        sent = notifications.notify(
            user,
            kind="recruitment.status",
            message=_status_message(application),
            url=application.get_absolute_url(),
        )
    notifications.deliver_now(sent)
    logger.info("Status e-mail queued: application %s, %s", application.pk, application.status)
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


# --- Recruitment II: milestone e-mails (announcements, appeals, exam schedule) ---------------

MILESTONE_CHUNK = 200


@shared_task(acks_late=True, serializer="json", soft_time_limit=300, time_limit=360)
def send_announcement_emails(announcement_id: int) -> int:
    """Fan an announcement out: one task per chunk of applications, so that a period of tens of
    thousands of applicants is never one long task or one giant transaction. Returns the number
    of chunks enqueued."""

    announcement = Announcement.objects.filter(pk=announcement_id).first()
    if announcement is None:
        return 0
    milestone = MILESTONE_OF[announcement.kind]
    ids = (
        ApplicationEvent.objects.filter(
            application__period_id=announcement.period_id, status=milestone
        )
        .order_by("application_id")
        .values_list("application_id", flat=True)
        .distinct()
    )
    chunks = 0
    chunk = []
    for application_id in ids.iterator(chunk_size=2000):
        chunk.append(application_id)
        if len(chunk) >= MILESTONE_CHUNK:
            outbox.dispatch(send_milestone_emails, chunk, milestone)
            chunks += 1
            chunk = []
    if chunk:
        outbox.dispatch(send_milestone_emails, chunk, milestone)
        chunks += 1
    return chunks


@shared_task(**mail_task_options(soft_time_limit=300, time_limit=360))
def send_milestone_emails(application_ids: list[int], milestone: str) -> int:
    """Tell each application's applicant about one milestone, once per (application,
    milestone): a retry after a refused mail server skips those already told. A chunk of an
    announcement's fan-out costs a fixed number of statements, whatever its size: the claims
    in one INSERT (read back by their time, so a concurrent run of the same chunk never claims
    the same rows), the latest events in one query, the notifications through notify_batch.
    Returns how many were told."""
    applications = list(
        Application.objects.select_related(
            "applicant", "period", "formation__position__unit", "exam_session"
        ).filter(pk__in=application_ids)
    )
    restricted = _restricted(application.applicant_id for application in applications)
    candidates = {a.pk: a for a in applications if _may_email(a.applicant, restricted)}
    if not candidates:
        return 0
    now = timezone.now()
    with transaction.atomic():
        StatusNotification.objects.bulk_create(
            [
                StatusNotification(application_id=pk, status=milestone, sent_at=now)
                for pk in candidates
            ],
            ignore_conflicts=True,
        )
        mine = set(
            StatusNotification.objects.filter(
                application_id__in=list(candidates), status=milestone, sent_at=now
            ).values_list("application_id", flat=True)
        )
        latest = {}
        events = ApplicationEvent.objects.filter(
            application_id__in=mine, status=milestone
        ).order_by("application_id", "-at", "-pk")
        for event in events:
            latest.setdefault(event.application_id, event)
        windows: dict[int, object] = {}
        entries = []
        for pk in sorted(mine):
            application = candidates[pk]
            event = latest.get(pk)
            entries.append(
                notifications.Entry(
                    application.applicant,
                    kind="recruitment.milestone",
                    message=_milestone_message(application, milestone, event=event),
                    url=application.get_absolute_url(),
                    urgent=_urgent(application, milestone, event, windows),
                )
            )
        # As in send_status_email: the claims and the notifications commit together.
        sent = notifications.notify_batch(entries)
    notifications.deliver_now(sent)
    return len(sent)


def _restricted(user_ids) -> set[int]:
    """Who asked for the processing of their applications to be restricted (UU PDP): they read
    their results on the portal and get no e-mail. One query per batch."""
    return dataprotection.restricted_user_ids(dataprotection.Category.APPLICATION, user_ids)


def _may_email(user, restricted: set[int]) -> bool:
    return user.is_active and bool(user.email) and user.pk not in restricted


def _urgent(application: Application, milestone: str, event, windows=None) -> bool:
    """Whether the message carries a deadline the applicant can miss overnight: a TMS result
    while the appeal window is still ahead or open, or an exam session moved. Urgent messages
    reach SMS and WhatsApp during quiet hours too."""
    note = event.note if event else ""
    if milestone == Milestone.EXAM_SCHEDULED:
        return note.startswith(SESSION_CHANGED)
    if milestone == Milestone.ADMIN_RESULT:
        code = note if note in AdminResult.values else application.announced_result
    elif milestone == Milestone.CORRECTION:
        code = application.announced_result
    else:
        return False
    if code != AdminResult.TMS:
        return False
    # One appeal window per period: a chunk's applications share it (`windows` caches it).
    windows = {} if windows is None else windows
    if application.period_id not in windows:
        windows[application.period_id] = appeal_window(application.period)
    window = windows[application.period_id]
    return window is not None and timezone.now() < window.closes


def _milestone_message(application: Application, milestone: str, event=None) -> EmailMessage:
    """The e-mail about `event`, or about the latest event of the milestone."""

    user = application.applicant
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        if event is None:
            event = application.events.filter(status=milestone).order_by("-at", "-pk").first()
        context = {
            "name": user.get_full_name() or user.email,
            "milestone": Milestone(milestone).label,
            "formation": str(application.formation),
            "period": application.period.name,
            "registration_number": application.registration_number,
            "at": event.at if event else timezone.now(),
            "url": absolute_url(application.get_absolute_url()),
            **_milestone_result(application, milestone, event),
        }
        subject = render_to_string("recruitment/email/milestone_subject.txt", context)
        body = render_to_string("recruitment/email/milestone_body.txt", context)
    return EmailMessage(" ".join(subject.split()), body, to=[user.email])


def _milestone_result(application: Application, milestone: str, event) -> dict:
    """The result in plain words and its official code, as the milestone announced it."""

    code = event.note if event else ""
    if milestone in (Milestone.ADMIN_RESULT, Milestone.POST_APPEAL_RESULT):
        code = code if code in AdminResult.values else application.announced_result
        return {
            "result": AdminResult(code).label if code else "",
            "official_code": code,
            "explanation": TMS_SENTENCE() if code == AdminResult.TMS else "",
        }
    if milestone == Milestone.SKD_RESULT and code in SkdCode.values:
        return {"result": SkdCode(code).label, "official_code": code, "explanation": ""}
    if milestone == Milestone.FINAL_RESULT and code in FinalCode.values:
        return {"result": FinalCode(code).label, "official_code": code, "explanation": ""}
    if milestone == Milestone.APPEAL_ANSWERED:
        appeal = Appeal.objects.filter(application=application).first()
        if appeal is not None:
            return {
                "result": str(appeal_outcome(appeal)),
                "official_code": "",
                "explanation": appeal.answer,
            }
    if milestone == Milestone.CORRECTION:
        result = application.announced_result
        explanation = [_("Reason for the correction: %(reason)s") % {"reason": code}]
        if result == AdminResult.TMS:
            explanation.append(TMS_SENTENCE())
        return {
            "result": AdminResult(result).label if result else "",
            "official_code": result,
            "explanation": "\n".join(str(line) for line in explanation),
        }
    if milestone == Milestone.EXAM_SCHEDULED and application.exam_session_id:
        session = application.exam_session
        explanation = _(
            "Download your exam card from your application page and bring it with your KTP."
        )
        if code.startswith(SESSION_CHANGED):
            explanation = _(
                "Your exam session has been changed: check the date, the time and the place "
                "again, and print your exam card again."
            )
        return {"result": str(session), "official_code": "", "explanation": explanation}
    return {"result": "", "official_code": code, "explanation": ""}


# --- the receipt of an appeal (sanggah) ------------------------------------------------------


@shared_task(**mail_task_options(soft_time_limit=60, time_limit=90))
def send_appeal_receipt(application_id: int) -> bool:
    """Tell the applicant, in their language, that their appeal arrived: the documents they
    named, their reason, when it was sent and by when the committee answers. Sent once per
    application (one appeal each): the (application, "appeal sent") notification row is the
    claim, as for the status e-mails. Returns False when there was nothing (more) to send."""
    appeal = (
        Appeal.objects.select_related(
            "application__applicant", "application__period", "application__formation__position"
        )
        .filter(application_id=application_id)
        .first()
    )
    if appeal is None:
        return False
    application = appeal.application
    user = application.applicant
    if not _may_email(user, _restricted([user.pk])):
        return False
    with transaction.atomic():
        _notification, created = StatusNotification.objects.get_or_create(
            application=application, status=Milestone.APPEAL_SUBMITTED
        )
        if not created:
            return False
        # As in send_status_email: the claim and the notification commit together.
        sent = notifications.notify(
            user,
            kind="recruitment.appeal",
            message=_appeal_receipt(appeal),
            url=application.get_absolute_url(),
        )
    notifications.deliver_now(sent)
    logger.info("Appeal receipt queued: application %s", application.pk)
    return True


def _appeal_receipt(appeal: Appeal) -> EmailMessage:
    application = appeal.application
    user = application.applicant
    window = appeal_window(application.period)
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        context = {
            "name": user.get_full_name() or user.email,
            "formation": str(application.formation.position.name),
            "period": application.period.name,
            "registration_number": application.registration_number,
            "documents": [str(requirement) for requirement in appeal.documents.order_by("order")],
            "reason": appeal.reason,
            "submitted_at": appeal.submitted_at,
            "answer_day": window.last_answer_day if window else None,
            "url": absolute_url(application.get_absolute_url()),
        }
        subject = render_to_string("recruitment/email/appeal_receipt_subject.txt", context)
        body = render_to_string("recruitment/email/appeal_receipt_body.txt", context)
    return EmailMessage(" ".join(subject.split()), body, to=[user.email])


# The note that starts an EXAM_SCHEDULED event written when a session changes (services/exams.py).
SESSION_CHANGED = "changed:"


@shared_task(**mail_task_options(soft_time_limit=300, time_limit=360))
def send_event_emails(event_ids: list[int]) -> int:
    """E-mail the applicant about each of these timeline events: a correction, a changed exam
    session. Unlike a milestone they can happen several times to one application, so the
    once-per-(application, milestone) claim (StatusNotification) would swallow the second one.
    Each event's notification is written under the event's own key instead (a unique row in
    PostgreSQL): a duplicated or retried task queues nothing twice."""

    events = ApplicationEvent.objects.select_related(
        "application__applicant",
        "application__period",
        "application__formation__position__unit",
        "application__exam_session",
    ).filter(pk__in=event_ids)
    events = list(events.order_by("pk"))
    restricted = _restricted(event.application.applicant_id for event in events)
    sent = [_send_event(event, restricted) for event in events]
    sent = [item for item in sent if item is not None]
    notifications.deliver_now(sent)
    return len(sent)


def _send_event(event, restricted: set[int]):
    """Notify about one event, once (None: nothing to send, or notified before)."""
    application = event.application
    user = application.applicant
    if not _may_email(user, restricted):
        return None
    return notifications.notify(
        user,
        kind="recruitment.event",
        message=_milestone_message(application, event.status, event=event),
        url=application.get_absolute_url(),
        key=f"recruitment.event:{event.pk}",
        urgent=_urgent(application, event.status, event),
    )


def event_notify(event_ids: list[int]) -> None:
    """Start the e-mails about these events once the current transaction commits (outbox)."""
    ids = list(event_ids)
    for start in range(0, len(ids), MILESTONE_CHUNK):
        outbox.dispatch(send_event_emails, ids[start : start + MILESTONE_CHUNK])


def milestone_notify(application_ids: list[int], milestone: str) -> None:
    """Start the milestone e-mails once the current transaction commits, in chunks (outbox)."""
    ids = list(application_ids)
    for start in range(0, len(ids), MILESTONE_CHUNK):
        outbox.dispatch(send_milestone_emails, ids[start : start + MILESTONE_CHUNK], milestone)
