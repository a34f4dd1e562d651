"""Writes of the privacy app: consents, data-subject requests and their handling."""

import logging
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from core import outbox
from core.audit import audit_forget
from core.personaldata import ErasureReport, restrictable_records
from privacy.models import Consent, DataRequest, Purpose, Restriction
from privacy.retention import erasure_apply
from privacy.tasks import send_request_answer

logger = logging.getLogger(__name__)

SIGNUP_CONSENT_FIELD = "privacy_consent"


class PrivacyError(Exception):
    pass


# --- consent ---------------------------------------------------------------------------------


def consent_record_given(sender, *, user, purpose, **kwargs) -> Consent:
    """Receiver of `accounts.dataprotection.consent_given`: the person ticked the notice's
    consent box for `purpose` (before an application, before posting in the forums)."""
    return consent_record(user=user, purpose=purpose)


def consent_record(*, user: User, purpose: str, version: str | None = None) -> Consent:
    """Record that the user consents to `purpose` under the current notice. Safe to call twice:
    a live consent to the same version is returned as it is."""
    version = version or settings.PRIVACY_NOTICE_VERSION
    purpose = Purpose(purpose)
    existing = Consent.objects.filter(
        user=user, purpose=purpose, notice_version=version, withdrawn_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    consent = Consent(user=user, purpose=purpose, notice_version=version)
    consent.full_clean()
    try:
        with transaction.atomic():
            consent.save()
    except IntegrityError:
        # A concurrent request recorded the same consent first: the unique index decided.
        return Consent.objects.get(
            user=user, purpose=purpose, notice_version=version, withdrawn_at__isnull=True
        )
    logger.info("consent recorded: user=%s purpose=%s version=%s", user.pk, purpose, version)
    return consent


def consent_record_at_signup(sender, request, user, **kwargs) -> None:
    """allauth's user_signed_up: the sign-up form requires the consent checkbox, so a sign-up
    that went through it carries the consent. Anything else records nothing."""
    if request is not None and request.POST.get(SIGNUP_CONSENT_FIELD):
        consent_record(user=user, purpose=Purpose.SIGNUP)
    else:
        logger.warning("sign-up without the privacy consent field: user=%s", user.pk)


@transaction.atomic
def consent_withdraw(*, user: User, purposes=None) -> int:
    consents = Consent.objects.filter(user=user, withdrawn_at__isnull=True)
    if purposes:
        consents = consents.filter(purpose__in=purposes)
    count = consents.update(withdrawn_at=timezone.now())
    logger.info("consents withdrawn: user=%s count=%s", user.pk, count)
    return count


# --- requests --------------------------------------------------------------------------------


@transaction.atomic
def data_request_submit(*, user: User, kind: str, details: str = "") -> DataRequest:
    now = timezone.now()
    data_request = DataRequest(
        user=user,
        kind=DataRequest.Kind(kind),
        details=details.strip(),
        submitted_at=now,
        due_at=now + timedelta(hours=settings.RETENTION_REQUEST_DEADLINE_HOURS),
        log=[_log_entry(now, user, DataRequest.Status.RECEIVED, "submitted")],
    )
    data_request.full_clean()
    data_request.save()
    logger.info(
        "privacy request %s submitted: user=%s kind=%s due=%s",
        data_request.pk,
        user.pk,
        kind,
        data_request.due_at.isoformat(),
    )
    return data_request


# Kinds the portal can carry out by itself; a correction is made by HR in the right app.
CARRIED_OUT = (
    DataRequest.Kind.DELETION,
    DataRequest.Kind.RESTRICTION,
    DataRequest.Kind.LIFT_RESTRICTION,
    DataRequest.Kind.CONSENT_WITHDRAWAL,
)


@transaction.atomic
def data_request_handle(
    *, data_request: DataRequest, actor: User, status: str, outcome: str, carry_out: bool
) -> DataRequest:
    """HR's answer. With carry_out, the portal applies the request (deletion under the retention
    rules, restriction flags, consent withdrawal) and writes what it did into the outcome."""
    locked = DataRequest.objects.select_for_update().get(pk=data_request.pk)
    if locked.user_id == actor.pk:
        # Deciding on one's own data (and carrying out one's own deletion) needs a second person.
        raise PrivacyError(_("Another HR officer must answer your own request."))
    if not locked.is_open:
        raise PrivacyError(_("This request has already been answered."))
    now = timezone.now()
    status = DataRequest.Status(status)
    outcome = outcome.strip()
    action = "answered"
    if carry_out and locked.kind in CARRIED_OUT:
        text, status = _carry_out(locked, actor)
        outcome = f"{outcome}\n\n{text}".strip() if outcome else text
        action = f"carried out {locked.kind}"
    if status in DataRequest.CLOSED:
        if not outcome:
            raise PrivacyError(_("Write the outcome the person will read."))
        locked.handled_at = now
    locked.status = status
    locked.outcome = outcome
    locked.handled_by = actor
    locked.log = [*locked.log, _log_entry(now, actor, status, action)]
    locked.full_clean()
    locked.save()
    if status in DataRequest.CLOSED:
        outbox.dispatch(send_request_answer, locked.pk)
    logger.info(
        "privacy request %s handled: by=%s status=%s action=%s overdue=%s",
        locked.pk,
        actor.pk,
        status,
        action,
        now > locked.due_at,
    )
    return locked


def _carry_out(data_request: DataRequest, actor: User) -> tuple[str, str]:
    user = data_request.user
    if data_request.kind == DataRequest.Kind.DELETION:
        report = erasure_apply(user=user)
        _audit_forget(report)
        for category, object_id, reason in report.restricted:
            _restrict(user, category, object_id, reason, data_request)
        partial = report.restricted or report.kept_by_law
        status = DataRequest.Status.PARTLY_DONE if partial else DataRequest.Status.DONE
        return report.as_text(), status
    if data_request.kind == DataRequest.Kind.RESTRICTION:
        flagged = _restrict_everything(user, data_request)
        return restriction_outcome(flagged), DataRequest.Status.DONE
    if data_request.kind == DataRequest.Kind.LIFT_RESTRICTION:
        lifted = restrictions_lift(user=user)
        text = ngettext(
            "%(count)d restriction lifted: the portal processes your data again.",
            "%(count)d restrictions lifted: the portal processes your data again.",
            lifted,
        ) % {"count": lifted}
        return text, DataRequest.Status.DONE
    count = consent_withdraw(user=user)
    text = _(
        "%(count)d consents withdrawn. Processing that rests on another legal basis (a "
        "selection you applied to: public task and legal obligation) continues."
    ) % {"count": count}
    return text, DataRequest.Status.DONE


def _audit_forget(report: ErasureReport) -> None:
    """Blank what the audit trail recorded of the data just deleted (same transaction)."""
    by_fields = defaultdict(list)
    for model, pk, fields in report.forget:
        by_fields[fields].append((model, pk))
    for fields, objects in by_fields.items():
        audit_forget(objects, fields=fields)


def _restrict(user, category, object_id, reason, data_request) -> None:
    Restriction.objects.get_or_create(
        user=user,
        category=category,
        object_id=object_id,
        lifted_at=None,
        defaults={"reason": reason, "request": data_request},
    )


def _restrict_everything(user, data_request) -> list:
    """Flag what a restriction request covers (each app says what that is in its own records,
    core.personaldata.register_restrictable); the apps consult the flags through
    accounts.dataprotection (see restriction_outcome for what each one stops)."""
    flagged = []
    for category, object_id in restrictable_records(user):
        _restrict(user, category, object_id, "request", data_request)
        flagged.append(category)
    return list(dict.fromkeys(flagged))


def restriction_outcome(flagged) -> str:
    """What the person reads: what stops, and what continues under a legal obligation."""
    Category = Restriction.Category
    lines = [
        _("Processing restricted for: %(categories)s.")
        % {"categories": ", ".join(str(Category(category).label) for category in flagged)}
    ]
    if Category.APPLICATION in flagged or Category.APPLICANT_PROFILE in flagged:
        lines.append(
            _(
                "- Job applications: you receive no more e-mails about them and cannot start a "
                "new one; your results stay readable on the portal. A selection already under "
                "way is a legal obligation (PermenPANRB 6/2024): it continues for your "
                "application by its registration number unless you withdraw it."
            )
        )
    if Category.FORUMS in flagged:
        lines.append(
            _(
                "- Forums: you cannot post, reply, support, report or answer the survey, and "
                "receive no forum e-mails; what you posted stays as it is."
            )
        )
    lines.append(
        _(
            "- Employment records (for staff) are processed under the civil-service rules "
            "(legal obligation) and continue."
        )
    )
    lines.append(_("Ask for the restriction to be lifted on the “My data” page at any time."))
    return "\n".join(str(line) for line in lines)


def restrictions_lift(*, user: User) -> int:
    """Lift the restrictions the person asked for (not those that keep data after a deletion
    under a retention rule). Returns how many were lifted."""
    return Restriction.objects.filter(user=user, reason="request", lifted_at__isnull=True).update(
        lifted_at=timezone.now()
    )


def _log_entry(at, actor, status, action) -> dict:
    # The actor's id only: the log must not copy staff names into the person's export.
    return {"at": at.isoformat(), "by": actor.pk, "status": str(status), "action": action}
