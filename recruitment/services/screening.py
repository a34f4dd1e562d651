"""The administrative screening (DOMAIN.md 1.4): who screens a period, the verifier's MS/TMS on
each required document, the second check, and what may still change once the result is
announced (a re-check MS -> TMS while appeals are answered; HR's explicit correction). Every
change is written to the decision log with before, after and who."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
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
from recruitment.selectors.screening import admin_announced, screening_version
from recruitment.services.decisions import application_recompute_admin_result, decision_log


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
            return PeriodAssignment.objects.create(period=period, user=user, duty=duty)
    except IntegrityError:
        raise ScreeningError(
            errors={"email": [_("This person already has this duty in this period.")]}
        ) from None


@transaction.atomic
def assignment_remove(*, assignment: PeriodAssignment, actor) -> None:
    assignment.delete()


# --- screening before the announcement -------------------------------------------------------


def _lock(application: Application) -> Application:
    """Lock the application row for the rest of the transaction and refresh what we read."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    for name in ("status", "admin_result", "screened_by_id", "screened_at", "confirmed_by_id"):
        setattr(application, name, getattr(locked, name))
    application.confirmed_at = locked.confirmed_at
    if application.status != Application.Status.SUBMITTED:
        raise ScreeningError(_("Only finalised applications are screened."))
    return application


def _after_change(application: Application, *, actor, previous_result: str) -> None:
    """Derive the result, record who screened it, and drop a confirmation that no longer
    matches the result."""
    result = application_recompute_admin_result(application=application)
    now = timezone.now()
    fields = {"screened_by": actor, "screened_at": now}
    if result != previous_result:
        fields |= {"confirmed_by": None, "confirmed_at": None}
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
    previous_result = application.admin_result
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
        _after_change(application, actor=actor, previous_result=previous_result)
    return changed


# --- second check ----------------------------------------------------------------------------


def _ensure_second_check(application: Application, actor) -> None:
    if not application.period.second_check_required:
        raise ScreeningError(_("This selection period has no second check."))
    if admin_announced(application.period):
        raise ScreeningError(_("The administrative result is announced: screening is closed."))
    if not application.admin_result or application.screened_at is None:
        raise ScreeningError(_("Every required document must be checked first."))
    if application.screened_by_id == actor.pk:
        raise ScreeningError(_("You cannot confirm your own screening; another person must."))


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
    """While appeals are answered, an MS document may be found TMS after all (DOMAIN.md 1.4:
    BKN lets verifiers re-check MS files during the sanggah period). Only MS -> TMS."""
    _lock(application)
    window = rules.appeal_window(application.period)
    if window is None or not window.answering_open(now):
        raise ScreeningError(
            _("A re-check is possible only while the appeals of this period are answered.")
        )
    if reason is None:
        raise ScreeningError(errors={"reason": [_("Choose the reason for TMS.")]})
    check = _check_for_update(application, requirement)
    if check is None or check.result != AdminResult.MS:
        raise ScreeningError(
            errors={"requirement": [_("A re-check can only change an MS document to TMS.")]}
        )
    previous_result, before = application.admin_result, _label_of(check)
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
    _after_change(application, actor=actor, previous_result=previous_result)


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
    written to the decision log and the application's timeline."""
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
    previous_result = application.admin_result
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
            "checked_at": timezone.now(),
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
    ApplicationEvent.objects.create(
        application=application,
        status=Milestone.CORRECTION,
        note=correction_reason,
        actor=actor,
    )
    _after_change(application, actor=actor, previous_result=previous_result)
