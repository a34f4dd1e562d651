"""Retention rules, shared by the scheduled job and by deletion requests.

Applicants' documents and identity data are kept for RETENTION_APPLICANT_DAYS after their
selection period's final announcement (the selection may be audited or contested until then).
After that, for applicants who were not hired:

- every Document (all versions) is deleted, row and file;
- Application.applicant_nik is cleared; the registration number and the result codes stay, so the
  public announcement and the card verification keep working;
- the ApplicantProfile (NIK, KK, address...) is deleted when the person has no other application.

A period without a final announcement is never touched. Files are removed only once the
database transaction has committed, so a rollback never leaves rows pointing at missing files.
"""

import logging
import secrets
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from privacy.models import RetentionRun
from rakumpit_asn.audit import audit_forget
from rakumpit_asn.pagecache import invalidate_on_commit
from recruitment.models import (
    Announcement,
    ApplicantProfile,
    Application,
    Document,
    ExamResult,
    FinalCode,
)
from workforce.models import Employee

logger = logging.getLogger(__name__)

HIRED_CODES = (FinalCode.L, FinalCode.L1, FinalCode.L2)
BATCH_SIZE = 200
# SQLite only (no advisory locks): an open run row older than this was abandoned.
STALE_RUN = timedelta(hours=2)
# pg_try_advisory_lock key of the applying run ("RKRT").
RETENTION_LOCK_KEY = 0x524B5254


class RetentionAlreadyRunning(Exception):
    pass


def retention_cutoff(now=None):
    return (now or timezone.now()) - timedelta(days=settings.RETENTION_APPLICANT_DAYS)


def applications_past_retention(now=None):
    """Applications whose period's final announcement is older than the retention period and
    whose applicant was not hired (no L, L-1 or L-2)."""
    return (
        Application.objects.filter(
            period__announcements__kind=Announcement.Kind.FINAL,
            period__announcements__published_at__lte=retention_cutoff(now),
        )
        .exclude(exam_result__final_code__in=HIRED_CODES)
        .distinct()
    )


def delete_files_on_commit(names) -> None:
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: _delete_files(names))


def _delete_files(names) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.exception("retention: could not delete file %s", name)


# --- the scheduled job -----------------------------------------------------------------------


@dataclass
class RetentionPlan:
    applications: list[int] = field(default_factory=list)  # NIK to clear / documents to delete
    documents: list[int] = field(default_factory=list)
    profiles: list[int] = field(default_factory=list)

    def counts(self) -> dict:
        return {
            "applications": len(self.applications),
            "documents": len(self.documents),
            "profiles": len(self.profiles),
        }

    def details(self) -> dict:
        return {
            "applications": self.applications,
            "documents": self.documents,
            "profiles": self.profiles,
        }


def retention_plan(now=None) -> RetentionPlan:
    """What an applied run would change, without changing anything."""
    past = applications_past_retention(now)
    # Only applications with something left to remove: a second run plans nothing.
    pending = past.filter(Q(applicant_nik__isnull=False) | Q(documents__isnull=False)).distinct()
    applications = sorted(pending.values_list("pk", flat=True))
    documents = sorted(
        Document.objects.filter(application__in=past.values("pk")).values_list("pk", flat=True)
    )
    users = set(past.values_list("applicant_id", flat=True))
    # A profile serves every application of its owner: keep it while any other application
    # (a newer one, or one that was hired) still needs it.
    needed = set(
        Application.objects.filter(applicant_id__in=users)
        .exclude(pk__in=past.values("pk"))
        .values_list("applicant_id", flat=True)
    )
    profiles = sorted(
        ApplicantProfile.objects.filter(user_id__in=users - needed).values_list("pk", flat=True)
    )
    return RetentionPlan(applications=applications, documents=documents, profiles=profiles)


def retention_run(*, apply: bool, actor: User | None = None, triggered_by="scheduler", log=None):
    """Plan (and, with apply, carry out) the retention rules; record the run. `log` is an
    optional callable that receives progress lines (the management command prints them)."""
    if not apply:
        return _run(apply=False, actor=actor, triggered_by=triggered_by, log=log)
    with _run_lock():
        return _run(apply=True, actor=actor, triggered_by=triggered_by, log=log)


def _run(*, apply: bool, actor, triggered_by, log):
    say = log or (lambda line: None)
    now = timezone.now()
    if apply:
        try:
            with transaction.atomic():
                run = RetentionRun.objects.create(
                    dry_run=False, actor=actor, triggered_by=triggered_by, started_at=now
                )
        except IntegrityError as exc:
            raise RetentionAlreadyRunning(_("Another retention run is in progress.")) from exc
    else:
        run = RetentionRun.objects.create(
            dry_run=True, actor=actor, triggered_by=triggered_by, started_at=now
        )
    plan = retention_plan(now)
    counts = plan.counts()
    say(
        f"plan: {counts['applications']} applications, {counts['documents']} documents, "
        f"{counts['profiles']} applicant profiles"
    )
    try:
        if apply:
            _apply(plan, now, say)
    except Exception as exc:
        run.error = repr(exc)[:2000]
        run.finished_at = timezone.now()
        run.counts = counts
        run.save(update_fields=["error", "finished_at", "counts"])
        logger.exception("retention run %s failed", run.pk)
        raise
    run.counts = counts
    run.details = plan.details()
    run.finished_at = timezone.now()
    run.save(update_fields=["counts", "details", "finished_at"])
    logger.info(
        "retention run %s (%s, %s): %s",
        run.pk,
        "applied" if apply else "dry run",
        triggered_by,
        counts,
    )
    return run


@contextmanager
def _run_lock():
    """One applying run at a time, for as long as it runs. On PostgreSQL a session advisory
    lock: it ends with the run, or with the worker's connection if the worker is killed, so no
    time limit has to guess when a run was abandoned. (A session lock needs a session-pooled or
    direct connection, not a transaction-pooling bouncer.)"""
    if connection.vendor != "postgresql":
        # SQLite (development only): no advisory locks. The unique open-run row is the guard,
        # and a row left open by a killed run stops blocking after STALE_RUN.
        _close_stale_runs(timezone.now(), older_than=STALE_RUN)
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [RETENTION_LOCK_KEY])
        (locked,) = cursor.fetchone()
    if not locked:
        raise RetentionAlreadyRunning(_("Another retention run is in progress."))
    try:
        # With the lock held, an open run row can only be a killed worker's.
        _close_stale_runs(timezone.now())
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [RETENTION_LOCK_KEY])


def _close_stale_runs(now, older_than: timedelta | None = None) -> None:
    runs = RetentionRun.objects.filter(dry_run=False, finished_at__isnull=True)
    if older_than is not None:
        runs = runs.filter(started_at__lt=now - older_than)
    runs.update(finished_at=now, error="abandoned")


def _apply(plan: RetentionPlan, now, say) -> None:
    """Carry out a plan. A run may take long, and the plan was made at its start: each batch
    locks its rows and re-applies the rules to them, and removes only what still qualifies (a
    result corrected to L since, a new application started since)."""
    application_ids = sorted(
        set(plan.applications)
        # Documents of applications whose NIK was already cleared (an interrupted earlier run).
        | set(
            Document.objects.filter(pk__in=plan.documents).values_list("application_id", flat=True)
        )
    )
    kept = 0
    for start in range(0, len(application_ids), BATCH_SIZE):
        batch = application_ids[start : start + BATCH_SIZE]
        with transaction.atomic():
            kept += len(batch) - _apply_applications(batch, now)
        say(f"applications {start + len(batch)}/{len(application_ids)} done")
    deleted = 0
    profile_ids = sorted(plan.profiles)
    for start in range(0, len(profile_ids), BATCH_SIZE):
        with transaction.atomic():
            deleted += _apply_profiles(profile_ids[start : start + BATCH_SIZE], now)
    say(f"{deleted} applicant profiles deleted")
    if kept or deleted != len(profile_ids):
        say(
            f"kept since the plan: {kept} applications, "
            f"{len(profile_ids) - deleted} applicant profiles"
        )


def _apply_applications(batch: list[int], now) -> int:
    """Clear the NIK and delete the documents of the applications in `batch` that still
    qualify; returns how many did. The caller holds the transaction."""
    # FOR UPDATE on the applications and their results: a correction of the result (an UPDATE,
    # or an INSERT referencing the application) waits for this batch, or this batch for it.
    locked = list(
        Application.objects.select_for_update()
        .filter(pk__in=batch)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    list(
        ExamResult.objects.select_for_update()
        .filter(application_id__in=locked)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    still = list(
        applications_past_retention(now).filter(pk__in=locked).values_list("pk", flat=True)
    )
    documents = Document.objects.filter(application_id__in=still)
    document_ids = list(documents.values_list("pk", flat=True))
    documents_delete(documents)
    Application.objects.filter(pk__in=still).update(applicant_nik=None)
    audit_forget([(Document, pk) for pk in document_ids])
    audit_forget([(Application, pk) for pk in still], fields=["applicant_nik"])
    return len(still)


def _apply_profiles(batch: list[int], now) -> int:
    """Delete the profiles in `batch` whose owner still has no application outside retention;
    returns how many. The caller holds the transaction."""
    users = list(ApplicantProfile.objects.filter(pk__in=batch).values_list("user_id", flat=True))
    # FOR UPDATE on the owners: starting an application inserts a row referencing the user
    # (FOR KEY SHARE), which conflicts, so a new application is either seen here or waits.
    list(
        User.objects.select_for_update()
        .filter(pk__in=users)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    needed = (
        Application.objects.filter(applicant_id__in=users)
        .exclude(pk__in=applications_past_retention(now).values("pk"))
        .values("applicant_id")
    )
    profile_ids = list(
        ApplicantProfile.objects.select_for_update()
        .filter(pk__in=batch)
        .exclude(user_id__in=needed)
        .values_list("pk", flat=True)
    )
    ApplicantProfile.objects.filter(pk__in=profile_ids).delete()
    audit_forget([(ApplicantProfile, pk) for pk in profile_ids])
    return len(profile_ids)


def documents_delete(documents) -> int:
    """Delete document rows (all versions) and, after commit, their files."""
    names = list(documents.values_list("file", flat=True))
    documents.delete()
    delete_files_on_commit(names)
    return len(names)


# --- a deletion request ----------------------------------------------------------------------


@dataclass
class ErasureReport:
    deleted: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # "what: why"
    restricted: list[tuple[str, int | None, str]] = field(default_factory=list)
    # Records a law requires us to keep and go on processing (employment): the deletion is partial.
    kept_by_law: bool = False
    # Records whose earlier audit entries are to be blanked once the erasure is done:
    # (model, pk, fields), fields None for the whole record (rakumpit_asn.audit.audit_forget).
    forget: list[tuple[type, int, tuple[str, ...] | None]] = field(default_factory=list)

    def forget_all(self, model, pks) -> None:
        self.forget += [(model, pk, None) for pk in pks]

    def as_text(self) -> str:
        lines = []
        if self.deleted:
            lines.append(_("Deleted or anonymised:"))
            lines += [f"- {item}" for item in self.deleted]
        if self.kept:
            lines.append(_("Kept, and why:"))
            lines += [f"- {item}" for item in self.kept]
        if not lines:
            lines.append(_("The portal held nothing that could be deleted."))
        return "\n".join(lines)


def erasure_apply(*, user: User) -> ErasureReport:
    """Delete what no legal retention requires; list what is kept and why. The caller holds the
    transaction (privacy.services.data_request_handle)."""
    from privacy.models import Restriction

    report = ErasureReport()
    now = timezone.now()
    cutoff = retention_cutoff(now)
    finals = dict(
        Announcement.objects.filter(
            kind=Announcement.Kind.FINAL, period__applications__applicant=user
        ).values_list("period_id", "published_at")
    )
    kept_applications = False
    for application in user.applications.select_related(
        "period", "exam_result", "formation__position"
    ):
        label = application.registration_number or str(application.formation)
        result = getattr(application, "exam_result", None)
        if application.submitted_at is None:
            report.forget_all(Document, application.documents.values_list("pk", flat=True))
            report.forget_all(Application, [application.pk])
            count = documents_delete(application.documents.all())
            application.delete()
            report.deleted.append(
                _("draft application %(label)s (%(period)s) and its %(count)d files")
                % {"label": label, "period": application.period, "count": count}
            )
        elif result is not None and result.final_code in HIRED_CODES:
            kept_applications = True
            report.kept.append(
                _(
                    "application %(label)s: you were appointed, so the selection record is part "
                    "of your employment file (legal obligation, PP 11/2017)"
                )
                % {"label": label}
            )
            report.restricted.append((Restriction.Category.APPLICATION, application.pk, "hired"))
        elif application.period_id in finals and finals[application.period_id] <= cutoff:
            report.forget_all(Document, application.documents.values_list("pk", flat=True))
            report.forget.append((Application, application.pk, ("applicant_nik",)))
            count = documents_delete(application.documents.all())
            Application.objects.filter(pk=application.pk).update(applicant_nik=None)
            report.deleted.append(
                _(
                    "application %(label)s: %(count)d files and the NIK; the registration number "
                    "and result stay in the public announcement"
                )
                % {"label": label, "count": count}
            )
        else:
            kept_applications = True
            if application.period_id in finals:
                until = finals[application.period_id] + timedelta(
                    days=settings.RETENTION_APPLICANT_DAYS
                )
                why = _(
                    "the selection's retention period runs until %(date)s (it can still be "
                    "audited or contested; public task, PP 11/2017 and PermenPANRB 6/2024)"
                ) % {"date": timezone.localtime(until).strftime("%Y-%m-%d")}
            else:
                why = _(
                    "the selection is not finished yet (no final announcement); its documents "
                    "are kept until the retention period after it"
                )
            report.kept.append(
                _("application %(label)s and its documents: %(why)s") % {"label": label, "why": why}
            )
            report.restricted.append(
                (Restriction.Category.APPLICATION, application.pk, "retention")
            )

    profile = ApplicantProfile.objects.filter(user=user).first()
    if profile is not None:
        if kept_applications:
            report.kept.append(
                _("applicant profile (NIK, KK, education): needed by the applications kept")
            )
            report.restricted.append(
                (Restriction.Category.APPLICANT_PROFILE, profile.pk, "retention")
            )
        else:
            report.forget_all(ApplicantProfile, [profile.pk])
            profile.delete()
            report.deleted.append(_("applicant profile (NIK, KK, address, education)"))

    employee = Employee.objects.filter(user=user).first()
    if employee is not None:
        report.kept_by_law = True
        report.kept.append(
            _(
                "employment records (employee register, training, performance): kept under "
                "the civil-service archive rules (legal obligation)"
            )
        )

    _erase_forums(user=user, report=report)
    _erase_training_invitations(user=user, report=report)

    withdrawn = user.privacy_consents.filter(withdrawn_at__isnull=True).update(withdrawn_at=now)
    if withdrawn:
        report.deleted.append(
            ngettext("%(count)d consent withdrawn", "%(count)d consents withdrawn", withdrawn)
            % {"count": withdrawn}
        )

    if user.phone:
        user.phone = ""
        user.save(update_fields=["phone"])
        report.deleted.append(_("phone number on your account"))
    report.forget.append((User, user.pk, ("phone",)))
    report.kept.append(
        _(
            "your sign-in account (e-mail and name): needed to sign in and read this answer; "
            "ask us to close it when you no longer need it"
        )
    )
    return report


def _erase_forums(*, user: User, report: ErasureReport) -> None:
    from forums.models import (
        Comment,
        DigestDelivery,
        Follow,
        IkmResponse,
        ModerationAction,
        Notification,
        Report,
        SessionRegistration,
        Support,
        Suspension,
        Topic,
    )

    topics = Topic.objects.filter(author=user)
    comments = Comment.objects.filter(author=user)
    responses = IkmResponse.objects.filter(respondent=user)
    reports = Report.objects.filter(reporter=user)
    actions = ModerationAction.objects.filter(target_user=user)
    suspensions = Suspension.objects.filter(user=user)
    anonymise = [topics, comments, responses, reports, actions, suspensions]
    if any(qs.exists() for qs in anonymise):
        stand_in = _stand_in_user()
        # The logged author links would still tie the anonymised records to the person.
        for model, records, fields in (
            (Topic, topics, ("author", "photo")),
            (Comment, comments, ("author",)),
            (IkmResponse, responses, ("respondent",)),
        ):
            report.forget += [(model, pk, fields) for pk in records.values_list("pk", flat=True)]
        photos = list(
            topics.exclude(photo="").exclude(photo__isnull=True).values_list("photo", flat=True)
        )
        n_topics = topics.update(author=stand_in, photo=None)
        invalidate_on_commit("forums")  # cached forum pages show the name and the photo
        delete_files_on_commit(photos)
        n_comments = comments.update(author=stand_in)
        n_responses = responses.update(respondent=stand_in)
        reports.update(reporter=stand_in)
        actions.update(target_user=stand_in)
        suspensions.update(user=stand_in)
        report.deleted.append(
            _(
                "forums: %(topics)d topics (%(photos)d photos deleted), %(comments)d comments "
                "and %(responses)d survey answers are no longer linked to you (shown as a "
                "former participant); the texts stay because others replied to them"
            )
            % {
                "topics": n_topics,
                "photos": len(photos),
                "comments": n_comments,
                "responses": n_responses,
            }
        )
    supports = Support.objects.filter(user=user)
    supported = list(supports.values_list("topic_id", flat=True))
    if supported:
        Topic.objects.filter(pk__in=supported).update(
            support_count=Greatest(F("support_count") - 1, 0)
        )
    removed = supports.delete()[0]
    removed += Follow.objects.filter(user=user).delete()[0]
    removed += SessionRegistration.objects.filter(user=user).delete()[0]
    removed += Notification.objects.filter(user=user).delete()[0]
    removed += DigestDelivery.objects.filter(user=user).delete()[0]
    if removed:
        report.deleted.append(
            _("forums: %(count)d supports, follows, registrations and e-mail records")
            % {"count": removed}
        )


def _erase_training_invitations(*, user: User, report: ErasureReport) -> None:
    from training.models import SessionGuest

    count = SessionGuest.objects.filter(user=user).delete()[0]
    if count:
        report.deleted.append(_("%(count)d training-session invitations") % {"count": count})


def _stand_in_user() -> User:
    """A fresh, inactive account that takes over a person's forum records, so the public
    discussion stays readable while no longer pointing at them."""
    stand_in = User(
        email=f"former-{secrets.token_hex(8)}@deleted.invalid",
        full_name=str(_("Former participant")),
        is_active=False,
    )
    stand_in.set_unusable_password()
    stand_in.full_clean(exclude=["password"])
    stand_in.save()
    return stand_in
