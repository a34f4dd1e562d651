"""Recruitment I: selection periods, formations (vacancies), applicant profiles, applications with
their timeline, and uploaded documents (DOMAIN.md 1). Every rule number is a field with the
DOMAIN.md default, editable per period by HR."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import BilingualNameMixin, TrackedModel
from recruitment.validators import validate_kk, validate_nik
from workforce.models import AsnType, EducationLevel, Position

MIN_REGISTRATION_DAYS = 15  # PP 11/2017 Pasal 22(2): at least 15 calendar days


class ProcurementType(models.TextChoices):
    CPNS = "CPNS", _("CPNS (civil servant candidates)")
    PPPK = "PPPK", _("PPPK (contract civil servants)")


class FormationCategory(models.TextChoices):
    UMUM = "umum", _("General")
    DISABILITAS = "disabilitas", _("Persons with disabilities")
    CUMLAUDE = "cumlaude", _("Cum laude graduates")
    DIASPORA = "diaspora", _("Diaspora")
    KALIMANTAN = "kalimantan", _("Sons and daughters of Kalimantan")
    PAPUA = "papua", _("Sons and daughters of Papua")
    TIGA_T = "3t", _("Sons and daughters of 3T regions")


class SelectionPeriod(TrackedModel):
    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(
        _("budget year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    procurement_type = models.CharField(
        _("procurement type"), max_length=4, choices=ProcurementType.choices
    )
    description = models.TextField(_("description"), blank=True)
    registration_opens_at = models.DateTimeField(_("registration opens"))
    registration_closes_at = models.DateTimeField(_("registration closes"))
    registration_closed = models.BooleanField(
        _("registration closed"),
        default=False,
        editable=False,
        help_text=_("Set by the scheduled job at the deadline; the deadline applies regardless."),
    )
    admin_announcement_at = models.DateTimeField(
        _("administrative result announced"), null=True, blank=True
    )
    appeal_days = models.PositiveSmallIntegerField(
        _("appeal window (calendar days)"), default=3, validators=[MinValueValidator(1)]
    )
    appeal_answer_days = models.PositiveSmallIntegerField(
        _("days to answer appeals"), default=7, validators=[MinValueValidator(1)]
    )
    exam_starts_on = models.DateField(_("exams start"), null=True, blank=True)
    exam_ends_on = models.DateField(_("exams end"), null=True, blank=True)
    final_announcement_at = models.DateTimeField(_("final announcement"), null=True, blank=True)
    age_min = models.PositiveSmallIntegerField(
        _("minimum age"), default=18, validators=[MinValueValidator(15), MaxValueValidator(60)]
    )
    age_max = models.PositiveSmallIntegerField(
        _("maximum age"),
        default=35,
        validators=[MinValueValidator(18), MaxValueValidator(65)],
        help_text=_(
            "CPNS: 35 (PP 11/2017); PPPK: one year before the position's retirement age. "
            "A formation may raise it (e.g. 40 for doctors)."
        ),
    )
    age_reference_date = models.DateField(
        _("age reference date"),
        help_text=_(
            "The day on which applicants' age is computed. Unconfirmed by the regulation: check "
            "the announcement (DOMAIN.md 1.11)."
        ),
    )
    is_published = models.BooleanField(_("published"), default=False)
    # Recruitment II: screening, scores and ranking rules of this period (DOMAIN.md 1.4-1.8).
    second_check_required = models.BooleanField(
        _("second check of screening"),
        default=False,
        help_text=_("A supervisor confirms each verifier's result before it can be announced."),
    )
    skb_multiplier = models.PositiveSmallIntegerField(
        _("applicants to SKB per formation place"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("DOMAIN.md 1.7: the best 3 x quota who pass the SKD go to the SKB."),
    )
    skd_weight = models.PositiveSmallIntegerField(
        _("SKD weight (%)"), default=40, validators=[MaxValueValidator(100)]
    )
    skb_weight = models.PositiveSmallIntegerField(
        _("SKB weight (%)"), default=60, validators=[MaxValueValidator(100)]
    )
    skb_max = models.PositiveSmallIntegerField(
        _("SKB maximum score"),
        default=500,
        validators=[MinValueValidator(1)],
        help_text=_("The SKB is normalised as (score / maximum) x 100, like the SKD (out of 550)."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("selection period")
        verbose_name_plural = _("selection periods")
        ordering = ["-registration_opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(age_max__gte=models.F("age_min")), name="period_age_range"
            ),
            models.CheckConstraint(
                condition=Q(registration_closes_at__gt=models.F("registration_opens_at")),
                name="period_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(skd_weight__lte=100) & Q(skb_weight__lte=100),
                name="period_weights_in_range",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("recruitment:vacancy_list") + f"?period={self.pk}"

    def clean(self):
        if (
            self.skd_weight is not None
            and self.skb_weight is not None
            and self.skd_weight + self.skb_weight != 100
        ):
            raise ValidationError({"skb_weight": _("The SKD and SKB weights must add up to 100.")})
        if self.registration_opens_at and self.registration_closes_at:
            # Calendar days in WIB, both ends counted: 1 to 15 September is 15 days.
            opens = timezone.localdate(self.registration_opens_at)
            closes = timezone.localdate(self.registration_closes_at)
            if (closes - opens).days + 1 < MIN_REGISTRATION_DAYS:
                raise ValidationError(
                    {
                        "registration_closes_at": _(
                            "Registration must stay open at least %(days)s calendar days "
                            "(PP 11/2017 Pasal 22)."
                        )
                        % {"days": MIN_REGISTRATION_DAYS}
                    }
                )

    def registration_window_open(self, now=None) -> bool:
        """Inside the registration dates (published or not)."""
        now = now or timezone.now()
        return (
            not self.registration_closed
            and self.registration_opens_at <= now < self.registration_closes_at
        )

    def is_registration_open(self, now=None) -> bool:
        return self.is_published and self.registration_window_open(now)


class DocumentRequirement(BilingualNameMixin):
    """A document slot of a period, with its format and size limit (DOMAIN.md 1.3 defaults)."""

    class Format(models.TextChoices):
        JPEG = "jpeg", "JPG/JPEG"
        PDF = "pdf", "PDF"

    period = models.ForeignKey(
        SelectionPeriod,
        on_delete=models.CASCADE,
        related_name="document_requirements",
        verbose_name=_("selection period"),
    )
    slug = models.SlugField(_("code"), max_length=40)
    file_format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    max_kb = models.PositiveIntegerField(
        _("maximum size (KB)"), validators=[MinValueValidator(10), MaxValueValidator(10_240)]
    )
    help_text = models.CharField(_("instructions"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("document requirement")
        verbose_name_plural = _("document requirements")
        ordering = ["period", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["period", "slug"], name="document_slot_unique"),
        ]

    @property
    def max_bytes(self) -> int:
        return self.max_kb * 1024


class Formation(TrackedModel):
    """A vacancy (formasi): a position to fill in a period."""

    period = models.ForeignKey(
        SelectionPeriod,
        on_delete=models.PROTECT,
        related_name="formations",
        verbose_name=_("selection period"),
    )
    position = models.ForeignKey(
        Position, on_delete=models.PROTECT, related_name="formations", verbose_name=_("position")
    )
    asn_type = models.CharField(_("ASN type"), max_length=4, choices=AsnType.choices)
    category = models.CharField(
        _("category"),
        max_length=12,
        choices=FormationCategory.choices,
        default=FormationCategory.UMUM,
    )
    quota = models.PositiveSmallIntegerField(_("quota"), validators=[MinValueValidator(1)])
    education_level = models.CharField(
        _("required education level"), max_length=10, choices=EducationLevel.choices
    )
    accepted_programmes = models.TextField(
        _("accepted study programmes"),
        blank=True,
        help_text=_("One per line. Empty: any programme at the required level."),
    )
    age_max_override = models.PositiveSmallIntegerField(
        _("maximum age for this formation"),
        null=True,
        blank=True,
        validators=[MinValueValidator(18), MaxValueValidator(65)],
        help_text=_("Leave empty to use the period's; e.g. 40 for doctors (PP 11/2017 Pasal 23)."),
    )
    required_documents = models.ManyToManyField(
        DocumentRequirement,
        related_name="formations",
        verbose_name=_("required documents"),
    )
    extra_criteria = models.TextField(_("extra criteria"), blank=True)
    informing_topics = models.ManyToManyField(
        "forums.Topic",
        blank=True,
        related_name="+",
        verbose_name=_("residents' topics that informed the criteria"),
    )
    is_published = models.BooleanField(_("published"), default=False)
    source_proposal_item = models.ForeignKey(
        "workforce.ProposalItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="formations",
        verbose_name=_("from proposal item"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("formation")
        verbose_name_plural = _("formations")
        ordering = ["period", "position__unit__name", "position__name"]
        indexes = [
            models.Index(fields=["period", "is_published"]),
            models.Index(fields=["category"]),
            models.Index(fields=["asn_type"]),
            models.Index(fields=["education_level"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quota__gt=0), name="formation_quota_positive"),
            models.UniqueConstraint(
                fields=["period", "position", "asn_type", "category"],
                name="formation_unique_in_period",
            ),
        ]

    def __str__(self):
        return f"{self.position.name} · {self.position.unit.name} ({self.get_category_display()})"

    def get_absolute_url(self):
        return reverse("recruitment:vacancy_detail", args=[self.pk])

    @property
    def age_max(self) -> int:
        """The oldest age accepted, as shown and as applied."""
        if self.age_max_override:
            return self.age_max_override
        if self.period.procurement_type == ProcurementType.PPPK:
            # PP 49/2018: at most one year before the position's retirement age.
            return min(self.period.age_max, self.position.retirement_age - 1)
        return self.period.age_max

    def programme_list(self) -> list[str]:
        return [line.strip() for line in self.accepted_programmes.splitlines() if line.strip()]


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
        from recruitment.validators import nik_matches

        problem = nik_matches(self.nik, birth_date=self.birth_date, gender=self.gender)
        if problem:
            raise ValidationError({"nik": problem})

    @property
    def nik_masked(self) -> str:
        return f"{self.nik[:6]}******{self.nik[-4:]}" if self.nik else ""


class AdminResult(models.TextChoices):
    """The administrative screening result (DOMAIN.md 1.4)."""

    MS = "MS", _("Meets the requirements")
    TMS = "TMS", _("Does not meet the requirements")


class Application(TrackedModel):
    """One application per applicant per budget year (DOMAIN.md 1.2: one procurement type, one
    instansi, one position in the same year; so also one per selection period), held by a
    database constraint so that it holds when two requests race."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft: not sent yet")
        SUBMITTED = "submitted", _("Registration complete: waiting for screening")
        WITHDRAWN = "withdrawn", _("Withdrawn by you")

    # Official codes shown beside the plain-language status (DOMAIN.md 1.9).
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
    # Administrative screening (DOMAIN.md 1.4). `admin_result` is the committee's working result,
    # derived from the document checks; `announced_result` is what the last published
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


# --- Recruitment II: screening, appeals, announcements, exams, scores and ranking -------------
# (DOMAIN.md 1.4-1.10). Every decision that affects an applicant is written to Decision.


class PassingGrade(TrackedModel):
    """The SKD passing grade (NAB) of a period for one formation category (DOMAIN.md 1.7). An
    empty minimum is not checked: the general category checks each part, the special ones the
    total and TIU."""

    period = models.ForeignKey(
        SelectionPeriod,
        on_delete=models.CASCADE,
        related_name="passing_grades",
        verbose_name=_("selection period"),
    )
    category = models.CharField(_("category"), max_length=12, choices=FormationCategory.choices)
    twk_min = models.PositiveSmallIntegerField(
        _("TWK minimum"), null=True, blank=True, validators=[MaxValueValidator(150)]
    )
    tiu_min = models.PositiveSmallIntegerField(
        _("TIU minimum"), null=True, blank=True, validators=[MaxValueValidator(175)]
    )
    tkp_min = models.PositiveSmallIntegerField(
        _("TKP minimum"), null=True, blank=True, validators=[MaxValueValidator(225)]
    )
    total_min = models.PositiveSmallIntegerField(
        _("SKD total minimum"), null=True, blank=True, validators=[MaxValueValidator(550)]
    )

    class Meta:
        verbose_name = _("passing grade")
        verbose_name_plural = _("passing grades")
        ordering = ["period", "category"]
        constraints = [
            models.UniqueConstraint(fields=["period", "category"], name="passing_grade_unique"),
        ]

    def __str__(self):
        return f"{self.period} · {self.get_category_display()}"


class PeriodAssignment(TrackedModel):
    """Who works on a period's screening: verifiers screen; confirmers do the second check.
    Verifiers see only the periods they are assigned to."""

    class Duty(models.TextChoices):
        VERIFIER = "verifier", _("Verifier")
        CONFIRMER = "confirmer", _("Second checker")

    period = models.ForeignKey(
        SelectionPeriod,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("selection period"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="period_assignments",
        verbose_name=_("user"),
    )
    duty = models.CharField(_("duty"), max_length=10, choices=Duty.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("screening assignment")
        verbose_name_plural = _("screening assignments")
        ordering = ["period", "duty", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "user", "duty"], name="period_assignment_unique"
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_duty_display()} · {self.period}"


class RejectionReason(BilingualNameMixin):
    """A reason a verifier picks for TMS; the list is editable (seeded from DOMAIN.md 1.4)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("TMS reason")
        verbose_name_plural = _("TMS reasons")
        ordering = ["order", "name"]


class DocumentCheck(TrackedModel):
    """The verifier's MS/TMS on one required document of an application. The announced_* fields
    are a copy taken when an announcement is published: the applicant sees those."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="document_checks",
        verbose_name=_("application"),
    )
    requirement = models.ForeignKey(
        DocumentRequirement,
        on_delete=models.PROTECT,
        related_name="checks",
        verbose_name=_("document"),
    )
    document = models.ForeignKey(
        Document,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="checks",
        verbose_name=_("version checked"),
    )
    result = models.CharField(_("result"), max_length=3, choices=AdminResult.choices)
    reason = models.ForeignKey(
        RejectionReason,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="checks",
        verbose_name=_("TMS reason"),
    )
    note = models.TextField(_("note"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)
    announced_result = models.CharField(
        _("announced result"), max_length=3, choices=AdminResult.choices, blank=True
    )
    announced_reason = models.ForeignKey(
        RejectionReason,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("announced TMS reason"),
    )
    announced_note = models.TextField(_("announced note"), blank=True)

    class Meta:
        verbose_name = _("document check")
        verbose_name_plural = _("document checks")
        ordering = ["application", "requirement__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "requirement"], name="document_check_unique"
            ),
            models.CheckConstraint(
                condition=Q(result="MS") | Q(reason__isnull=False),
                name="document_check_tms_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.application} · {self.requirement} · {self.result}"


class Decision(TrackedModel):
    """The decision log: every screening result, second check, appeal answer, re-check, score,
    ranking outcome and correction, with who, when, before and after. Append-only."""

    class Kind(models.TextChoices):
        DOCUMENT_CHECK = "document_check", _("Document checked")
        SECOND_CHECK = "second_check", _("Second check")
        RECHECK = "recheck", _("Re-check during the appeal window")
        APPEAL_ANSWER = "appeal_answer", _("Appeal answered")
        SCORE = "score", _("Score recorded")
        RANKING = "ranking", _("Ranking computed")
        OPTIMISATION = "optimisation", _("Optimisation placement")
        CORRECTION = "correction", _("Correction")

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="decisions",
        verbose_name=_("application"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=60, blank=True)
    before = models.CharField(_("before"), max_length=200, blank=True)
    after = models.CharField(_("after"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), blank=True)
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
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["application", "at", "pk"]
        indexes = [models.Index(fields=["application", "at"]), models.Index(fields=["kind"])]

    def __str__(self):
        return f"{self.application} · {self.get_kind_display()} · {self.before} -> {self.after}"


class Appeal(TrackedModel):
    """A sanggah against a TMS result: once, inside the window, about documents already uploaded
    (DOMAIN.md 1.5)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the committee's answer")
        ACCEPTED = "accepted", _("Accepted: the result is changed to MS")
        REJECTED = "rejected", _("Rejected")

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="appeal", verbose_name=_("application")
    )
    documents = models.ManyToManyField(
        DocumentRequirement, related_name="appeals", verbose_name=_("documents appealed")
    )
    reason = models.TextField(_("reason"))
    submitted_at = models.DateTimeField(_("sent at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appeal (sanggah)")
        verbose_name_plural = _("appeals (sanggah)")
        ordering = ["submitted_at"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return f"{self.application} · {self.get_status_display()}"


class Announcement(TrackedModel):
    """A published result of a period's stage. Publishing copies the results the applicants and
    the public see; the public list shows registration numbers and results, no personal data."""

    class Kind(models.TextChoices):
        ADMIN = "admin", _("Administrative selection result")
        POST_APPEAL = "post_appeal", _("Administrative result after appeals")
        SKD = "skd", _("SKD result")
        FINAL = "final", _("Final result")

    period = models.ForeignKey(
        SelectionPeriod,
        on_delete=models.CASCADE,
        related_name="announcements",
        verbose_name=_("selection period"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    note = models.TextField(_("note"), blank=True)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["period", "published_at"]
        constraints = [
            models.UniqueConstraint(fields=["period", "kind"], name="announcement_once_per_kind"),
        ]

    def __str__(self):
        return f"{self.period} · {self.get_kind_display()}"


class ExamSession(TrackedModel):
    """An exam session of a period: where and when. Participants are assigned to one."""

    period = models.ForeignKey(
        SelectionPeriod,
        on_delete=models.CASCADE,
        related_name="exam_sessions",
        verbose_name=_("selection period"),
    )
    name = models.CharField(_("session"), max_length=60)
    location = models.CharField(_("location"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at (WIB)"))
    ends_at = models.TimeField(_("ends at (WIB)"))
    capacity = models.PositiveIntegerField(_("capacity"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("exam session")
        verbose_name_plural = _("exam sessions")
        ordering = ["period", "date", "starts_at", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="exam_session_ends_after"
            ),
        ]

    def __str__(self):
        return f"{self.name} · {self.date:%Y-%m-%d} {self.starts_at:%H:%M} · {self.location}"


class Presence(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    DISQUALIFIED = "disqualified", _("Disqualified")


class SkdCode(models.TextChoices):
    """SKD result codes (DOMAIN.md 1.7)."""

    PL = "P/L", _("Passed the passing grade and ranked in for the SKB")
    P = "P", _("Passed the passing grade, not ranked in for the SKB")
    TL = "TL", _("Below the passing grade")
    TH = "TH", _("Absent")
    DIS = "DIS", _("Disqualified")


class FinalCode(models.TextChoices):
    """Final announcement codes (DOMAIN.md 1.9)."""

    L = "L", _("Passed")
    L1 = "L-1", _("Passed after moving to another formation type, same position and education")
    L2 = "L-2", _("Passed after moving formation or location, same education")
    TL = "TL", _("Not passed")
    TH = "TH", _("Absent")
    TMS = "TMS", _("Did not meet the administrative requirements")
    APS = "APS", _("Withdrew")
    DIS = "DIS", _("Disqualified")


class ExamResult(TrackedModel):
    """Scores of one application and the outcome the ranking gave it. Scores come from an import
    or from HR's hand; rank, codes and the final score are written only by the ranking."""

    application = models.OneToOneField(
        Application,
        on_delete=models.CASCADE,
        related_name="exam_result",
        verbose_name=_("application"),
    )
    skd_presence = models.CharField(
        _("SKD attendance"), max_length=12, choices=Presence.choices, blank=True
    )
    twk = models.PositiveSmallIntegerField(
        "TWK", null=True, blank=True, validators=[MaxValueValidator(150)]
    )
    tiu = models.PositiveSmallIntegerField(
        "TIU", null=True, blank=True, validators=[MaxValueValidator(175)]
    )
    tkp = models.PositiveSmallIntegerField(
        "TKP", null=True, blank=True, validators=[MaxValueValidator(225)]
    )
    skb_presence = models.CharField(
        _("SKB attendance"), max_length=12, choices=Presence.choices, blank=True
    )
    skb = models.DecimalField(
        "SKB",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    # Written by the ranking.
    skd_total = models.PositiveSmallIntegerField(_("SKD total"), null=True, blank=True)
    skd_passed = models.BooleanField(_("passed the SKD passing grade"), null=True, blank=True)
    skd_rank = models.PositiveIntegerField(_("SKD rank"), null=True, blank=True)
    skd_code = models.CharField(_("SKD code"), max_length=3, choices=SkdCode.choices, blank=True)
    final_score = models.DecimalField(
        _("final score"), max_digits=7, decimal_places=3, null=True, blank=True
    )
    final_rank = models.PositiveIntegerField(_("final rank"), null=True, blank=True)
    final_code = models.CharField(
        _("final code"), max_length=3, choices=FinalCode.choices, blank=True
    )
    placed_formation = models.ForeignKey(
        Formation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placed_results",
        verbose_name=_("placed in formation (optimisation)"),
    )
    ranked_at = models.DateTimeField(_("ranked at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("exam result")
        verbose_name_plural = _("exam results")
        ordering = ["application"]
        indexes = [
            models.Index(fields=["skd_code"]),
            models.Index(fields=["final_code"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(twk__lte=150), name="exam_twk_max"),
            models.CheckConstraint(condition=Q(tiu__lte=175), name="exam_tiu_max"),
            models.CheckConstraint(condition=Q(tkp__lte=225), name="exam_tkp_max"),
            models.CheckConstraint(condition=Q(skb__gte=0), name="exam_skb_not_negative"),
        ]

    def __str__(self):
        return f"{self.application} · {self.skd_code or '-'} · {self.final_code or '-'}"


class ScoreImport(TrackedModel):
    """An uploaded score file: checked into a row-level report first, applied all-or-nothing."""

    class Kind(models.TextChoices):
        SKD = "skd", "SKD"
        SKB = "skb", "SKB"

    period = models.ForeignKey(
        SelectionPeriod,
        on_delete=models.CASCADE,
        related_name="score_imports",
        verbose_name=_("selection period"),
    )
    kind = models.CharField(_("scores"), max_length=3, choices=Kind.choices)
    file_name = models.CharField(_("file name"), max_length=200)
    rows = models.JSONField(_("checked rows"), default=list, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("score import")
        verbose_name_plural = _("score imports")
        ordering = ["-uploaded_at"]

    def __str__(self):
        return f"{self.period} · {self.kind} · {self.file_name}"


class OptimisationOffer(TrackedModel):
    """A proposal to fill an unfilled formation with the next-best applicant who passed, for the
    same position and education (DOMAIN.md 1.10). HR confirms or declines it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")

    formation = models.ForeignKey(
        Formation,
        on_delete=models.CASCADE,
        related_name="optimisation_offers",
        verbose_name=_("unfilled formation"),
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="optimisation_offers",
        verbose_name=_("application"),
    )
    code = models.CharField(_("code if confirmed"), max_length=3, choices=FinalCode.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("optimisation offer")
        verbose_name_plural = _("optimisation offers")
        ordering = ["formation", "proposed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["formation", "application"], name="optimisation_offer_unique"
            ),
        ]

    def __str__(self):
        return f"{self.formation} <- {self.application} ({self.get_status_display()})"
