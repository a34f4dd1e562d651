"""Exams: sessions, results (SKD, SKB and the final integration), score imports and the
optimisation offers for unfilled formations (docs/domain.md 1.6-1.10)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.models import TrackedModel
from recruitment.models.applications import Application
from recruitment.models.periods import Formation, SelectionPeriod


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
        # Kept in timeline notes and shown to applicants: a date as people write it, with WIB.
        day = date_format(self.date, "j M Y")
        return f"{self.name} · {day} {self.starts_at:%H:%M} WIB · {self.location}"


class Presence(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    DISQUALIFIED = "disqualified", _("Disqualified")


class SkdCode(models.TextChoices):
    """SKD result codes (docs/domain.md 1.7)."""

    PL = "P/L", _("Passed the passing grade and ranked in for the SKB")
    P = "P", _("Passed the passing grade, not ranked in for the SKB")
    TL = "TL", _("Below the passing grade")
    TH = "TH", _("Absent")
    DIS = "DIS", _("Disqualified")


class FinalCode(models.TextChoices):
    """Final announcement codes (docs/domain.md 1.9), the optimisation sub-codes included."""

    L = "L", _("Passed")
    L1 = "L-1", _("Passed after moving to another formation type, same position and education")
    L2 = "L-2", _("Passed after moving formation or location, same education")
    U1 = "U-1", _("Passed by optimisation from a general into a special formation, same location")
    U3 = "U-3", _("Passed by optimisation from a general into a special formation, elsewhere")
    E1 = "E-1", _("Passed by optimisation between special formations, same location")
    E2 = "E-2", _("Passed by optimisation between special formations, elsewhere")
    E3 = "E-3", _("Passed by optimisation from a special into a general formation")
    TL = "TL", _("Not passed")
    TH = "TH", _("Absent")
    TMS = "TMS", _("Did not meet the administrative requirements")
    TMS1 = "TMS-1", _("Eliminated by an elimination test of the SKB")
    APS = "APS", _("Withdrew")
    DIS = "DIS", _("Disqualified")


# The codes of someone who passed, in their own formation or by optimisation.
PASSED_CODES = (
    FinalCode.L,
    FinalCode.L1,
    FinalCode.L2,
    FinalCode.U1,
    FinalCode.U3,
    FinalCode.E1,
    FinalCode.E2,
    FinalCode.E3,
)


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
    # The period's SKD format sets the maxima (SelectionPeriod.skd_*_max): checked by the score
    # services against it.
    twk = models.PositiveSmallIntegerField("TWK", null=True, blank=True)
    tiu = models.PositiveSmallIntegerField("TIU", null=True, blank=True)
    tkp = models.PositiveSmallIntegerField("TKP", null=True, blank=True)
    skd_reused_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reused_by",
        verbose_name=_("SKD result reused from"),
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
    # PPPK competency test (docs/domain.md 1.12): maxima in the period's rule values.
    pppk_presence = models.CharField(
        _("competency test attendance"), max_length=12, choices=Presence.choices, blank=True
    )
    teknis = models.PositiveSmallIntegerField(_("technical"), null=True, blank=True)
    manajerial = models.PositiveSmallIntegerField(_("managerial"), null=True, blank=True)
    sosiokultural = models.PositiveSmallIntegerField(_("socio-cultural"), null=True, blank=True)
    wawancara = models.PositiveSmallIntegerField(_("interview"), null=True, blank=True)
    # Written by the ranking.
    skd_total = models.PositiveSmallIntegerField(_("SKD total"), null=True, blank=True)
    skd_passed = models.BooleanField(_("passed the SKD passing grade"), null=True, blank=True)
    skd_rank = models.PositiveIntegerField(_("SKD rank"), null=True, blank=True)
    skd_code = models.CharField(_("SKD code"), max_length=3, choices=SkdCode.choices, blank=True)
    # The SKB out of 100 of a formation with SKB parts (weights applied), for display.
    skb_weighted = models.DecimalField(
        _("SKB (of 100, weighted parts)"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    final_score = models.DecimalField(
        _("final score"), max_digits=7, decimal_places=3, null=True, blank=True
    )
    final_rank = models.PositiveIntegerField(_("final rank"), null=True, blank=True)
    # Identical to the last one within the quota on every rule of the ranking, across the
    # quota boundary: only HR can decide between them (docs/domain.md 1.8).
    boundary_tie = models.BooleanField(_("tied at the quota boundary"), default=False)
    final_code = models.CharField(
        _("final code"), max_length=5, choices=FinalCode.choices, blank=True
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
        # No index on skd_code or final_code: the queries on them are within a period (reached
        # through the application), and each of the ranking's 50,000-row UPDATEs changing them
        # wrote into both (issue 23: the UPDATE of a period 1.1 s -> 0.55 s without them).
        # The one query across periods, the passers not yet appointed (the needs map's places
        # in selection, recruitment.selectors.appointments.open_places_by_position), reads a
        # partial index of the passers alone: a few in a hundred rows, so the ranking writes
        # few entries into it (at four periods of 50,000: 16 ms with it, 51 ms without it by
        # a scan of every result; the earlier single query took 210 ms).
        indexes = [
            models.Index(
                fields=["application"],
                condition=Q(final_code__in=PASSED_CODES),
                name="exam_result_passed",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(skb__gte=0), name="exam_skb_not_negative"),
        ]

    def __str__(self):
        return f"{self.application} · {self.skd_code or '-'} · {self.final_code or '-'}"


class ScoreImport(TrackedModel):
    """An uploaded score file: checked into a row-level report first, applied all-or-nothing."""

    class Kind(models.TextChoices):
        SKD = "skd", "SKD"
        SKB = "skb", "SKB"
        PPPK = "pppk", _("PPPK competency test")

    period = models.ForeignKey(
        SelectionPeriod,
        on_delete=models.CASCADE,
        related_name="score_imports",
        verbose_name=_("selection period"),
    )
    kind = models.CharField(_("scores"), max_length=4, choices=Kind.choices)
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
    same position and education (docs/domain.md 1.10). HR confirms or declines it."""

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
    code = models.CharField(_("code if confirmed"), max_length=5, choices=FinalCode.choices)
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


class SkbPart(TrackedModel):
    """One part of a formation's SKB (docs/domain.md 1.8): the CAT, or a test of the institution
    (an interview, a practical test...) with its weight, stated on the vacancy page before
    registration opens (PermenPANRB 6/2024 Pasal 22). An elimination part is passed or failed:
    failing it gives TMS-1, whatever the scores. A formation without parts scores its SKB as one
    value out of the period's SKB maximum."""

    class Kind(models.TextChoices):
        CAT = "cat", _("SKB CAT (BKN)")
        INTERVIEW = "interview", _("Interview")
        PRACTICAL = "practical", _("Practical test")
        PSYCHOTEST = "psychotest", _("Psychological test")
        PHYSICAL = "physical", _("Physical test")
        OTHER = "other", _("Other test")

    formation = models.ForeignKey(
        Formation, on_delete=models.CASCADE, related_name="skb_parts", verbose_name=_("formation")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    code = models.SlugField(
        _("column"),
        max_length=20,
        help_text=_("The column of this part in the SKB score file (e.g. cat, wawancara)."),
    )
    weight = models.PositiveSmallIntegerField(
        _("weight (%)"),
        default=0,
        validators=[MaxValueValidator(100)],
        help_text=_("0 for an elimination part, which is passed or failed."),
    )
    max_score = models.PositiveSmallIntegerField(
        _("maximum score"), default=100, validators=[MinValueValidator(1)]
    )
    eliminates = models.BooleanField(
        _("elimination test"),
        default=False,
        help_text=_("Passed or failed; failing it gives TMS-1 (docs/domain.md 1.9)."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("SKB part")
        verbose_name_plural = _("SKB parts")
        ordering = ["formation", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["formation", "code"], name="skb_part_code_unique"),
            models.CheckConstraint(
                condition=Q(eliminates=False) | Q(weight=0), name="skb_part_elimination_no_weight"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.code})"


class SkbScore(TrackedModel):
    """An applicant's result in one part of the SKB: a score, or passed/failed for an
    elimination part."""

    result = models.ForeignKey(
        ExamResult, on_delete=models.CASCADE, related_name="skb_scores", verbose_name=_("result")
    )
    part = models.ForeignKey(
        SkbPart, on_delete=models.CASCADE, related_name="scores", verbose_name=_("SKB part")
    )
    score = models.DecimalField(
        _("score"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    passed = models.BooleanField(_("passed"), null=True, blank=True)

    class Meta:
        verbose_name = _("SKB part score")
        verbose_name_plural = _("SKB part scores")
        ordering = ["result", "part__order"]
        constraints = [
            models.UniqueConstraint(fields=["result", "part"], name="skb_score_once"),
        ]

    def __str__(self):
        return (
            f"{self.result_id} · {self.part} · {self.score if self.passed is None else self.passed}"
        )


class OptimisationCode(TrackedModel):
    """Which code an optimisation placement gets (docs/domain.md 1.9), by the kind of formation
    the applicant sat and the one they are placed in, and whether it is at the same location (the
    same unit). Reference data HR confirms: the exact use of each sub-code is unconfirmed."""

    class Kind(models.TextChoices):
        UMUM = "umum", _("General formation")
        KHUSUS = "khusus", _("Special formation")

    from_kind = models.CharField(_("from"), max_length=6, choices=Kind.choices)
    to_kind = models.CharField(_("into"), max_length=6, choices=Kind.choices)
    same_location = models.BooleanField(_("same location"))
    code = models.CharField(_("code"), max_length=5, choices=FinalCode.choices)
    confirmed = models.BooleanField(
        _("confirmed"),
        default=False,
        help_text=_(
            "Unticked: a default value that HR should confirm against the current regulation."
        ),
    )

    class Meta:
        verbose_name = _("optimisation code")
        verbose_name_plural = _("optimisation codes")
        ordering = ["from_kind", "to_kind", "-same_location"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_kind", "to_kind", "same_location"], name="optimisation_code_once"
            ),
        ]

    def __str__(self):
        where = _("same location") if self.same_location else _("elsewhere")
        return (
            f"{self.get_from_kind_display()} → {self.get_to_kind_display()}, {where}: {self.code}"
        )
