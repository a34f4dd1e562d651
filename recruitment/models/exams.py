"""Exams: sessions, results (SKD, SKB and the final integration), score imports and the
optimisation offers for unfilled formations (docs/domain.md 1.6-1.10)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
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
        return f"{self.name} · {self.date:%Y-%m-%d} {self.starts_at:%H:%M} · {self.location}"


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
    """Final announcement codes (docs/domain.md 1.9)."""

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
