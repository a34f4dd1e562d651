"""Applicants, their applications with the timeline, the uploaded documents and the status
e-mails sent (docs/domain.md 1.1-1.3)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TrackedModel
from recruitment.models.periods import (
    DocumentRequirement,
    Formation,
    PriorityGroup,
    SelectionPeriod,
)
from recruitment.validators import nik_matches, validate_kk, validate_nik
from workforce.models import EducationLevel


class ApplicantProfile(TrackedModel):
    """The applicant's identity and education. NIK and KK are high-sensitivity personal data."""

    class Gender(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    class Accreditation(models.TextChoices):
        UNGGUL = "unggul", _("Unggul / A")
        BAIK_SEKALI = "baik_sekali", _("Baik Sekali / B")
        BAIK = "baik", _("Baik / C")
        NONE = "none", _("Not accredited")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="applicant_profile",
        verbose_name=_("user"),
    )
    nik = models.CharField(_("NIK"), max_length=16, unique=True, validators=[validate_nik])
    kk_number = models.CharField(_("family card (KK) number"), max_length=16,
                                 validators=[validate_kk])  # fmt: skip
    name_on_ktp = models.CharField(_("name as on the KTP"), max_length=150)
    birth_place = models.CharField(_("place of birth"), max_length=100)
    birth_date = models.DateField(_("date of birth"))
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    address = models.TextField(_("address"))
    phone = models.CharField(_("phone"), max_length=20)
    education_level = models.CharField(
        _("highest education"), max_length=10, choices=EducationLevel.choices
    )
    institution = models.CharField(_("institution"), max_length=200)
    programme = models.CharField(_("study programme"), max_length=200)
    gpa = models.DecimalField(
        _("GPA (IPK)"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("On a 4.00 scale; for a senior-high diploma, the average on the ijazah."),
    )
    graduation_year = models.PositiveSmallIntegerField(
        _("graduation year"), validators=[MinValueValidator(1960), MaxValueValidator(2100)]
    )
    accreditation = models.CharField(
        _("accreditation"), max_length=12, choices=Accreditation.choices
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("applicant profile")
        verbose_name_plural = _("applicant profiles")
        ordering = ["name_on_ktp"]

    def __str__(self):
        return self.name_on_ktp

    def clean(self):

        problem = nik_matches(self.nik, birth_date=self.birth_date, gender=self.gender)
        if problem:
            raise ValidationError({"nik": problem})

    @property
    def nik_masked(self) -> str:
        return f"{self.nik[:6]}******{self.nik[-4:]}" if self.nik else ""


class AdminResult(models.TextChoices):
    """The administrative screening result (docs/domain.md 1.4)."""

    MS = "MS", _("Meets the requirements")
    TMS = "TMS", _("Does not meet the requirements")


class Application(TrackedModel):
    """One application per applicant per budget year (docs/domain.md 1.2: one procurement type, one
    instansi, one position in the same year; so also one per selection period), held by a
    database constraint so that it holds when two requests race."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft: not sent yet")
        SUBMITTED = "submitted", _("Registration complete: waiting for screening")
        WITHDRAWN = "withdrawn", _("Withdrawn by you")

    # Official codes shown beside the plain-language status (docs/domain.md 1.9).
    OFFICIAL_CODES = {Status.WITHDRAWN: "APS"}

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("applicant"),
    )
    period = models.ForeignKey(
        SelectionPeriod,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("selection period"),
    )
    formation = models.ForeignKey(
        Formation,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("formation"),
    )
    budget_year = models.PositiveSmallIntegerField(
        _("budget year"), editable=False, help_text=_("Copied from the period.")
    )
    # NULL, not "": drafts have no NIK yet and must not collide in the unique constraint.
    applicant_nik = models.CharField(  # noqa: DJ001
        _("NIK as sent"),
        max_length=16,
        null=True,
        blank=True,
        editable=False,
        help_text=_("Copied at finalisation: one person applies once a year, whatever account."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    registration_number = models.CharField(
        _("registration number"), max_length=24, unique=True, null=True, blank=True
    )
    verification_code = models.CharField(
        _("verification code"), max_length=16, unique=True, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    # Administrative screening (docs/domain.md 1.4). `admin_result` is the committee's working
    # result, derived from the document checks; `announced_result` is what the last published
    # announcement said, and the only one the applicant sees.
    admin_result = models.CharField(
        _("administrative result"), max_length=3, choices=AdminResult.choices, blank=True
    )
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("screened by"),
    )
    screened_at = models.DateTimeField(_("screened at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("second check by"),
    )
    confirmed_at = models.DateTimeField(_("second check at"), null=True, blank=True)
    announced_result = models.CharField(
        _("announced administrative result"),
        max_length=3,
        choices=AdminResult.choices,
        blank=True,
        editable=False,
    )
    exam_session = models.ForeignKey(
        "ExamSession",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participants",
        verbose_name=_("exam session"),
    )
    # PPPK: the priority group the committee verified from the documents (docs/domain.md 1.12),
    # the one the ranking reads. It follows the applicant's declaration until the committee
    # confirms or changes it during screening; it is fixed from the post-appeal announcement.
    priority_group = models.CharField(
        _("PPPK priority group"),
        max_length=8,
        choices=PriorityGroup.choices,
        default=PriorityGroup.UMUM,
    )
    # What the applicant declared (draft only); kept beside the committee's group.
    declared_priority_group = models.CharField(
        _("PPPK priority group declared"),
        max_length=8,
        choices=PriorityGroup.choices,
        default=PriorityGroup.UMUM,
    )
    # CPNS: the applicant asks to carry the SKD result of the previous period (docs/domain.md
    # 1.7, KepmenPANRB 344/2024), when the period allows it.
    skd_reuse_requested = models.BooleanField(_("reuse my previous SKD result"), default=False)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["formation", "status"]),
            models.Index(fields=["period", "status"]),
            models.Index(fields=["formation", "admin_result"]),
            # HR's list of a formation's applications, in the order they were finalised
            # (ascending puts NULL last in PostgreSQL, as the list's ORDER BY asks).
            models.Index(
                fields=["formation", "submitted_at", "created_at", "id"],
                name="application_formation_order",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "period"], name="one_application_per_period"
            ),
            models.UniqueConstraint(
                fields=["applicant", "budget_year"], name="one_application_per_budget_year"
            ),
            models.UniqueConstraint(
                fields=["applicant_nik", "budget_year"], name="one_application_per_nik_and_year"
            ),
        ]

    def __str__(self):
        return self.registration_number or f"#{self.pk}"

    def get_absolute_url(self):
        return reverse("recruitment:application_detail", args=[self.pk])

    @property
    def official_code(self) -> str:
        return self.OFFICIAL_CODES.get(self.status, "")


class Milestone(models.TextChoices):
    """What an application's timeline records: its own status changes, then each stage of the
    selection that concerns it."""

    DRAFT = "draft", _("Draft: not sent yet")
    SUBMITTED = "submitted", _("Registration complete: waiting for screening")
    WITHDRAWN = "withdrawn", _("Withdrawn by you")
    ADMIN_RESULT = "admin_result", _("Administrative result announced")
    APPEAL_SUBMITTED = "appeal_submitted", _("Appeal (sanggah) sent")
    APPEAL_ANSWERED = "appeal_answered", _("Appeal (sanggah) answered")
    POST_APPEAL_RESULT = "post_appeal", _("Administrative result after appeals announced")
    EXAM_SCHEDULED = "exam_scheduled", _("Exam schedule published")
    SKD_RESULT = "skd_result", _("SKD result announced")
    FINAL_RESULT = "final_result", _("Final result announced")
    APPOINTED = "appointed", _("Appointed")
    PLACE_DECLINED = "place_declined", _("Place declined")
    CORRECTION = "correction", _("Decision corrected")


class ApplicationEvent(TrackedModel):
    """The application's timeline: every change, dated, with who did it and why."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="events", verbose_name=_("application")
    )
    status = models.CharField(_("status"), max_length=20, choices=Milestone.choices)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["at", "pk"]
        # An announcement's rows are the events of its milestone (one per application and
        # milestone: hundreds of thousands at scale), read by status.
        indexes = [models.Index(fields=["status", "application"], name="appevent_status_app_idx")]

    def __str__(self):
        return f"{self.application} {self.status} {self.at:%Y-%m-%d %H:%M}"


def document_upload_to(instance, filename):
    # Server-generated names only: the applicant's file name never reaches the file system.
    return f"applications/{instance.application_id}/{instance.token}.{instance.extension}"


class Document(TrackedModel):
    """One uploaded version of a document slot. Every version is kept; the latest is used."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("application"),
    )
    requirement = models.ForeignKey(
        DocumentRequirement,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("document"),
    )
    version = models.PositiveSmallIntegerField(_("version"))
    is_current = models.BooleanField(_("current version"), default=True)
    token = models.CharField(max_length=32, unique=True, editable=False)
    extension = models.CharField(max_length=4, editable=False)
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["requirement__order", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "requirement", "version"], name="document_version_unique"
            ),
            models.UniqueConstraint(
                fields=["application", "requirement"],
                condition=Q(is_current=True),
                name="document_one_current_version",
            ),
        ]

    def __str__(self):
        return f"{self.requirement} v{self.version}"

    def get_absolute_url(self):
        return reverse("recruitment:document_download", args=[self.pk])


class StatusNotification(TrackedModel):
    """One status e-mail sent to an applicant. The unique pair is the claim: a retried or
    duplicated task finds the row and sends nothing."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="status_notifications",
        verbose_name=_("application"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Milestone.choices)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("status notification")
        verbose_name_plural = _("status notifications")
        ordering = ["application", "sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "status"], name="status_notification_once"
            ),
        ]

    def __str__(self):
        return f"{self.application} {self.status} {self.sent_at:%Y-%m-%d %H:%M}"
