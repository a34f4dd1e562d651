"""The applicant's side of an application: start, declare the PPPK priority group, finalise,
withdraw."""

import copy

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from accounts import dataprotection
from accounts.roles import STAFF_ROLES, has_role
from core import outbox, pagecache
from recruitment import rules
from recruitment.models import (
    ApplicantProfile,
    Application,
    ApplicationEvent,
    Document,
    Formation,
    PriorityGroup,
)
from recruitment.selectors.eligibility import check_eligibility
from recruitment.tasks import send_status_email

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone


class ApplicationError(Exception):
    """A rule refused the action; the message says why, in the active language."""


def _ensure_open(formation: Formation) -> None:
    refusal = rules.registration_refusal(formation)
    if refusal:
        raise ApplicationError(refusal)


def _event(application: Application, *, actor, note: str = "") -> None:
    ApplicationEvent.objects.create(
        application=application, status=application.status, actor=actor, note=note
    )


def _ensure_priority_group(period, group: str) -> None:
    refusal = rules.priority_group_refusal(period, group)
    if refusal:
        raise ApplicationError(refusal)


@transaction.atomic
def application_start(
    *,
    user,
    formation: Formation,
    consent_given: bool = False,
    priority_group: str = PriorityGroup.UMUM,
) -> Application:
    """Open a draft application. One per applicant per period: a second one, even from a
    parallel request, is refused by the database constraint and explained here. With
    `consent_given` (the applicant ticked the privacy notice's box) the consent is recorded in
    the same transaction as the application. `priority_group`: the PPPK priority group the
    applicant declares (a CPNS application stays in the general group)."""
    _ensure_open(formation)
    _ensure_priority_group(formation.period, priority_group)
    restricted = dataprotection.Category.APPLICATION, dataprotection.Category.APPLICANT_PROFILE
    if any(dataprotection.is_restricted(user, category) for category in restricted):
        raise ApplicationError(dataprotection.restricted_message())
    if has_role(user, *STAFF_ROLES):
        # They can read every application: a conflict of interest.
        raise ApplicationError(
            _(
                "Accounts with a back-office role (HR, moderator, administrator) cannot apply. "
                "Apply with a personal account that has no such role."
            )
        )
    profile = ApplicantProfile.objects.filter(user=user).first()
    eligibility = check_eligibility(profile, formation)
    if not eligibility.eligible:
        raise ApplicationError(" ".join(eligibility.reasons))
    application = Application(
        applicant=user,
        period=formation.period,
        formation=formation,
        budget_year=formation.period.year,
        # Until the committee verifies it (services.screening.priority_group_set).
        priority_group=priority_group,
        declared_priority_group=priority_group,
    )
    application.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            application.save()
            if consent_given:
                dataprotection.consent_given.send(
                    sender=Application, user=user, purpose=dataprotection.Purpose.APPLICATION
                )
    except IntegrityError:
        raise ApplicationError(
            _(
                "You already have an application in this budget year. One applicant may apply "
                "to one procurement type, one institution and one formation per year "
                "(PermenPANRB 6/2024)."
            )
        ) from None
    _event(application, actor=user)
    return application


def priority_group_declare_refusal(application: Application, now=None) -> str | None:
    """Why the applicant cannot change the application's priority group now, or None: only a
    PPPK draft while its registration is open. The page asks this too, so that it offers the
    form exactly when the service accepts it."""
    if not application.period.is_pppk:
        return _("Only PPPK applications have a priority group.")
    if application.status == Application.Status.SUBMITTED:
        return _("You have finalised this application; its priority group can no longer change.")
    if application.status != Application.Status.DRAFT:
        return _("This application has been withdrawn; its priority group can no longer change.")
    return rules.registration_refusal(application.formation, now, period=application.period)


@transaction.atomic
def application_priority_group_declare(
    *, application: Application, user, priority_group: str
) -> Application:
    """The applicant changes the PPPK priority group of their draft while registration is open.
    The committee's group follows it until screening (docs/domain.md 1.12)."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.applicant_id != user.pk:
        raise ApplicationError(_("Only the applicant can declare their priority group."))
    application.status = locked.status
    refusal = priority_group_declare_refusal(application)
    if refusal:
        raise ApplicationError(refusal)
    _ensure_priority_group(application.period, priority_group)
    Application.objects.filter(pk=locked.pk).update(
        priority_group=priority_group, declared_priority_group=priority_group
    )
    application.priority_group = application.declared_priority_group = priority_group
    return application


def missing_documents(application: Application) -> list:
    """The formation's required documents with no current upload, in the formation's order: one
    query."""
    uploaded = Document.objects.filter(application=application, is_current=True).values(
        "requirement_id"
    )
    return list(application.formation.required_documents.exclude(pk__in=uploaded))


def _audit_finalisation(before: Application, after: Application) -> None:
    """The audit trail's entry for the finalisation, as a save() would have written it: the claim
    is one conditional UPDATE (no model signal), so the entry is written here, from the values
    before and after, without reading the row back."""
    from auditlog.context import auditlog_disabled
    from auditlog.diff import model_instance_diff
    from auditlog.models import LogEntry

    if auditlog_disabled.get():  # the demo data are written without a trail
        return
    changes = model_instance_diff(before, after, fields_to_check=_FINALISED_FIELDS)
    if changes:
        LogEntry.objects.log_create(after, action=LogEntry.Action.UPDATE, changes=changes)


_FINALISED_FIELDS = (
    "status",
    "submitted_at",
    "registration_number",
    "verification_code",
    "applicant_nik",
)


@transaction.atomic
def application_finalise(*, application: Application, user) -> Application:
    """'Akhiri pendaftaran': checks, then claims the draft with one conditional UPDATE that also
    writes the registration number, the verification code and the NIK, so that a double click
    or a race finalises once. Nothing can change afterwards.

    On the request path only what the finalisation needs (the deadline surge: docs/performance.md):
    the checks read the profile and the missing documents (a query each), the claim is one
    UPDATE, then its event, its audit entry and the status e-mail's task row (core.outbox,
    durable: the e-mail is rendered and sent by the worker after the commit)."""
    formation = application.formation
    period = application.period
    if formation.period_id == period.pk:
        formation.period = period  # loaded once (the eligibility check reads it too)
    _ensure_open(formation)
    profile = ApplicantProfile.objects.filter(user_id=application.applicant_id).first()
    eligibility = check_eligibility(profile, formation)
    if not eligibility.eligible:
        raise ApplicationError(" ".join(eligibility.reasons))
    missing = missing_documents(application)
    if missing:
        raise ApplicationError(
            _("Upload these documents first: %(list)s.")
            % {"list": ", ".join(str(req) for req in missing)}
        )
    before = copy.copy(application)
    values = {
        "status": Application.Status.SUBMITTED,
        "submitted_at": timezone.now(),
        "registration_number": f"RKP-{period.year}-{application.pk:06d}",
        "verification_code": get_random_string(12, allowed_chars=CODE_ALPHABET),
        # The NIK as sent: one person (not one account) applies once per year.
        "applicant_nik": profile.nik,
    }
    # No savepoint: on a refused NIK the ApplicationError leaves this atomic block, which rolls
    # back, and nothing else is read or written before that.
    try:
        # On the public pages a finalisation is one more "registered": counted within seconds,
        # not on every request of a deadline's crowd (PUBLIC_COUNTS_LAG_SECONDS).
        with pagecache.counts_lag():
            claimed = Application.objects.filter(
                pk=application.pk, status=Application.Status.DRAFT
            ).update(**values)
    except IntegrityError:
        raise ApplicationError(
            _(
                "This NIK has already been used for an application this year. If it is yours "
                "and you did not apply, contact the selection committee's helpdesk."
            )
        ) from None
    if claimed != 1:
        application.refresh_from_db()
        raise ApplicationError(_("This application has already been finalised or withdrawn."))
    before.status = Application.Status.DRAFT
    for name, value in values.items():
        setattr(application, name, value)
    _event(application, actor=user)
    _audit_finalisation(before, application)
    outbox.dispatch(send_status_email, application.pk)
    return application


@transaction.atomic
def application_withdraw(*, application: Application, user, reason: str) -> Application | None:
    """Withdrawal (APS), only before the registration deadline. A draft was never sent: it is
    discarded instead (returns None), so the applicant may still choose another formation."""
    if not application.period.registration_window_open():
        raise ApplicationError(_("The registration deadline has passed: withdrawal is closed."))
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status == Application.Status.DRAFT:
        files = [document.file for document in locked.documents.all()]
        locked.delete()
        transaction.on_commit(lambda: [file.delete(save=False) for file in files])
        return None
    claimed = Application.objects.filter(
        pk=application.pk,
        status__in=[Application.Status.DRAFT, Application.Status.SUBMITTED],
    ).update(status=Application.Status.WITHDRAWN, withdrawn_at=timezone.now())
    if claimed != 1:
        raise ApplicationError(_("This application has already been withdrawn."))
    application.refresh_from_db()
    _event(application, actor=user, note=reason)
    outbox.dispatch(send_status_email, application.pk)
    return application
