"""Training and competence development (docs/domain.md 3): programmes, their sessions and meetings,
enrolments with attendance and results, certificates, feedback, the yearly JP rule values and the
reminder claims.

Rules the database can hold are constraints here; the rest (capacity, overlaps, the enrolment
window) are checked in training/services under a row lock.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from core.models import TrackedModel
from workforce.models import Employee, Position, Sector
from workforce.validators import validate_nip

# docs/domain.md 3: PNS at least 20 JP a year (PP 11/2017 Pasal 203(4)); PPPK at most 24 JP a
# contract year (PP 49/2018 Pasal 40(1)). Defaults of a new TrainingYearRule; HR edits them per
# year.
DEFAULT_PNS_MIN_JP = 20
DEFAULT_PPPK_MAX_JP = 24
DEFAULT_REMINDER_DAYS = 60


class TrainingYearRule(TrackedModel):
    """The JP rule values of one year, editable in the admin so a new regulation needs no
    deploy. A year without a row uses the defaults above (see selectors.rules.rule_for_year)."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    pns_min_jp = models.PositiveSmallIntegerField(
        _("PNS minimum JP a year"),
        default=DEFAULT_PNS_MIN_JP,
        validators=[MinValueValidator(1)],
        help_text=_("PP 11/2017 Pasal 203(4): at least 20 JP a year."),
    )
    pppk_max_jp = models.PositiveSmallIntegerField(
        _("PPPK maximum JP a contract year"),
        default=DEFAULT_PPPK_MAX_JP,
        validators=[MinValueValidator(1)],
        help_text=_("PP 49/2018 Pasal 40(1): at most 24 JP a contract year (a cap, not a floor)."),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder days before the year ends"),
        default=DEFAULT_REMINDER_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("From this many days before 31 December, people short of JP are reminded."),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("training year rule")
        verbose_name_plural = _("training year rules")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pns_min_jp__gt=0, pppk_max_jp__gt=0, reminder_days__gt=0),
                name="training_rule_positive",
            )
        ]

    def __str__(self):
        return str(self.year)


class Programme(TrackedModel):
    class Kind(models.TextChoices):
        LATSAR = "latsar", _("Latsar CPNS (basic training)")
        PPPK_ORIENTATION = "pppk_orientation", _("PPPK orientation")
        TECHNICAL = "technical", _("Technical")
        MANAGERIAL = "managerial", _("Managerial")
        SOCIO_CULTURAL = "socio_cultural", _("Socio-cultural and soft skills")

    class Mode(models.TextChoices):
        CLASSICAL = "classical", _("Classical")
        BLENDED = "blended", _("Blended")
        DISTANCE = "distance", _("Distance learning")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    competencies = models.CharField(
        _("competencies developed"),
        max_length=400,
        blank=True,
        help_text=_("Comma-separated, e.g. komunikasi, pelayanan publik, asuhan keperawatan."),
    )
    target_sectors = models.ManyToManyField(
        Sector, blank=True, related_name="training_programmes", verbose_name=_("target sectors")
    )
    target_positions = models.ManyToManyField(
        Position,
        blank=True,
        related_name="training_programmes",
        verbose_name=_("target positions"),
    )
    jp = models.PositiveSmallIntegerField(
        _("study hours (JP)"), validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    provider = models.CharField(_("provider"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("minimum attendance (%)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    pass_score = models.DecimalField(
        _("pass score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Leave empty when the programme has no assessment."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    answers_topics = models.ManyToManyField(
        "forums.Topic",
        blank=True,
        related_name="+",
        verbose_name=_("residents' topics it answers"),
    )
    # Who signs the programme's certificates: the head of the office that runs it (the Camat for
    # the kecamatan's own courses, the head of BPSDM for Latsar...). Each certificate keeps the
    # signatory it was issued with (Certificate.signatory_*): a new Camat does not re-sign last
    # year's certificates.
    signatory_name = models.CharField(
        _("signatory's name"),
        max_length=120,
        blank=True,
        help_text=_(
            "Printed under the signature on the certificates, with the titles as they should "
            "appear, e.g. Drs. Ahmad Syahrani, M.Si. A change applies to the certificates "
            "issued from then on."
        ),
    )
    signatory_position = models.CharField(
        _("signatory's position"),
        max_length=200,
        blank=True,
        default="Camat Rakumpit",
        help_text=_("As printed above the signature, e.g. Camat Rakumpit."),
    )
    signatory_nip = models.CharField(
        _("signatory's NIP"),
        max_length=18,
        blank=True,
        validators=[validate_nip],
        help_text=_("18 digits, printed under the name; leave empty for a signatory without one."),
    )

    class Meta:
        verbose_name = _("training programme")
        verbose_name_plural = _("training programmes")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(jp__gt=0),
                name="programme_jp_positive",
                violation_error_message=_("The study hours (JP) must be more than zero."),
            ),
            models.CheckConstraint(
                condition=models.Q(min_attendance_percent__gt=0, min_attendance_percent__lte=100),
                name="programme_attendance_percent",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("training:programme_detail", args=[self.pk])

    @property
    def is_latsar(self) -> bool:
        return self.kind == self.Kind.LATSAR

    @property
    def competency_list(self) -> list[str]:
        return [c.strip() for c in self.competencies.split(",") if c.strip()]


def material_upload_to(instance, filename):
    return f"training/materials/{instance.programme_id}/{filename}"


class Material(TrackedModel):
    """A file or a link a programme's participants read."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="materials", verbose_name=_("programme")
    )
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"), blank=True)
    file = models.FileField(_("file"), upload_to=material_upload_to, blank=True, max_length=200)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["programme", "title"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(url="") | ~models.Q(file=""),
                name="material_link_or_file",
                violation_error_message=_("A material needs a link or a file."),
            )
        ]

    def __str__(self):
        return self.title


def date_range(start, end) -> str:
    """A period of days written short, in the active language (see Session.date_range)."""
    if start is None or end is None:
        return ""
    if start == end:
        return formats.date_format(start, "j M Y")
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{formats.date_format(end, 'j M Y')}"
    if start.year == end.year:
        return f"{formats.date_format(start, 'j M')} – {formats.date_format(end, 'j M Y')}"
    return f"{formats.date_format(start, 'j M Y')} – {formats.date_format(end, 'j M Y')}"


class Session(TrackedModel):
    """One run of a programme: dates, place or link, trainer, seats and enrolment window."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("programme")
    )
    title = models.CharField(
        _("batch"),
        max_length=200,
        blank=True,
        help_text=_("The batch that tells this run apart, e.g. Batch 2 or Online I."),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    trainer = models.CharField(_("trainer"), max_length=200)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    enrolment_opens_on = models.DateField(_("enrolment opens on"))
    enrolment_closes_on = models.DateField(_("enrolment closes on"))
    guests = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="SessionGuest",
        blank=True,
        related_name="training_sessions_as_guest",
        verbose_name=_("invited residents"),
    )

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["starts_on", "pk"]
        indexes = [models.Index(fields=["starts_on", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="session_ends_after_start",
                violation_error_message=_("A session cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=models.Q(enrolment_closes_on__gte=models.F("enrolment_opens_on")),
                name="session_window_order",
                violation_error_message=_("Enrolment cannot close before it opens."),
            ),
            models.CheckConstraint(
                condition=models.Q(enrolment_closes_on__lte=models.F("ends_on")),
                name="session_window_before_end",
                violation_error_message=_("Enrolment must close by the last day of the session."),
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__gt=0), name="session_capacity_positive"
            ),
        ]

    def __str__(self):
        """Programme, batch and dates, in the active language: "Pelayanan Prima — Batch 2
        (3–5 Mar 2027)". Everywhere a session is named, so two runs are never confused."""
        return f"{self.name} ({self.date_range})"

    @property
    def name(self) -> str:
        """Programme and batch, without the dates (a calendar event has its own)."""
        return f"{self.programme.name} — {self.title}" if self.title else self.programme.name

    @property
    def date_range(self) -> str:
        """The dates written out short, the shared parts once: "3–5 Mar 2027",
        "28 Feb – 2 Mar 2027", "30 Dec 2026 – 2 Jan 2027" (month names localised)."""
        return date_range(self.starts_on, self.ends_on)

    @property
    def enrolment_window(self) -> str:
        return date_range(self.enrolment_opens_on, self.enrolment_closes_on)

    def get_absolute_url(self):
        return reverse("training:session_detail", args=[self.pk])

    def window_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.enrolment_opens_on <= today <= self.enrolment_closes_on


class SessionGuest(TrackedModel):
    """A resident invited to a session (community involvement), as a speaker or an observer."""

    class Role(models.TextChoices):
        SPEAKER = "speaker", _("Speaker")
        OBSERVER = "observer", _("Observer")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="guest_links", verbose_name=_("session")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="training_invitations",
        verbose_name=_("resident"),
        limit_choices_to={"groups__name": "resident"},
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    # Set when the invitation e-mail is claimed for sending (training.tasks): sent once.
    notified_at = models.DateTimeField(
        _("told by e-mail at"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("invited resident")
        verbose_name_plural = _("invited residents")
        ordering = ["session", "role"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="session_guest_once")
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()}"

    def clean(self):
        if self.user_id and not self.user.groups.filter(name="resident").exists():
            raise ValidationError({"user": _("Only residents can be invited to a session.")})


class Meeting(TrackedModel):
    """One meeting (day or part) of a session; attendance is taken per meeting."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("session")
    )
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    date = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["session", "number"]
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="meeting_number_unique")
        ]

    def __str__(self):
        return f"{self.session} #{self.number}"


class Enrolment(TrackedModel):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested, awaiting the supervisor")
        ENROLLED = "enrolled", _("Enrolled")
        WAITLISTED = "waitlisted", _("On the waiting list")
        REJECTED = "rejected", _("Rejected by the supervisor")
        CANCELLED = "cancelled", _("Cancelled")

    class Result(models.TextChoices):
        PENDING = "pending", _("Not yet assessed")
        PASSED = "passed", _("Passed")
        NOT_PASSED = "not_passed", _("Not passed")

    # Statuses that hold a place (or a claim on one); the others are history.
    ACTIVE = (Status.REQUESTED, Status.ENROLLED, Status.WAITLISTED)

    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("session")
    )
    employee = models.ForeignKey(
        Employee,
        on_delete=models.PROTECT,
        related_name="training_enrolments",
        verbose_name=_("employee"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    result = models.CharField(
        _("result"), max_length=12, choices=Result.choices, default=Result.PENDING
    )
    score = models.DecimalField(
        _("assessment score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    attendance_percent = models.PositiveSmallIntegerField(
        _("attendance (%)"), null=True, blank=True, editable=False
    )
    # Denormalised from the programme at creation, so the one-attempt rule is a unique index.
    is_latsar = models.BooleanField(_("Latsar CPNS attempt"), default=False, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested or enrolled by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["session", "status", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "employee"],
                condition=models.Q(status__in=["requested", "enrolled", "waitlisted"]),
                name="enrolment_once_per_session",
                violation_error_message=_("This employee is already enrolled in this session."),
            ),
            models.UniqueConstraint(
                fields=["employee"],
                condition=models.Q(is_latsar=True)
                & ~models.Q(status__in=["rejected", "cancelled"]),
                name="enrolment_latsar_one_attempt",
                violation_error_message=_("Latsar CPNS allows one attempt only."),
            ),
        ]

    def __str__(self):
        return f"{self.employee.full_name} · {self.session}"

    def get_absolute_url(self):
        return reverse("training:enrolment_detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class Attendance(TrackedModel):
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("enrolment")
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("meeting")
    )
    present = models.BooleanField(_("present"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "enrolment"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "meeting"], name="attendance_once")
        ]

    def __str__(self):
        return f"{self.enrolment} #{self.meeting.number}: {self.present}"


class Certificate(TrackedModel):
    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.PROTECT, related_name="certificate", verbose_name=_("enrolment")
    )
    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    verification_code = models.CharField(_("verification code"), max_length=16, unique=True)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    # The programme's signatory when the certificate was issued (Programme.signatory_*).
    signatory_name = models.CharField(_("signatory's name"), max_length=120, blank=True)
    signatory_position = models.CharField(_("signatory's position"), max_length=200, blank=True)
    signatory_nip = models.CharField(_("signatory's NIP"), max_length=18, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("training:certificate_pdf", args=[self.enrolment_id])


class Feedback(TrackedModel):
    """What an attendee thought of a session, on 1-5 scales."""

    SCALE = [MinValueValidator(1), MaxValueValidator(5)]

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("enrolment")
    )
    relevance = models.PositiveSmallIntegerField(_("relevance to my work"), validators=SCALE)
    trainer = models.PositiveSmallIntegerField(_("the trainer"), validators=SCALE)
    materials = models.PositiveSmallIntegerField(_("the materials"), validators=SCALE)
    comments = models.TextField(_("comments"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    relevance__range=(1, 5), trainer__range=(1, 5), materials__range=(1, 5)
                ),
                name="feedback_scale",
            )
        ]

    def __str__(self):
        return f"{self.enrolment}: {self.relevance}/{self.trainer}/{self.materials}"


class JpReminder(TrackedModel):
    """One JP reminder e-mail. The unique row is the claim: a second run of the task (or a
    second worker) finds it and sends nothing."""

    class Kind(models.TextChoices):
        EMPLOYEE = "employee", _("To the employee")
        SUPERVISOR = "supervisor", _("To the supervisor")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="jp_reminders",
        verbose_name=_("recipient"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("JP reminder")
        verbose_name_plural = _("JP reminders")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "year", "kind"], name="jp_reminder_once")
        ]

    def __str__(self):
        return f"{self.recipient} {self.year} {self.kind}"


class GapCompetency(TrackedModel):
    """Which programme competencies answer a gap found in a performance review: a BerAKHLAK
    value rated below expectation (by the value's code) or an SKP indicator rated below
    expectation (by a word or phrase of the indicator). HR edits the rows in the admin; the
    recommendations (training.selectors.recommendations) read them, so a review gap finds the
    programmes whose competencies are listed here."""

    class Source(models.TextChoices):
        VALUE = "value", _("BerAKHLAK value")
        INDICATOR = "indicator", _("SKP indicator")

    source = models.CharField(_("gap in"), max_length=10, choices=Source.choices)
    code = models.CharField(
        _("value code or indicator words"),
        max_length=120,
        help_text=_(
            "For a BerAKHLAK value its code, e.g. berorientasi-pelayanan. For an SKP indicator "
            "a word or phrase found in the indicator, e.g. imunisasi."
        ),
    )
    competencies = models.CharField(
        _("competencies that answer it"),
        max_length=400,
        help_text=_(
            "Comma-separated, as written in the programmes' competencies, e.g. komunikasi, "
            "pelayanan publik."
        ),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("review gap and its competencies")
        verbose_name_plural = _("review gaps and their competencies")
        ordering = ["source", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "code"],
                name="gap_competency_once",
                violation_error_message=_("This gap already has a row: edit that one."),
            )
        ]

    def __str__(self):
        return f"{self.get_source_display()}: {self.code} → {self.competencies}"

    def clean(self):
        # Matched case-insensitively; stored lower-case so the unique constraint sees one spelling.
        self.code = self.code.strip().lower()

    @property
    def competency_list(self) -> list[str]:
        return [c.strip().lower() for c in self.competencies.split(",") if c.strip()]
