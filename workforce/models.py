from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import BilingualNameMixin, TrackedModel
from workforce.validators import parse_nip, validate_nip


class AsnType(models.TextChoices):
    PNS = "PNS", _("PNS (civil servant)")
    PPPK = "PPPK", _("PPPK (contract civil servant)")


class EducationLevel(models.TextChoices):
    SMA = "SMA", _("Senior high school (SMA/SMK)")
    D3 = "D3", _("Diploma III")
    D4 = "D4", _("Diploma IV")
    S1 = "S1", _("Bachelor (S1)")
    PROFESI = "PROFESI", _("Professional education (e.g. doctor, ners)")
    S2 = "S2", _("Master (S2)")
    S3 = "S3", _("Doctorate (S3)")


class Sector(BilingualNameMixin):
    """A public-service sector (health, education, ...). An editable list, seeded with four."""

    slug = models.SlugField(_("code"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["order", "name"]


class Kelurahan(TrackedModel):
    """One of the kelurahan (urban villages) of Kecamatan Rakumpit."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("code"), max_length=40, unique=True)
    population = models.PositiveIntegerField(
        _("population"),
        null=True,
        blank=True,
        help_text=_("Residents, from the latest BPS figures; leave empty when unknown."),
    )

    class Meta:
        verbose_name = _("kelurahan")
        verbose_name_plural = _("kelurahan")
        ordering = ["name"]

    def __str__(self):
        return self.name


class PlanningYear(TrackedModel):
    """The rule values of one planning year (docs/domain.md 2): effective working time (WKE) and the
    rounding rule of the ABK. Editable by HR, so a new regulation needs no deploy."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    effective_minutes = models.PositiveIntegerField(
        _("effective working time (minutes a year)"),
        default=75_000,
        validators=[MinValueValidator(1)],
        help_text=_(
            "WKE. Default 1,250 hours = 75,000 minutes (PermenPANRB 1/2020 practice); some "
            "guidelines use 72,000 (Perka BKN 19/2011)."
        ),
    )
    rounding_threshold = models.DecimalField(
        _("rounding threshold"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("0.99"))],
        help_text=_(
            "A fraction of a person at or above this is rounded up, below it down; any workload "
            "above zero needs at least one person."
        ),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("planning year")
        verbose_name_plural = _("planning years")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effective_minutes__gt=0), name="planning_year_wke_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(rounding_threshold__gt=0, rounding_threshold__lt=1),
                name="planning_year_threshold_fraction",
            ),
        ]

    def __str__(self):
        return str(self.year)

    @property
    def effective_hours(self) -> Decimal:
        return Decimal(self.effective_minutes) / 60


class Unit(TrackedModel):
    """A service unit: the puskesmas, a pustu, a school, the camat's or a kelurahan office."""

    class Kind(models.TextChoices):
        PUSKESMAS = "puskesmas", _("Puskesmas (non-inpatient, rural)")
        PUSTU = "pustu", _("Pustu (auxiliary health post)")
        SD = "sd", _("Primary school (SD)")
        SMP = "smp", _("Junior secondary school (SMP)")
        SMA = "sma", _("Senior secondary school (SMA)")
        CAMAT_OFFICE = "kecamatan", _("Camat's office")
        KELURAHAN_OFFICE = "kelurahan", _("Kelurahan office")
        TECHNICAL = "technical", _("Technical service unit")

    name = models.CharField(_("name"), max_length=150, unique=True)
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="units", verbose_name=_("sector")
    )
    kelurahan = models.ForeignKey(
        Kelurahan, on_delete=models.PROTECT, related_name="units", verbose_name=_("kelurahan")
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    population_served = models.PositiveIntegerField(_("residents served"), null=True, blank=True)
    students = models.PositiveIntegerField(_("students"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["sector__order", "name"]
        indexes = [models.Index(fields=["sector", "kelurahan"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("workforce:unit_detail", args=[self.pk])


class Position(TrackedModel):
    """A position (jabatan) in a unit: what the unit needs people for."""

    class Kind(models.TextChoices):
        STRUCTURAL = "structural", _("Structural")
        FUNCTIONAL = "functional", _("Functional")
        EXECUTOR = "executor", _("Executor (pelaksana)")

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="positions", verbose_name=_("unit")
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    asn_type = models.CharField(_("ASN type"), max_length=4, choices=AsnType.choices)
    education_level = models.CharField(
        _("required education level"), max_length=10, choices=EducationLevel.choices
    )
    education_fields = models.CharField(
        _("accepted study programmes"),
        max_length=300,
        blank=True,
        help_text=_("Comma-separated, e.g. Kedokteran Gigi, Pendidikan Dokter Gigi."),
    )
    competency_standard = models.TextField(_("competency standard"), blank=True)
    norm_key = models.SlugField(
        _("service norm key"),
        max_length=40,
        blank=True,
        help_text=_("Links the position to a service norm (e.g. dokter-gigi, perawat, guru)."),
    )
    retirement_age = models.PositiveSmallIntegerField(
        _("retirement age (BUP)"),
        default=58,
        validators=[MinValueValidator(50), MaxValueValidator(70)],
    )

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["unit__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="position_unique_in_unit")
        ]

    def __str__(self):
        return f"{self.name} · {self.unit.name}"

    def get_absolute_url(self):
        return reverse("workforce:unit_detail", args=[self.unit_id]) + f"#position-{self.pk}"


class Employee(TrackedModel):
    """The current ASN register. Personal data: only HR sees it."""

    class Gender(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ON_LEAVE = "on_leave", _("On leave")
        TRANSFERRED = "transferred", _("Transferred out")
        RETIRED = "retired", _("Retired")
        CANCELLED = "cancelled", _("Appointment cancelled")

    # NULL until BKN issues it (a new appointee): never two equal ones.
    nip = models.CharField(
        _("NIP"), max_length=18, unique=True, null=True, blank=True, validators=[validate_nip]
    )
    full_name = models.CharField(_("full name"), max_length=150)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    asn_type = models.CharField(_("ASN type"), max_length=4, choices=AsnType.choices)
    position = models.ForeignKey(
        Position, on_delete=models.PROTECT, related_name="employees", verbose_name=_("position")
    )
    start_date = models.DateField(_("start date (TMT)"))
    contract_ends_on = models.DateField(
        _("contract ends"), null=True, blank=True, help_text=_("PPPK: the end of the contract.")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    retirement_date = models.DateField(
        _("projected retirement"),
        editable=False,
        help_text=_("The first day of the month after the retirement age (BUP) is reached."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employee",
        verbose_name=_("user account"),
    )
    supervisor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="team",
        verbose_name=_("supervisor"),
    )

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["full_name"]
        indexes = [
            models.Index(fields=["position", "status"]),
            models.Index(fields=["status", "retirement_date"]),
            # The register's order (by name): its first page reads 50 rows, not 20,000 sorted.
            models.Index(fields=["full_name", "nip"], name="employee_name_order_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_date__gt=models.F("birth_date")),
                name="employee_starts_after_birth",
                violation_error_message=_("The start date must be after the birth date."),
            )
        ]

    def __str__(self):
        return f"{self.full_name} ({self.nip or _('NIP pending')})"

    def clean(self):
        """The NIP repeats the birth date, the gender, the appointment month (or, for PPPK, a
        marker and the year): they must agree with the other fields."""
        errors = {}
        if self.start_date and self.birth_date and self.start_date <= self.birth_date:
            errors["start_date"] = _("The start date must be after the birth date.")
        if not self.nip:
            if errors:
                raise ValidationError(errors)
            return  # a new appointee: BKN issues the NIP later
        try:
            parts = parse_nip(self.nip)
        except ValidationError:
            if errors:
                raise ValidationError(errors) from None
            return  # the field validator already reports the NIP itself
        if self.start_date and "start_date" not in errors:
            appointed = (parts.appointment_year, parts.appointment_month or 1)
            started = (
                self.start_date.year,
                self.start_date.month if parts.appointment_month else 1,
            )
            if started < appointed:
                errors["start_date"] = _(
                    "The start date is before the appointment date in the NIP (digits 9–14)."
                )
        if self.birth_date and parts.birth_date != self.birth_date:
            errors["birth_date"] = _("The birth date does not match digits 1–8 of the NIP.")
        if self.gender and parts.gender != self.gender:
            errors["gender"] = _("The gender does not match digit 15 of the NIP.")
        if self.asn_type == AsnType.PPPK and not parts.is_pppk:
            errors["asn_type"] = _("A PPPK NIP has 21 in digits 13–14.")
        if self.asn_type == AsnType.PNS and parts.is_pppk:
            errors["asn_type"] = _("This NIP is a PPPK number (21 in digits 13–14).")
        if errors:
            raise ValidationError(errors)

    @property
    def unit(self):
        return self.position.unit

    @staticmethod
    def retirement_date_for(birth_date: date, retirement_age: int) -> date:
        year = birth_date.year + retirement_age
        month = birth_date.month + 1
        if month == 13:
            year, month = year + 1, 1
        return date(year, month, 1)


class AbkSheet(TrackedModel):
    """The workload analysis (ABK) of one position for one year. Each year keeps its own sheet.

    `version` is bumped on every save, so two HR users editing the same sheet cannot silently
    overwrite each other (see services.abk_sheet_save)."""

    position = models.ForeignKey(
        Position, on_delete=models.CASCADE, related_name="abk_sheets", verbose_name=_("position")
    )
    planning_year = models.ForeignKey(
        PlanningYear,
        on_delete=models.PROTECT,
        related_name="abk_sheets",
        verbose_name=_("planning year"),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("ABK sheet")
        verbose_name_plural = _("ABK sheets")
        ordering = ["-planning_year__year", "position__unit__name", "position__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["position", "planning_year"], name="abk_sheet_one_per_position_year"
            )
        ]

    def __str__(self):
        return f"ABK {self.planning_year.year} · {self.position}"

    def get_absolute_url(self):
        return reverse("workforce:abk_edit", args=[self.position_id, self.planning_year.year])


# Sane upper bounds: a task done ten million times a year, or one taking longer than a working
# year, is a typing error (and would overflow the sums).
MAX_YEARLY_VOLUME = 10_000_000
MAX_STANDARD_MINUTES = Decimal("100000")


class AbkTask(TrackedModel):
    sheet = models.ForeignKey(
        AbkSheet, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("ABK sheet")
    )
    description = models.CharField(_("task"), max_length=250)
    output_unit = models.CharField(_("unit of output"), max_length=60)
    yearly_volume = models.PositiveIntegerField(
        _("volume a year"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_YEARLY_VOLUME)],
    )
    standard_minutes = models.DecimalField(
        _("standard time (minutes)"),
        max_digits=8,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal("0.01")),
            MaxValueValidator(MAX_STANDARD_MINUTES),
        ],
    )

    class Meta:
        verbose_name = _("ABK task")
        verbose_name_plural = _("ABK tasks")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(standard_minutes__gt=0), name="abk_task_minutes_positive"
            )
        ]

    def __str__(self):
        return self.description

    @property
    def workload_minutes(self) -> Decimal:
        return self.yearly_volume * self.standard_minutes


class ServiceNorm(TrackedModel):
    """A second view of need: a minimum staffing norm for a type of unit (e.g. a non-inpatient
    rural puskesmas needs one dentist) or a ratio (one teacher per 20 students)."""

    class Basis(models.TextChoices):
        FIXED = "fixed", _("Fixed minimum per unit")
        PER_STUDENTS = "per_students", _("One per N students")

    unit_kind = models.CharField(_("unit type"), max_length=20, choices=Unit.Kind.choices)
    norm_key = models.SlugField(_("norm key"), max_length=40)
    label = models.CharField(_("profession or position"), max_length=120)
    basis = models.CharField(_("basis"), max_length=20, choices=Basis.choices)
    value = models.PositiveIntegerField(
        _("value"),
        validators=[MinValueValidator(1)],
        help_text=_("The minimum number of staff, or N students per staff member."),
    )
    source = models.CharField(_("source"), max_length=200)
    confirmed = models.BooleanField(
        _("confirmed"),
        default=False,
        help_text=_(
            "Unticked: a default value that HR should confirm against the current regulation."
        ),
    )

    class Meta:
        verbose_name = _("service norm")
        verbose_name_plural = _("service norms")
        ordering = ["unit_kind", "label"]
        constraints = [
            models.UniqueConstraint(fields=["unit_kind", "norm_key"], name="norm_unique_key"),
            models.CheckConstraint(condition=models.Q(value__gt=0), name="norm_value_positive"),
        ]

    def __str__(self):
        return f"{self.get_unit_kind_display()}: {self.label}"

    def required_for(self, unit: Unit) -> int | None:
        if self.basis == self.Basis.FIXED:
            return self.value
        if not unit.students:
            return None
        return -(-unit.students // self.value)  # ceiling division


class FormationProposal(TrackedModel):
    """A formation proposal (usulan formasi): the positions HR asks to fill, with reasons."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    planning_year = models.ForeignKey(
        PlanningYear,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("planning year"),
    )
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("formation proposal")
        verbose_name_plural = _("formation proposals")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "planning_year"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("workforce:proposal_detail", args=[self.pk])


class ProposalItem(TrackedModel):
    proposal = models.ForeignKey(
        FormationProposal,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=_("proposal"),
    )
    position = models.ForeignKey(
        Position, on_delete=models.PROTECT, related_name="+", verbose_name=_("position")
    )
    asn_type = models.CharField(_("ASN type"), max_length=4, choices=AsnType.choices)
    count = models.PositiveSmallIntegerField(
        _("number proposed"), validators=[MinValueValidator(1)]
    )
    justification = models.TextField(_("justification"))

    class Meta:
        verbose_name = _("proposal item")
        verbose_name_plural = _("proposal items")
        ordering = ["position__unit__name", "position__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "position", "asn_type"], name="proposal_item_unique"
            ),
            models.CheckConstraint(condition=models.Q(count__gt=0), name="proposal_count_positive"),
        ]

    def __str__(self):
        return f"{self.count} × {self.position} ({self.asn_type})"


class EmployeeImportJob(TrackedModel):
    """An employee register file confirmed in the admin and written in the background (a file
    longer than `EMPLOYEE_IMPORT_BACKGROUND_ROWS`), batch by batch: the job's counts move on in
    the transaction of each batch (workforce.import_jobs)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", pgettext_lazy("import state", "Failed")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    # The upload's name in django-import-export's temporary storage (private media); deleted
    # once the job is done or failed.
    file_name = models.CharField(_("stored file"), max_length=255)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    # The messages of a job (row errors) are written in the language of who started it.
    language = models.CharField(_("language"), max_length=10, default=settings.LANGUAGE_CODE)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.QUEUED)
    total_rows = models.PositiveIntegerField(_("rows in the file"))
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    created_count = models.PositiveIntegerField(_("new employees"), default=0)
    updated_count = models.PositiveIntegerField(_("employees updated"), default=0)
    skipped_count = models.PositiveIntegerField(_("rows skipped"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("confirmed at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("employee import")
        verbose_name_plural = _("employee imports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rows_done__lte=models.F("total_rows")),
                name="employee_import_rows_within_total",
            ),
            # Every row written is counted once: new, updated or skipped (a blank line).
            models.CheckConstraint(
                condition=models.Q(
                    rows_done=models.F("created_count")
                    + models.F("updated_count")
                    + models.F("skipped_count")
                ),
                name="employee_import_counts_add_up",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="done") | models.Q(rows_done=models.F("total_rows")),
                name="employee_import_done_wrote_every_row",
            ),
        ]

    def __str__(self):
        return self.original_name or self.file_name

    def get_absolute_url(self):
        return reverse("admin:workforce_employeeimportjob_change", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.state in {self.State.DONE, self.State.FAILED}

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.is_finished else 0
        return self.rows_done * 100 // self.total_rows
