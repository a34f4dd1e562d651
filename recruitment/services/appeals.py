"""Sanggah (appeal) against the announced administrative result, and the committee's answer
(docs/domain.md 1.5): once, inside the window, against TMS, about documents already uploaded."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import outbox
from recruitment.models import (
    AdminResult,
    Announcement,
    Appeal,
    Application,
    ApplicationEvent,
    Decision,
    DocumentCheck,
    Milestone,
)
from recruitment.rules import appeal_window
from recruitment.selectors.announcements import appealable_requirements
from recruitment.services.decisions import application_recompute_admin_result, decision_log
from recruitment.services.screening import lock_for_result_change
from recruitment.tasks import milestone_notify, send_appeal_receipt


class AppealError(Exception):
    pass


def _date(moment) -> str:
    return timezone.localtime(moment).strftime("%d-%m-%Y %H:%M")


def appeal_refusal(application: Application, *, now=None) -> str:
    """Why this application cannot appeal now; "" when it can."""
    now = now or timezone.now()
    if application.status != Application.Status.SUBMITTED:
        return _("Only a finalised application can appeal.")
    window = appeal_window(application.period)
    if window is None:
        return _(
            "The administrative result has not been announced yet, so there is nothing to appeal."
        )
    existing = Appeal.objects.filter(application=application).first()
    if existing is not None:
        return _("You already sent an appeal on %(date)s WIB. An appeal can be sent only once.") % {
            "date": _date(existing.submitted_at)
        }
    if application.announced_result != AdminResult.TMS:
        return _(
            "Your announced result is MS (meets the requirements): an appeal is possible only "
            "against a TMS result."
        )
    if now < window.opens:
        return _("The appeal window opens on %(date)s WIB.") % {"date": _date(window.opens)}
    if now >= window.closes:
        return _("The appeal window closed on %(date)s WIB.") % {"date": _date(window.closes)}
    return ""


@transaction.atomic
def appeal_submit(
    *,
    application: Application,
    user,
    requirement_ids,
    reason: str,
    confirmed: bool,
    now=None,
    notify: bool = True,
) -> Appeal:
    """The applicant's appeal; a receipt is e-mailed to them once it is committed (`notify`
    False only for the demo data of past stages)."""
    now = now or timezone.now()
    # Serialise a double click: the second request waits here, then finds the first appeal.
    application = (
        Application.objects.select_for_update().select_related("period").get(pk=application.pk)
    )
    if application.applicant_id != user.pk:
        raise AppealError(_("Only the applicant can appeal."))
    refusal = appeal_refusal(application, now=now)
    if refusal:
        raise AppealError(refusal)
    allowed = {req.pk: req for req in appealable_requirements(application)}
    chosen = {int(pk) for pk in requirement_ids}
    if not chosen:
        raise AppealError(_("Choose at least one document marked TMS."))
    if not chosen <= allowed.keys():
        raise AppealError(
            _(
                "An appeal can be about documents marked TMS that you had already uploaded, "
                "and only those."
            )
        )
    reason = (reason or "").strip()
    if not reason:
        raise AppealError(_("Explain why the result is wrong."))
    if not confirmed:
        raise AppealError(_("Tick the statement to confirm it."))
    appeal = Appeal(application=application, reason=reason, submitted_at=now)
    appeal.full_clean(exclude=["application"])
    try:
        with transaction.atomic():
            appeal.save()
    except IntegrityError:
        raise AppealError(_("An appeal can be sent only once.")) from None
    appeal.documents.set([allowed[pk] for pk in chosen])
    ApplicationEvent.objects.create(
        application=application, status=Milestone.APPEAL_SUBMITTED, actor=user, at=now
    )
    if notify:
        outbox.dispatch(send_appeal_receipt, application.pk)
    return appeal


def answer_refusal(appeal: Appeal, *, now=None) -> str:
    now = now or timezone.now()
    if appeal.status != Appeal.Status.PENDING:
        return _("This appeal has already been answered.")
    period = appeal.application.period
    if Announcement.objects.filter(period=period, kind=Announcement.Kind.POST_APPEAL).exists():
        return _("The post-appeal result has been announced: appeals can no longer be answered.")
    window = appeal_window(period)
    if window is None or not window.answering_open(now):
        return _("Appeals can be answered only from the opening of the window until %(day)s.") % {
            "day": window.last_answer_day.strftime("%d-%m-%Y") if window else "-"
        }
    return ""


@transaction.atomic
def appeal_answer(
    *, appeal: Appeal, actor, accept: bool, answer: str, now=None, notify: bool = True
) -> Appeal:
    """Accept: the appealed documents' TMS checks become MS and the application's result is
    recomputed; each change is logged. Reject: with a reason. The applicant sees the answer at
    once; the result itself only with the post-appeal announcement."""
    now = now or timezone.now()
    # The same locks, in the same order, as every other change of the checks (the period, then
    # the application, then its rows): a re-check or a correction of the same application waits
    # for this answer, and the result each derives reads the other's checks.
    lock_for_result_change(appeal.application)
    appeal = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("application__period")
        .get(pk=appeal.pk)
    )
    refusal = answer_refusal(appeal, now=now)
    if refusal:
        raise AppealError(refusal)
    answer = (answer or "").strip()
    if not accept and not answer:
        raise AppealError(_("Give the reason for rejecting the appeal."))
    application = appeal.application
    if accept:
        checks = DocumentCheck.objects.select_for_update().filter(
            application=application,
            requirement__in=appeal.documents.all(),
            result=AdminResult.TMS,
        )
        for check in checks.select_related("requirement"):
            DocumentCheck.objects.filter(pk=check.pk).update(
                result=AdminResult.MS, reason=None, checked_by=actor, checked_at=now
            )
            decision_log(
                application=application,
                kind=Decision.Kind.APPEAL_ANSWER,
                actor=actor,
                subject=check.requirement.slug,
                before=AdminResult.TMS,
                after=AdminResult.MS,
                reason=answer,
            )
        before = application.admin_result
        after = application_recompute_admin_result(application=application)
        if before != after:
            decision_log(
                application=application,
                kind=Decision.Kind.APPEAL_ANSWER,
                actor=actor,
                subject="admin_result",
                before=before,
                after=after,
                reason=answer,
            )
    else:
        decision_log(
            application=application,
            kind=Decision.Kind.APPEAL_ANSWER,
            actor=actor,
            subject="appeal",
            before=Appeal.Status.PENDING,
            after=Appeal.Status.REJECTED,
            reason=answer,
        )
    appeal.status = Appeal.Status.ACCEPTED if accept else Appeal.Status.REJECTED
    appeal.answer = answer
    appeal.answered_by = actor
    appeal.answered_at = now
    appeal.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    ApplicationEvent.objects.create(
        application=application,
        status=Milestone.APPEAL_ANSWERED,
        actor=actor,
        at=now,
    )
    if notify:  # False only for the demo data of past stages
        milestone_notify([application.pk], Milestone.APPEAL_ANSWERED)
    return appeal
