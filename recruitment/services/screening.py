"""The administrative screening (docs/domain.md 1.4): who screens a period, the verifier's MS/TMS on
each required document, the second check, and what may still change once the result is
announced (a re-check MS -> TMS while appeals are answered; HR's explicit correction). Every
change is written to the decision log with before, after and who."""

import logging
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role, has_role
from recruitment import rules
from recruitment.models import (
    AdminResult,
    Application,
    ApplicationEvent,
    Decision,
    Document,
    DocumentCheck,
    DocumentRequirement,
    Milestone,
    PeriodAssignment,
    RejectionReason,
    SelectionPeriod,
)
from recruitment.selectors.screening import (
    admin_announced,
    post_appeal_announced,
    priority_group_decision,
    screening_version,
)
from recruitment.services.decisions import (
    admin_result_from_checks,
    application_recompute_admin_result,
    decision_log,
)
from recruitment.tasks import event_notify

logger = logging.getLogger(__name__)


class ScreeningError(Exception):
    """A rule refused the change. `errors` maps a form field name (None: the whole form) to its
    translated messages; str(error) joins them for a flash message."""

    def __init__(self, message: str | None = None, *, errors: dict | None = None):
        self.errors = errors or {None: [message]}
        super().__init__(message or " ".join(m for msgs in self.errors.values() for m in msgs))


@dataclass(frozen=True)
class CheckInput:
    """The verifier's answer for one required document: result "" leaves it unchecked."""

    requirement_id: int
    result: str
    reason: RejectionReason | None = None
    note: str = ""


def check_label(result: str, reason: RejectionReason | None) -> str:
    """How a check reads in the decision log: "", "MS" or "TMS: <reason code>"."""
    if result == AdminResult.TMS:
        return f"TMS: {reason.code}" if reason else "TMS"
    return result or ""


def _label_of(check: DocumentCheck | None) -> str:
    return check_label(check.result, check.reason) if check else ""


# --- assignments ------------------------------------------------------------------------------


@transaction.atomic
def assignment_add(*, period: SelectionPeriod, email: str, duty: str, actor) -> PeriodAssignment:
    """Give a user holding the verifier (or HR) role a duty in a period's screening."""
    if duty not in PeriodAssignment.Duty.values:
        raise ScreeningError(errors={"duty": [_("Choose a duty.")]})
    user = get_user_model().objects.filter(email__iexact=email.strip()).first()
    if user is None or not user.is_active:
        raise ScreeningError(errors={"email": [_("No active account uses this e-mail address.")]})
    if not has_role(user, Role.VERIFIER, Role.HR):
        raise ScreeningError(
            errors={"email": [_("This account has neither the verifier nor the HR role.")]}
        )
    try:
        with transaction.atomic():
            assignment = PeriodAssignment.objects.create(period=period, user=user, duty=duty)
    except IntegrityError:
        raise ScreeningError(
            errors={"email": [_("This person already has this duty in this period.")]}
        ) from None
    _log_access("granted", actor=actor, user_id=user.pk, period_id=period.pk, duty=duty)
    return assignment


@transaction.atomic
def assignment_remove(*, assignment: PeriodAssignment, actor) -> None:
    if not has_role(actor, Role.HR):
        raise ScreeningError(_("Only HR staff can remove a screening duty."))
    user_id, period_id, duty = assignment.user_id, assignment.period_id, assignment.duty
    assignment.delete()
    _log_access("removed", actor=actor, user_id=user_id, period_id=period_id, duty=duty)


def _log_access(action: str, *, actor, user_id: int, period_id: int, duty: str) -> None:
    """Access to applicants' documents is granted here, and there is no table for its history:
    the log keeps who gave or took it (ids only, no e-mail addresses), once the change is
    committed, so a rolled-back grant is never reported."""
    actor_id = actor.pk
    transaction.on_commit(
        lambda: logger.info(
            "Screening duty %s: actor %s, user %s, period %s, duty %s",
            action,
            actor_id,
            user_id,
            period_id,
            duty,
        )
    )


# --- screening before the announcement -------------------------------------------------------


def lock_for_result_change(application: Application) -> Application:
    """Take the locks every change of an application's checks takes, in this order: the
    period row FOR SHARE, then the application row FOR UPDATE. Publishing an announcement locks
    the period row FOR UPDATE, so a change and a publication of the same period run one after
    the other (changes of different applications still run side by side); the same order
    everywhere keeps them from deadlocking. Returns the locked row."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(SelectionPeriod._meta.db_table)
        with connection.cursor() as cursor:
            # Django's select_for_update has no FOR SHARE.
            cursor.execute(
                f"SELECT 1 FROM {table} WHERE id = %s FOR SHARE",  # noqa: S608
                [application.period_id],
            )
    return Application.objects.select_for_update().get(pk=application.pk)


def _lock(application: Application) -> Application:
    """Lock the period and the application row for the rest of the transaction and refresh
    what we read."""
    locked = lock_for_result_change(application)
    for name in (
        "status",
        "admin_result",
        "announced_result",
        "exam_session_id",
        "screened_by_id",
        "screened_at",
        "confirmed_by_id",
        "confirmed_at",
        "priority_group",
        "declared_priority_group",
    ):
        setattr(application, name, getattr(locked, name))
    if application.status != Application.Status.SUBMITTED:
        raise ScreeningError(_("Only finalised applications are screened."))
    return application


def _after_change(application: Application, *, actor) -> None:
    """Derive the result, record who screened it, and drop the second check: it confirmed the
    checks as they were, so any change (a reason or a note too, not only the result) needs a
    new one."""
    application_recompute_admin_result(application=application)
    now = timezone.now()
    fields = {"screened_by": actor, "screened_at": now, "confirmed_by": None, "confirmed_at": None}
    Application.objects.filter(pk=application.pk).update(**fields)
    for name, value in fields.items():
        setattr(application, name, value)


@transaction.atomic
def screening_save(
    *, application: Application, actor, checks: list[CheckInput], version: str | None = None
) -> int:
    """Store the verifier's MS/TMS per required document before the announcement. TMS needs a
    reason. Each changed check is logged; the application's result is derived from the checks.
    `version` (from `screening_version`) refuses a save over someone else's newer one. Returns
    the number of checks changed."""
    _lock(application)
    if admin_announced(application.period):
        raise ScreeningError(
            _(
                "The administrative result is announced: screening is closed. Use a re-check "
                "during the appeal period or a correction."
            )
        )
    if version is not None and version != screening_version(application):
        raise ScreeningError(
            _(
                "Someone else saved this application while you were checking it. Reload the "
                "page, look at their result and save again."
            )
        )
    required = {item.pk: item for item in application.formation.required_documents.all()}
    errors = {}
    for item in checks:
        if item.requirement_id not in required:
            raise ScreeningError(_("This document is not required for the formation."))
        if item.result not in ("", *AdminResult.values):
            errors[f"result_{item.requirement_id}"] = [_("Choose MS or TMS.")]
        elif item.result == AdminResult.TMS and item.reason is None:
            errors[f"reason_{item.requirement_id}"] = [_("Choose the reason for TMS.")]
        elif item.reason is not None and not item.reason.is_active and item.result:
            errors[f"reason_{item.requirement_id}"] = [_("This reason is no longer in use.")]
    if errors:
        raise ScreeningError(errors=errors)

    existing = {
        check.requirement_id: check
        for check in DocumentCheck.objects.filter(application=application).select_related("reason")
    }
    current = dict(
        Document.objects.filter(application=application, is_current=True).values_list(
            "requirement_id", "pk"
        )
    )
    now = timezone.now()
    changed = 0
    for item in checks:
        old = existing.get(item.requirement_id)
        reason = item.reason if item.result == AdminResult.TMS else None
        if old is None and not item.result:
            continue
        if old is not None and (old.result, old.reason_id, old.note) == (
            item.result,
            reason.pk if reason else None,
            item.note,
        ):
            continue
        before = _label_of(old)
        if not item.result:
            old.delete()
        else:
            DocumentCheck.objects.update_or_create(
                application=application,
                requirement_id=item.requirement_id,
                defaults={
                    "document_id": current.get(item.requirement_id),
                    "result": item.result,
                    "reason": reason,
                    "note": item.note,
                    "checked_by": actor,
                    "checked_at": now,
                },
            )
        decision_log(
            application=application,
            kind=Decision.Kind.DOCUMENT_CHECK,
            actor=actor,
            subject=required[item.requirement_id].slug,
            before=before,
            after=check_label(item.result, reason),
            reason=item.note,
        )
        changed += 1
    if changed:
        _after_change(application, actor=actor)
    return changed


# --- second check ----------------------------------------------------------------------------


def _ensure_second_check(application: Application, actor) -> None:
    if not application.period.second_check_required:
        raise ScreeningError(_("This selection period has no second check."))
    if admin_announced(application.period):
        raise ScreeningError(_("The administrative result is announced: screening is closed."))
    if not application.admin_result or application.screened_at is None:
        raise ScreeningError(_("Every required document must be checked first."))
    if application.screened_by_id == actor.pk or _last_check_changed_by(application) == actor.pk:
        raise ScreeningError(_("You cannot confirm your own screening; another person must."))


def _last_check_changed_by(application: Application) -> int | None:
    """Who made the latest change to a document check, from the decision log (which keeps it
    even when screened_by has been reset)."""
    return (
        application.decisions.filter(kind=Decision.Kind.DOCUMENT_CHECK)
        .order_by("-pk")
        .values_list("actor_id", flat=True)
        .first()
    )


@transaction.atomic
def second_check_confirm(*, application: Application, actor, note: str = "") -> None:
    """A second checker (not the verifier who screened it) confirms the result."""
    _lock(application)
    _ensure_second_check(application, actor)
    if application.confirmed_at is not None:
        raise ScreeningError(_("This result is already confirmed."))
    now = timezone.now()
    Application.objects.filter(pk=application.pk).update(confirmed_by=actor, confirmed_at=now)
    application.confirmed_by, application.confirmed_at = actor, now
    decision_log(
        application=application,
        kind=Decision.Kind.SECOND_CHECK,
        actor=actor,
        subject="admin_result",
        before=application.admin_result,
        after=_("confirmed: %(result)s") % {"result": application.admin_result},
        reason=note,
    )


@transaction.atomic
def second_check_return(*, application: Application, actor, note: str) -> None:
    """Send the screening back to the verifiers with a note: it counts as not screened again."""
    if not note.strip():
        raise ScreeningError(errors={"note": [_("Say what must be checked again.")]})
    _lock(application)
    _ensure_second_check(application, actor)
    Application.objects.filter(pk=application.pk).update(
        screened_by=None, screened_at=None, confirmed_by=None, confirmed_at=None
    )
    application.screened_by = application.confirmed_by = None
    application.screened_at = application.confirmed_at = None
    decision_log(
        application=application,
        kind=Decision.Kind.SECOND_CHECK,
        actor=actor,
        subject="admin_result",
        before=application.admin_result,
        after=_("sent back"),
        reason=note.strip(),
    )


# --- PPPK priority group -----------------------------------------------------------------------


def priority_group_refusal(period: SelectionPeriod) -> str:
    """Why the committee cannot set an application's priority group now; "" when it can. The
    screening page asks this too, so that it offers the form exactly when the service accepts
    it."""
    if not period.is_pppk:
        return _("Only PPPK applications have a priority group.")
    if post_appeal_announced(period):
        return _(
            "The result after appeals has been announced and the scores are open: the priority "
            "group can no longer change."
        )
    return ""


@transaction.atomic
def priority_group_set(
    *, application: Application, actor, priority_group: str, note: str = ""
) -> bool:
    """The committee confirms the PPPK priority group the applicant declared, or sets the one
    the documents show (docs/domain.md 1.12): from the finalisation until the post-appeal
    announcement, when the scores open and the ranking reads it. A group other than the
    declared one needs a reason. Logged either way; the committee's group is the one the
    ranking uses. Returns True when the group changed, False when it was confirmed."""
    note = note.strip()
    _lock(application)
    refusal = priority_group_refusal(application.period)
    if refusal:
        raise ScreeningError(refusal)
    problem = rules.priority_group_refusal(application.period, priority_group)
    if problem:
        raise ScreeningError(errors={"priority_group": [problem]})
    if priority_group != application.declared_priority_group and not note:
        raise ScreeningError(
            errors={"note": [_("Say why the group differs from the one the applicant declared.")]}
        )
    before = application.priority_group
    last = priority_group_decision(application)
    if priority_group == before and last is not None and last.after == priority_group:
        raise ScreeningError(_("This priority group is already verified: nothing to change."))
    if priority_group != before:
        Application.objects.filter(pk=application.pk).update(priority_group=priority_group)
        application.priority_group = priority_group
    decision_log(
        application=application,
        kind=Decision.Kind.PRIORITY_GROUP,
        actor=actor,
        subject="priority_group",
        before=before,
        after=priority_group,
        reason=note,
    )
    return priority_group != before


# --- after the announcement ------------------------------------------------------------------


def _check_for_update(application: Application, requirement: DocumentRequirement):
    if not application.formation.required_documents.filter(pk=requirement.pk).exists():
        raise ScreeningError(
            errors={"requirement": [_("This document is not required for the formation.")]}
        )
    return (
        DocumentCheck.objects.select_for_update(of=("self",))
        .select_related("reason")
        .filter(application=application, requirement=requirement)
        .first()
    )


def recheck_refusal(period: SelectionPeriod, *, now=None) -> str:
    """Why a re-check is not possible now; "" when it is. The screening page asks this too, so
    that it offers the form exactly when the service accepts it."""
    window = rules.appeal_window(period)
    if window is None or not window.answering_open(now):
        return _("A re-check is possible only while the appeals of this period are answered.")
    if post_appeal_announced(period):
        return _(
            "The post-appeal result has been announced: a re-check is no longer possible. Use a "
            "correction."
        )
    return ""


@transaction.atomic
def recheck_flip(
    *,
    application: Application,
    requirement: DocumentRequirement,
    actor,
    reason: RejectionReason | None,
    note: str = "",
    now=None,
) -> None:
    """While appeals are answered, an MS document may be found TMS after all (docs/domain.md 1.4:
    BKN lets verifiers re-check MS files during the sanggah period). Only MS -> TMS, and only
    until the post-appeal announcement: after it, a change is HR's correction."""
    _lock(application)
    refusal = recheck_refusal(application.period, now=now)
    if refusal:
        raise ScreeningError(refusal)
    if reason is None:
        raise ScreeningError(errors={"reason": [_("Choose the reason for TMS.")]})
    check = _check_for_update(application, requirement)
    if check is None or check.result != AdminResult.MS:
        raise ScreeningError(
            errors={"requirement": [_("A re-check can only change an MS document to TMS.")]}
        )
    before = _label_of(check)
    check.result, check.reason, check.note = AdminResult.TMS, reason, note
    check.checked_by, check.checked_at = actor, timezone.now()
    check.save(update_fields=["result", "reason", "note", "checked_by", "checked_at"])
    decision_log(
        application=application,
        kind=Decision.Kind.RECHECK,
        actor=actor,
        subject=requirement.slug,
        before=before,
        after=check_label(AdminResult.TMS, reason),
        reason=note,
    )
    _after_change(application, actor=actor)


@transaction.atomic
def correction_apply(
    *,
    application: Application,
    requirement: DocumentRequirement,
    actor,
    result: str,
    reason: RejectionReason | None,
    note: str = "",
    correction_reason: str,
) -> None:
    """HR's explicit correction of one document check after the announcement, with the reason
    written to the decision log and the application's timeline.

    A correction is a public change: unlike the committee's working changes (appeal answers,
    re-checks), which wait for the next announcement, it is published at once. The corrected
    check's announced copy changes with it, the application's announced result is derived
    again from the announced checks (so no other unannounced change leaks out with it), and
    the applicant is e-mailed. A participant whose announced result is no longer MS after the
    post-appeal announcement loses their exam session."""
    if not has_role(actor, Role.HR):
        raise ScreeningError(_("Only HR staff can correct an announced result."))
    correction_reason = correction_reason.strip()
    errors = {}
    if not correction_reason:
        errors["correction_reason"] = [_("Say why this result is corrected.")]
    if result not in AdminResult.values:
        errors["result"] = [_("Choose MS or TMS.")]
    elif result == AdminResult.TMS and reason is None:
        errors["reason"] = [_("Choose the reason for TMS.")]
    if errors:
        raise ScreeningError(errors=errors)
    _lock(application)
    if not admin_announced(application.period):
        raise ScreeningError(
            _("The result is not announced yet: change it on the screening form instead.")
        )
    check = _check_for_update(application, requirement)
    reason = reason if result == AdminResult.TMS else None
    before = _label_of(check)
    after = check_label(result, reason)
    if check is not None and before == after and check.note == note:
        raise ScreeningError(_("This is already the document's result: nothing to correct."))
    now = timezone.now()
    current = (
        Document.objects.filter(application=application, requirement=requirement, is_current=True)
        .values_list("pk", flat=True)
        .first()
    )
    DocumentCheck.objects.update_or_create(
        application=application,
        requirement=requirement,
        defaults={
            "document_id": current,
            "result": result,
            "reason": reason,
            "note": note,
            "checked_by": actor,
            "checked_at": now,
            "announced_result": result,
            "announced_reason": reason,
            "announced_note": note,
        },
    )
    decision_log(
        application=application,
        kind=Decision.Kind.CORRECTION,
        actor=actor,
        subject=requirement.slug,
        before=before,
        after=after,
        reason=correction_reason,
    )
    _after_change(application, actor=actor)
    _publish_correction(application, actor=actor, reason=correction_reason, now=now)
    event = ApplicationEvent.objects.create(
        application=application,
        status=Milestone.CORRECTION,
        note=correction_reason,
        actor=actor,
        at=now,
    )

    event_notify([event.pk])


def _publish_correction(application: Application, *, actor, reason: str, now) -> None:
    """Derive the announced result from the announced checks; after the post-appeal
    announcement, a result that is no longer MS also ends the exam assignment."""
    required = set(application.formation.required_documents.values_list("pk", flat=True))
    announced = dict(
        DocumentCheck.objects.filter(application=application).values_list(
            "requirement_id", "announced_result"
        )
    )
    result = admin_result_from_checks(required, announced)
    fields = {}
    if result != application.announced_result:
        fields["announced_result"] = result
    if (
        result != AdminResult.MS
        and application.exam_session_id is not None
        and post_appeal_announced(application.period)
    ):
        session = application.exam_session
        fields["exam_session"] = None
        decision_log(
            application=application,
            kind=Decision.Kind.CORRECTION,
            actor=actor,
            subject="exam_session",
            before=str(session),
            after="",
            reason=reason,
        )
    if fields:
        Application.objects.filter(pk=application.pk).update(**fields)
        for name, value in fields.items():
            setattr(application, name, value)
