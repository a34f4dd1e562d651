"""The recruitment app's personal data (UU 27/2022 PDP): what it holds about applicants, and how
it is exported, erased, restricted and retained. Registered in RecruitmentConfig.ready().

Retention: applicants' documents and identity data are kept for RETENTION_APPLICANT_DAYS after
their selection period's final announcement (the selection may be audited or contested until
then). After that, for applicants who were not hired:

- every Document (all versions) is deleted, row and file;
- Application.applicant_nik is cleared; the registration number and the result codes stay, so the
  public announcement and the card verification keep working;
- the ApplicantProfile (NIK, KK, address...) is deleted when the person has no other application.

A period without a final announcement is never touched. Files are removed only once the
database transaction has committed, so a rollback never leaves rows pointing at missing files.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.dataprotection import Category
from core import audit, personaldata
from core.audit import audit_forget
from core.personaldata import (
    Erasure,
    Export,
    RetentionPlan,
    RetentionRule,
    declare,
    has_related,
)
from recruitment.models import (
    PASSED_CODES,
    Announcement,
    Appeal,
    ApplicantProfile,
    Application,
    ApplicationEvent,
    Appointment,
    Decision,
    Document,
    DocumentCheck,
    ExamResult,
    ExamSession,
    OptimisationOffer,
    PeriodAssignment,
    ScoreImport,
    SkbPart,
    StatusNotification,
)

# Who passed (in their formation or by optimisation) may be appointed: their selection record
# becomes part of the employment file.
HIRED_CODES = PASSED_CODES
BATCH_SIZE = 200
STAFF_RECORD = "A record of a public body's work (who decided what, when): kept with the selection."


def register() -> None:
    applicant = "application__applicant"
    declare(
        ApplicantProfile,
        subject="user",
        fields=(
            "user",
            "nik",
            "kk_number",
            "name_on_ktp",
            "birth_place",
            "birth_date",
            "address",
            "phone",
        ),
        erasure=Erasure.DELETED,
        note="Deleted with the person's last application outside retention.",
    )
    declare(
        Application,
        subject="applicant",
        fields=("applicant", "applicant_nik", "screened_by", "confirmed_by"),
        erasure=Erasure.ANONYMISED,
        note="A draft is deleted; after retention the NIK is cleared, the result stays public.",
    )
    for model, fields in (
        (ApplicationEvent, ("actor",)),
        (DocumentCheck, ("checked_by",)),
        (Decision, ("actor",)),
        (Appeal, ("answered_by",)),
        (OptimisationOffer, ("decided_by",)),
    ):
        declare(model, subject=applicant, fields=fields, erasure=Erasure.WITH_PARENT)
    declare(Document, subject=applicant, fields=("file",), erasure=Erasure.DELETED)
    declare(StatusNotification, subject=applicant, fields=(), erasure=Erasure.WITH_PARENT)
    declare(ExamResult, subject=applicant, fields=(), erasure=Erasure.KEPT, note=STAFF_RECORD)
    declare(
        Appointment,
        subject=applicant,
        fields=("nip", "employee", "decided_by"),
        erasure=Erasure.KEPT,
        note="The appointment: part of the employment file (legal obligation, PP 11/2017).",
    )
    for model, field_name in (
        (PeriodAssignment, "user"),
        (ScoreImport, "uploaded_by"),
        (Announcement, "published_by"),
    ):
        declare(
            model, subject=field_name, fields=(field_name,), erasure=Erasure.KEPT, note=STAFF_RECORD
        )
    declare(
        ExamSession,
        subject=None,
        fields=(),
        erasure=Erasure.KEPT,
        note="The address is an exam venue's, not a person's.",
    )

    audit.register(
        ApplicantProfile,
        mask_fields=(
            "nik",
            "kk_number",
            "name_on_ktp",
            "address",
            "phone",
            "birth_date",
            "birth_place",
        ),
        mask=audit.MASK_PERSONAL,
    )
    audit.register(Application, mask_fields=("applicant_nik",))
    audit.register(Document, exclude_fields=("original_name",))  # it often holds the name
    for model in (DocumentCheck, Appeal, ExamResult):
        audit.register(model)
    # An announcement is about a whole period; its results live in the checks and results.
    audit.register(Announcement, subject=None)
    audit.register(PeriodAssignment)
    audit.register(OptimisationOffer)
    audit.register(Appointment, mask_fields=("nip",))
    # The SKB parts are rules stated to every applicant: who changed them, and when.
    audit.register(SkbPart, subject=None)

    personaldata.register_export("recruitment", export, order=10)
    personaldata.register_summary(summary, order=10)
    personaldata.register_eraser(erase, order=10)
    personaldata.register_restrictable(restrictable, order=10)
    personaldata.register_retention(
        RetentionRule(name="applicants", plan=retention_plan, apply=retention_apply)
    )


# --- export ------------------------------------------------------------------------------------


def export(export: Export) -> dict:
    user = export.user
    profile = ApplicantProfile.objects.filter(user=user).first()
    applications = (
        Application.objects.filter(applicant=user)
        .select_related("period", "formation__position", "exam_session")
        .prefetch_related(
            "events",
            "documents__requirement",
            "document_checks__requirement",
            "document_checks__announced_reason",
            "status_notifications",
            "optimisation_offers",
        )
        .order_by("created_at")
    )
    return {
        "applicant_profile": export.record(profile) if profile else None,
        "applications": [_application(export, a) for a in applications],
    }


def _application(export: Export, application) -> dict:
    row = export.record(
        application,
        # The committee's working result before it is announced is not yet a decision about the
        # person; the announced one is below.
        exclude=("admin_result",),
        extra={
            "period": str(application.period),
            "formation": str(application.formation),
            "exam_session": str(application.exam_session) if application.exam_session else None,
        },
    )
    row["events"] = [export.record(e) for e in application.events.all()]
    row["status_emails"] = [export.record(n) for n in application.status_notifications.all()]
    row["documents"] = []
    for document in application.documents.all():
        zip_name = (
            f"files/recruitment/application-{application.pk}/"
            f"{document.requirement.slug}-v{document.version}.{document.extension}"
        )
        row["documents"].append(
            export.record(
                document,
                exclude=("token",),
                extra={
                    "requirement": str(document.requirement),
                    "file": export.attach(document.file, zip_name),
                },
            )
        )
    row["document_checks"] = [
        {
            "requirement": str(check.requirement),
            "announced_result": check.announced_result,
            "announced_reason": str(check.announced_reason) if check.announced_reason else "",
            "announced_note": check.announced_note,
        }
        for check in application.document_checks.all()
        if check.announced_result
    ]
    appeal = application.appeal if has_related(application, "appeal") else None
    row["appeal"] = (
        export.record(appeal, extra={"documents": [str(d) for d in appeal.documents.all()]})
        if appeal
        else None
    )
    result = application.exam_result if has_related(application, "exam_result") else None
    row["exam_result"] = export.record(result) if result else None
    row["optimisation_offers"] = [export.record(o) for o in application.optimisation_offers.all()]
    return row


def summary(user) -> list[dict]:
    return [
        {
            "label": _("Applicant profile (NIK, KK, address, education)"),
            "count": ApplicantProfile.objects.filter(user=user).count(),
        },
        {
            "label": _("Job applications"),
            "count": Application.objects.filter(applicant=user).count(),
        },
        {
            "label": _("Uploaded application documents (all versions)"),
            "count": Document.objects.filter(application__applicant=user).count(),
        },
    ]


def restrictable(user) -> list[tuple[str, int | None]]:
    records = [(Category.APPLICATION, pk) for pk in user.applications.values_list("pk", flat=True)]
    records += [
        (Category.APPLICANT_PROFILE, pk)
        for pk in ApplicantProfile.objects.filter(user=user).values_list("pk", flat=True)
    ]
    if not any(category == Category.APPLICATION for category, _pk in records):
        # Nothing yet: the restriction still covers applications the person might start.
        records.append((Category.APPLICATION, None))
    return records


# --- retention ---------------------------------------------------------------------------------


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
    return RetentionPlan(
        rule="applicants",
        ids={"applications": applications, "documents": documents, "profiles": profiles},
    )


def retention_apply(plan: RetentionPlan, now, say) -> None:
    """Carry out a plan. A run may take long, and the plan was made at its start: each batch
    locks its rows and re-applies the rules to them, and removes only what still qualifies (a
    result corrected to L since, a new application started since)."""
    application_ids = sorted(
        set(plan.ids["applications"])
        # Documents of applications whose NIK was already cleared (an interrupted earlier run).
        | set(
            Document.objects.filter(pk__in=plan.ids["documents"]).values_list(
                "application_id", flat=True
            )
        )
    )
    kept = 0
    for start in range(0, len(application_ids), BATCH_SIZE):
        batch = application_ids[start : start + BATCH_SIZE]
        with transaction.atomic():
            kept += len(batch) - _apply_applications(batch, now)
        say(f"applications {start + len(batch)}/{len(application_ids)} done")
    deleted = 0
    profile_ids = sorted(plan.ids["profiles"])
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
        get_user_model()
        .objects.select_for_update()
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
    personaldata.delete_files_on_commit(names)
    return len(names)


# --- a deletion request ------------------------------------------------------------------------


def erase(*, user, report, now) -> None:
    """The person's applications and profile: drafts deleted, applications past retention
    stripped of documents and NIK, the others kept (and restricted) with the reason."""
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
            report.restricted.append((Category.APPLICATION, application.pk, "hired"))
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
            report.restricted.append((Category.APPLICATION, application.pk, "retention"))

    profile = ApplicantProfile.objects.filter(user=user).first()
    if profile is not None:
        if kept_applications:
            report.kept.append(
                _("applicant profile (NIK, KK, education): needed by the applications kept")
            )
            report.restricted.append((Category.APPLICANT_PROFILE, profile.pk, "retention"))
        else:
            report.forget_all(ApplicantProfile, [profile.pk])
            profile.delete()
            report.deleted.append(_("applicant profile (NIK, KK, address, education)"))
