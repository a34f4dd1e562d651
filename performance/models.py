"""Performance management (docs/domain.md 4, PermenPANRB 6/2022): yearly cycles with checkpoints,
SKP plans, reviews rated on work results and the seven BerAKHLAK values, the predikat read from a
3 x 3 matrix held as data, objections, corrections, coaching and the reminder delivery log.

Rule numbers (checkpoint frequency, windows, reminder offsets, the matrix, the values, the
distribution guidance) are rows HR can edit, seeded by migrations, never literals in code."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BilingualNameMixin, TrackedModel
from workforce.models import Employee


def parse_day_list(value: str) -> list[int]:
    """ "7,1" -> [7, 1]: distinct whole days, largest first."""
    try:
        days = {int(part) for part in str(value).split(",") if part.strip()}
    except ValueError:
        raise ValidationError(
            _("Enter whole numbers of days separated by commas, e.g. 7,1.")
        ) from None
    if not days or min(days) < 0 or max(days) > 366:
        raise ValidationError(_("Enter whole numbers of days between 0 and 366, e.g. 7,1."))
    return sorted(days, reverse=True)


def validate_day_list(value: str) -> None:
    parse_day_list(value)


class Rating(models.TextChoices):
    ABOVE = "above", _("Above expectation")
    MEETS = "meets", _("Meets expectation")
    BELOW = "below", _("Below expectation")


class Predikat(models.TextChoices):
    """Official names with plain English beside them (the Indonesian catalogue drops the gloss)."""

    SANGAT_BAIK = "sangat_baik", _("Sangat Baik (very good)")
    BAIK = "baik", _("Baik (good)")
    BUTUH_PERBAIKAN = "butuh_perbaikan", _("Butuh Perbaikan (needs improvement)")
    KURANG = "kurang", _("Kurang/Misconduct (poor or misconduct)")
    SANGAT_KURANG = "sangat_kurang", _("Sangat Kurang (very poor)")


# A review with one of these predikat opens a coaching plan (pembinaan).
COACHING_PREDIKAT = (Predikat.BUTUH_PERBAIKAN, Predikat.KURANG, Predikat.SANGAT_KURANG)


class Cycle(TrackedModel):
    """One performance year and its rule values, set by HR."""

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        SEMESTER = "semester", _("Per semester")

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    frequency = models.CharField(
        _("checkpoint frequency"), max_length=10, choices=Frequency.choices, default="quarterly"
    )
    skp_due_date = models.DateField(_("SKP agreed by"))
    review_due_days = models.PositiveSmallIntegerField(
        _("review due (days after a period ends)"), default=10, validators=[MaxValueValidator(90)]
    )
    objection_window_days = models.PositiveSmallIntegerField(
        _("objection window (days)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("Days after a review is finalised in which the employee may object."),
    )
    reminder_offsets = models.CharField(
        _("reminder days before a due date"),
        max_length=40,
        default="7,1",
        validators=[validate_day_list],
        help_text=_("Comma-separated, e.g. 7,1: a reminder 7 days and 1 day before."),
    )
    objection_resolution_days = models.PositiveSmallIntegerField(
        _("objections resolved within (days)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_(
            "Days after an objection is filed in which the evaluator's supervisor or HR "
            "should decide it (a portal deadline, shown on their Today page)."
        ),
    )
    escalation_after_days = models.PositiveSmallIntegerField(
        _("escalate overdue reviews after (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("An overdue review is reported to the supervisor's own supervisor."),
    )
    coaching_followup_days = models.CharField(
        _("coaching follow-ups (days after opening)"),
        max_length=40,
        default="30,60,90",
        validators=[validate_day_list],
    )

    class Meta:
        verbose_name = _("performance cycle")
        verbose_name_plural = _("performance cycles")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)

    @property
    def offsets(self) -> list[int]:
        return parse_day_list(self.reminder_offsets)


class Checkpoint(TrackedModel):
    """A periodic checkpoint (month, quarter or semester) or the annual evaluation."""

    class Kind(models.TextChoices):
        PERIODIC = "periodic", _("Periodic")
        ANNUAL = "annual", _("Annual")

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="checkpoints", verbose_name=_("cycle")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(_("number"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    due_date = models.DateField(_("review due"), db_index=True)

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering = ["cycle", "period_end", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "kind", "number"], name="checkpoint_unique_in_cycle"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="checkpoint_period_ordered",
            ),
        ]

    def __str__(self):
        if self.kind == self.Kind.ANNUAL:
            return _("Annual %(year)s") % {"year": self.cycle.year}
        return _("Period %(number)s, %(year)s") % {"number": self.number, "year": self.cycle.year}


class PredikatRule(TrackedModel):
    """One cell of the predikat matrix (docs/domain.md 4): work results x work behaviour."""

    hasil_kerja = models.CharField(_("work results"), max_length=5, choices=Rating.choices)
    perilaku = models.CharField(_("work behaviour"), max_length=5, choices=Rating.choices)
    predikat = models.CharField(_("predikat"), max_length=20, choices=Predikat.choices)

    class Meta:
        verbose_name = _("predikat matrix cell")
        verbose_name_plural = _("predikat matrix")
        ordering = ["hasil_kerja", "perilaku"]
        constraints = [
            models.UniqueConstraint(fields=["hasil_kerja", "perilaku"], name="predikat_rule_cell")
        ]

    def __str__(self):
        cell = f"{self.get_hasil_kerja_display()} × {self.get_perilaku_display()}"
        return f"{cell}: {self.get_predikat_display()}"


class BehaviourValue(BilingualNameMixin):
    """One of the seven BerAKHLAK core values."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("BerAKHLAK value")
        verbose_name_plural = _("BerAKHLAK values")
        ordering = ["order"]


class DistributionGuidance(TrackedModel):
    """Guidance on the share of staff per predikat, by the organisation's predikat
    (docs/domain.md 4)."""

    organisation_predikat = models.CharField(_("organisation predikat"), max_length=40)
    staff_predikat = models.CharField(_("staff predikat"), max_length=20, choices=Predikat.choices)
    min_percent = models.PositiveSmallIntegerField(
        _("at least (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    max_percent = models.PositiveSmallIntegerField(
        _("at most (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("distribution guidance")
        verbose_name_plural = _("distribution guidance")
        ordering = ["order"]

    def __str__(self):
        return f"{self.organisation_predikat}: {self.get_staff_predikat_display()}"


class Skp(TrackedModel):
    """The performance plan (Sasaran Kinerja Pegawai) of one employee for one year."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AGREED = "agreed", _("Agreed")

    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="skps", verbose_name=_("employee")
    )
    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="skps", verbose_name=_("cycle")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    agreed_at = models.DateTimeField(_("agreed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("SKP")
        verbose_name_plural = _("SKPs")
        ordering = ["-cycle__year", "employee__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "cycle"], name="skp_one_per_employee_year")
        ]
        indexes = [models.Index(fields=["cycle", "status"])]

    def __str__(self):
        return f"SKP {self.cycle.year} · {self.employee.full_name}"

    def get_absolute_url(self):
        return reverse("performance:skp_detail", args=[self.pk])


class Indicator(TrackedModel):
    """A work-result indicator (indikator kinerja) with its target."""

    skp = models.ForeignKey(
        Skp, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("SKP")
    )
    description = models.CharField(_("indicator"), max_length=300)
    target = models.CharField(_("target"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["skp", "order", "pk"]

    def __str__(self):
        return self.description


class Review(TrackedModel):
    """The supervisor's evaluation of one SKP at one checkpoint."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FINAL = "final", _("Awaiting acknowledgement")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        OBJECTED = "objected", _("Objection filed")
        RESOLVED = "resolved", _("Objection resolved")

    skp = models.ForeignKey(
        Skp, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("SKP")
    )
    checkpoint = models.ForeignKey(
        Checkpoint, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("checkpoint")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    hasil_kerja = models.CharField(
        _("work results"), max_length=5, choices=Rating.choices, blank=True
    )
    perilaku = models.CharField(
        _("work behaviour"), max_length=5, choices=Rating.choices, blank=True
    )
    predikat = models.CharField(_("predikat"), max_length=20, choices=Predikat.choices, blank=True)
    feedback = models.TextField(_("feedback"), blank=True)
    development_plan = models.TextField(_("development plan"), blank=True)
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("evaluator"),
    )
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    objection_deadline = models.DateField(_("objections until"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-checkpoint__period_end", "skp__employee__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["skp", "checkpoint"], name="review_one_per_checkpoint"),
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | (~models.Q(hasil_kerja="") & ~models.Q(perilaku="") & ~models.Q(predikat="")),
                name="review_final_has_ratings",
            ),
        ]
        indexes = [models.Index(fields=["status", "objection_deadline"])]

    def __str__(self):
        return f"{self.checkpoint} · {self.skp.employee.full_name}"

    def get_absolute_url(self):
        return reverse("performance:review_detail", args=[self.pk])

    @property
    def is_final(self) -> bool:
        return self.status != self.Status.DRAFT


class IndicatorRating(TrackedModel):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="indicator_ratings")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    rating = models.CharField(_("rating"), max_length=5, choices=Rating.choices)
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        verbose_name = _("indicator rating")
        verbose_name_plural = _("indicator ratings")
        constraints = [
            models.UniqueConstraint(fields=["review", "indicator"], name="indicator_rated_once")
        ]

    def __str__(self):
        return f"{self.indicator}: {self.get_rating_display()}"


class BehaviourRating(TrackedModel):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="behaviour_ratings")
    value = models.ForeignKey(BehaviourValue, on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(_("rating"), max_length=5, choices=Rating.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("behaviour rating")
        verbose_name_plural = _("behaviour ratings")
        ordering = ["value__order"]
        constraints = [
            models.UniqueConstraint(fields=["review", "value"], name="behaviour_rated_once")
        ]

    def __str__(self):
        return f"{self.value}: {self.get_rating_display()}"


class ReviewEvent(TrackedModel):
    """The audit log of a review: who did what, when."""

    class Action(models.TextChoices):
        SAVED = "saved", _("Draft saved")
        FINALISED = "finalised", _("Finalised")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        OBJECTED = "objected", _("Objection filed")
        OBJECTION_UPHELD = "upheld", _("Objection upheld")
        OBJECTION_REJECTED = "rejected", _("Objection rejected")
        CORRECTED = "corrected", _("Corrected")
        COACHING_OPENED = "coaching", _("Coaching plan opened")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("review event")
        verbose_name_plural = _("review events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} · {self.at:%Y-%m-%d %H:%M}"


class Objection(TrackedModel):
    """The employee's objection (keberatan). One per review: the database refuses a second."""

    class Outcome(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Upheld")
        REJECTED = "rejected", _("Rejected")

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="objection")
    reasons = models.TextField(_("reasons"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.OPEN
    )
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-filed_at"]

    def __str__(self):
        return f"{self.review} · {self.get_outcome_display()}"

    def get_absolute_url(self):
        return reverse("performance:review_detail", args=[self.review_id])


class Correction(TrackedModel):
    """The only way a finalised review changes: who, when, before, after and why."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="corrections")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    before = models.JSONField(_("before"))
    after = models.JSONField(_("after"))
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.review} · {self.at:%Y-%m-%d %H:%M}"


class CoachingPlan(TrackedModel):
    """Pembinaan, opened by the service when a review lands on a low predikat."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="coaching_plan")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="coaching_plans")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    actions = models.TextField(_("actions"), blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    # Training is another app; its recommendations are copied here as text when the plan opens
    # (see performance.services.coaching.recommended_training).
    recommended_training = models.TextField(_("recommended training"), blank=True)
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        verbose_name = _("coaching plan")
        verbose_name_plural = _("coaching plans")
        ordering = ["-opened_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="coaching_dates_ordered",
            )
        ]

    def __str__(self):
        return f"{self.employee.full_name} · {self.start_date:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("performance:coaching_detail", args=[self.pk])


class CoachingFollowUp(TrackedModel):
    plan = models.ForeignKey(CoachingPlan, on_delete=models.CASCADE, related_name="follow_ups")
    due_date = models.DateField(_("due date"), db_index=True)
    note = models.TextField(_("note"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("coaching follow-up")
        verbose_name_plural = _("coaching follow-ups")
        ordering = ["plan", "due_date"]

    def __str__(self):
        return f"{self.plan} · {self.due_date:%Y-%m-%d}"


class ReminderDelivery(TrackedModel):
    """One reminder e-mail, claimed by inserting this row. The unique constraint is what makes
    a delivery happen once whatever runs the job twice (see performance.services.reminders)."""

    class Kind(models.TextChoices):
        SKP_DUE = "skp_due", _("SKP to agree")
        REVIEW_DUE = "review_due", _("Review due")
        REVIEW_OVERDUE = "review_overdue", _("Review overdue")
        REVIEW_ESCALATED = "review_escalated", _("Overdue review in your team")
        ACK_PENDING = "ack_pending", _("Review to acknowledge")
        COACHING_FOLLOWUP = "coaching_followup", _("Coaching follow-up")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="performance_reminders"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    object_key = models.CharField(_("object"), max_length=60)
    due_date = models.DateField(_("due date"))
    offset_days = models.SmallIntegerField(_("days before due"))
    run_id = models.CharField(_("run"), max_length=36, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder delivery")
        verbose_name_plural = _("reminder deliveries")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "object_key", "due_date", "offset_days"],
                name="reminder_delivered_once",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.object_key} · {self.due_date}"
