"""Selection periods, their formations (vacancies) and document slots, passing grades and the
verifiers assigned to them (docs/domain.md 1). Every rule number is a field with the documented
default, editable per period by HR."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.clock import end_of_minute
from core.models import BilingualNameMixin, TrackedModel
from core.pagecache import TrackedQuerySet
from workforce.models import AsnType, EducationLevel, Position

MIN_REGISTRATION_DAYS = 15  # PP 11/2017 Pasal 22(2): at least 15 calendar days

# A telephone number as people write it: digits, spaces, "+", "-", "(", ")" and dots.
validate_phone_number = RegexValidator(
    r"^\+?[0-9 ().-]{6,30}$",
    _("Write a telephone number with digits, spaces and +, -, ( or ) only, e.g. 0536 322 1000."),
)


class ProcurementType(models.TextChoices):
    CPNS = "CPNS", _("CPNS (civil servant candidates)")
    PPPK = "PPPK", _("PPPK (contract civil servants)")


class PriorityGroup(models.TextChoices):
    """Who passes first among the ranked PPPK applicants (KepmenPANRB 347/2024 diktum 30; the
    full list is unconfirmed). Codes as in SelectionPeriod.pppk_priority_order."""

    THK2 = "thk2", _("Former honorary staff, category II (eks THK-II)")
    NON_ASN = "non_asn", _("Non-ASN staff working at the institution")
    UMUM = "umum", _("General")


# The PPPK priority groups (KepmenPANRB 347/2024 diktum 30; the full list is unconfirmed) and the
# keys a period's PPPK tie-break order may name.
PRIORITY_GROUPS = tuple(PriorityGroup.values)
PPPK_TIE_BREAK_KEYS = ("teknis", "manajerial_sosiokultural", "wawancara", "older", "gpa")


class FormationCategory(models.TextChoices):
    UMUM = "umum", _("General")
    DISABILITAS = "disabilitas", _("Persons with disabilities")
    CUMLAUDE = "cumlaude", _("Cum laude graduates")
    DIASPORA = "diaspora", _("Diaspora")
    KALIMANTAN = "kalimantan", _("Sons and daughters of Kalimantan")
    PAPUA = "papua", _("Sons and daughters of Papua")
    TIGA_T = "3t", _("Sons and daughters of 3T regions")


def registration_open_q(now=None, prefix: str = "") -> Q:
    """Registration is open: the period is published, not marked closed, and now is inside its
    dates [opens, closes). The one definition of the rule, as a filter (`prefix` reaches the
    period from another model: "period__"); SelectionPeriod.is_registration_open says the same of
    one loaded period, and a test holds the two together at the boundaries."""
    now = now or timezone.now()
    return Q(
        **{
            f"{prefix}is_published": True,
            f"{prefix}registration_closed": False,
            f"{prefix}registration_opens_at__lte": now,
            f"{prefix}registration_closes_at__gt": now,
        }
    )


# The committee's contact point on a period (HR edits them on the period form and in the admin).
CONTACT_FIELDS = (
    "contact_email",
    "contact_phone",
    "contact_whatsapp",
    "contact_hours",
    "contact_address",
)


class SelectionPeriodQuerySet(TrackedQuerySet):
    def registration_open(self, now=None):
        return self.filter(registration_open_q(now))


class FormationQuerySet(TrackedQuerySet):
    def open_for_registration(self, now=None):
        """Published formations whose period's registration is open now."""
        return self.filter(registration_open_q(now, "period__"), is_published=True)


class SelectionPeriod(TrackedModel):
    objects = SelectionPeriodQuerySet.as_manager()

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
            "the announcement (PP 11/2017 Pasal 23)."
        ),
    )
    is_published = models.BooleanField(_("published"), default=False)
    # Recruitment II: screening, scores and ranking rules of this period (docs/domain.md 1.4-1.8).
    second_check_required = models.BooleanField(
        _("second check of screening"),
        default=False,
        help_text=_("A supervisor confirms each verifier's result before it can be announced."),
    )
    skb_multiplier = models.PositiveSmallIntegerField(
        _("applicants to SKB per formation place"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_(
            "PermenPANRB 27/2021 Pasal 40: the best 3 x quota who pass the SKD go to the SKB."
        ),
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
        help_text=_(
            "For formations without SKB parts: the SKB is normalised as (score / maximum) x 100, "
            "like the SKD (out of 550)."
        ),
    )
    skb_cat_min_share = models.PositiveSmallIntegerField(
        _("minimum CAT share of the SKB (%)"),
        default=50,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "A formation's SKB parts weigh the CAT at least this much (half under the 2019 rules; "
            "unconfirmed for PermenPANRB 6/2024)."
        ),
    )
    # The SKD's format (docs/domain.md 1.7): TWK and TIU score points per correct answer (a
    # multiple of them), TKP 1 to 5 per item; the maxima follow from the numbers of items.
    skd_twk_max = models.PositiveSmallIntegerField(_("TWK maximum"), default=150)
    skd_tiu_max = models.PositiveSmallIntegerField(_("TIU maximum"), default=175)
    skd_tkp_max = models.PositiveSmallIntegerField(_("TKP maximum"), default=225)
    skd_points_per_correct = models.PositiveSmallIntegerField(
        _("TWK and TIU points per correct answer"),
        default=5,
        validators=[MinValueValidator(1)],
        help_text=_("TWK and TIU scores are multiples of it; a wrong or blank answer scores 0."),
    )
    skd_reuse_allowed = models.BooleanField(
        _("an SKD result of the previous period may be reused"),
        default=False,
        help_text=_(
            "KepmenPANRB 344/2024: an applicant with the same NIK and education level may carry "
            "the SKD result of the previous period, once."
        ),
    )
    # PPPK competency test (docs/domain.md 1.12; 2024 defaults, KepmenPANRB 347/2024).
    pppk_teknis_max = models.PositiveSmallIntegerField(_("technical test maximum"), default=450)
    pppk_teknis_points = models.PositiveSmallIntegerField(
        _("technical points per correct answer"),
        default=5,
        validators=[MinValueValidator(1)],
        help_text=_("Technical scores are multiples of it."),
    )
    pppk_manajerial_max = models.PositiveSmallIntegerField(
        _("managerial test maximum"), default=100, help_text=_("25 items scored 1 to 4.")
    )
    pppk_sosiokultural_max = models.PositiveSmallIntegerField(
        _("socio-cultural test maximum"), default=80, help_text=_("20 items scored 1 to 4.")
    )
    pppk_wawancara_max = models.PositiveSmallIntegerField(
        _("interview maximum"), default=40, help_text=_("10 items.")
    )
    pppk_passing_grade = models.BooleanField(
        _("PPPK passing grades apply"),
        default=False,
        help_text=_(
            "Off in 2024 (KepmenPANRB 347/2024: ranking only). On: an applicant must reach "
            "each minimum below to be ranked."
        ),
    )
    pppk_teknis_min = models.PositiveSmallIntegerField(
        _("technical minimum"), null=True, blank=True
    )
    pppk_manajerial_sosiokultural_min = models.PositiveSmallIntegerField(
        _("managerial and socio-cultural minimum"), null=True, blank=True
    )
    pppk_wawancara_min = models.PositiveSmallIntegerField(
        _("interview minimum"), null=True, blank=True
    )
    pppk_priority_order = models.CharField(
        _("PPPK priority order"),
        max_length=100,
        default="thk2,non_asn,umum",
        help_text=_(
            "Who passes first among the ranked (KepmenPANRB 347/2024 diktum 30), by priority "
            "group codes separated by commas: thk2 (former honorary staff category II), non_asn "
            "(non-ASN staff working at the institution), umum (everyone else)."
        ),
    )
    pppk_tie_break = models.CharField(
        _("PPPK tie-break order"),
        max_length=100,
        default="teknis,manajerial_sosiokultural,wawancara,older",
        help_text=_(
            "How equal totals are ordered, by key codes separated by commas: teknis, "
            "manajerial_sosiokultural, wawancara (higher first), older (the older first), gpa "
            "(higher first). PermenPANRB 6/2024 Pasal 47(3) sets it; its exact order is "
            "unconfirmed: check the announcement."
        ),
    )
    # The selection committee's contact point, shown where applicants get stuck: the period's
    # help page, the application page, the document upload and the appeal form.
    contact_email = models.EmailField(_("committee e-mail"), blank=True)
    contact_phone = models.CharField(
        _("committee telephone"), max_length=30, blank=True, validators=[validate_phone_number]
    )
    contact_whatsapp = models.CharField(
        _("committee WhatsApp number"),
        max_length=30,
        blank=True,
        validators=[validate_phone_number],
        help_text=_("A number that answers WhatsApp messages, e.g. 0811 5200 1000."),
    )
    contact_hours = models.CharField(
        _("office hours"),
        max_length=200,
        blank=True,
        help_text=_("When the committee answers, e.g. Senin-Jumat 08.00-15.00 WIB."),
    )
    contact_address = models.CharField(
        _("committee office address"),
        max_length=300,
        blank=True,
        help_text=_("Where applicants can come in person."),
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
        errors = {}
        for name, vocabulary in (
            ("pppk_priority_order", PRIORITY_GROUPS),
            ("pppk_tie_break", PPPK_TIE_BREAK_KEYS),
        ):
            codes = [code.strip() for code in (getattr(self, name) or "").split(",")]
            unknown = [code for code in codes if code not in vocabulary]
            if unknown or len(set(codes)) != len(codes):
                errors[name] = _("Use each of these codes at most once: %(codes)s.") % {
                    "codes": ", ".join(vocabulary)
                }
        if errors:
            raise ValidationError(errors)
        if (
            self.skd_weight is not None
            and self.skb_weight is not None
            and self.skd_weight + self.skb_weight != 100
        ):
            raise ValidationError({"skb_weight": _("The SKD and SKB weights must add up to 100.")})
        if self.registration_closes_at:
            # Typed (or imported) to the minute, the deadline covers that whole minute.
            self.registration_closes_at = end_of_minute(self.registration_closes_at)
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

    @property
    def is_pppk(self) -> bool:
        return self.procurement_type == ProcurementType.PPPK

    @property
    def pppk_max(self) -> int:
        return (
            self.pppk_teknis_max
            + self.pppk_manajerial_max
            + self.pppk_sosiokultural_max
            + self.pppk_wawancara_max
        )

    def priority_order(self) -> list[str]:
        return [code.strip() for code in self.pppk_priority_order.split(",") if code.strip()]

    def tie_break_order(self) -> list[str]:
        return [code.strip() for code in self.pppk_tie_break.split(",") if code.strip()]

    def priority_text(self) -> str:
        """The PPPK priority order in words."""
        return ", ".join(
            str(PriorityGroup(code).label)
            for code in self.priority_order()
            if code in PriorityGroup.values
        )

    def tie_break_text(self) -> str:
        """The PPPK tie-break order in words, for applicants and announcements."""
        words = {
            "teknis": _("the higher technical score"),
            "manajerial_sosiokultural": _("the higher managerial and socio-cultural score"),
            "wawancara": _("the higher interview score"),
            "older": _("the older applicant"),
            "gpa": _("the higher GPA"),
        }
        return ", ".join(str(words[key]) for key in self.tie_break_order() if key in words)

    @property
    def has_contact(self) -> bool:
        return any(getattr(self, name) for name in CONTACT_FIELDS)

    @property
    def whatsapp_url(self) -> str:
        """The wa.me link of the committee's WhatsApp number, in the international form that
        link needs (a local 08... number is Indonesian: 628...)."""
        digits = re.sub(r"\D", "", self.contact_whatsapp)
        if not digits:
            return ""
        if digits.startswith("0"):
            digits = "62" + digits[1:]
        return f"https://wa.me/{digits}"

    @property
    def phone_url(self) -> str:
        """tel: link of the committee's telephone number (a phone dials it as written)."""
        number = re.sub(r"[^0-9+]", "", self.contact_phone)
        return f"tel:{number}" if number else ""

    def registration_window_open(self, now=None) -> bool:
        """Inside the registration dates (published or not)."""
        now = now or timezone.now()
        return (
            not self.registration_closed
            and self.registration_opens_at <= now < self.registration_closes_at
        )

    def is_registration_open(self, now=None) -> bool:
        """registration_open_q, for a period already loaded."""
        return self.is_published and self.registration_window_open(now)


class DocumentRequirement(BilingualNameMixin):
    """A document slot of a period, with its format and size limit (docs/domain.md 1.3 defaults)."""

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

    objects = FormationQuerySet.as_manager()

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
    # The chain resident -> discussion -> criteria: the outcomes of forum discussion sessions
    # that shaped this formation. The forums show it back through forums.integration.
    informing_outcomes = models.ManyToManyField(
        "forums.SessionOutcome",
        blank=True,
        related_name="+",
        verbose_name=_("discussion outcomes that informed the criteria"),
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


class PassingGrade(TrackedModel):
    """The SKD passing grade (NAB) of a period for one formation category (docs/domain.md 1.7). An
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
