"""The appointment that closes a selection: the people who passed become employees of the
workforce register, on the formation's position, linked to their account (docs/domain.md 1.1
step 10: pemberkasan, NIP issuance, TMT)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TrackedModel
from recruitment.models.applications import Application
from recruitment.models.periods import Formation
from workforce.models import Employee
from workforce.validators import validate_nip


class Appointment(TrackedModel):
    """HR's appointment of one applicant who passed (L, L-1, L-2, U-1...), or the record that the
    person declined the place (it goes back to optimisation). Every change is logged as a
    Decision; an appointment is undone only by a correction with its reason."""

    class Status(models.TextChoices):
        APPOINTED = "appointed", _("Appointed")
        DECLINED = "declined", _("Declined the place")
        CANCELLED = "cancelled", _("Appointment cancelled (correction)")

    application = models.OneToOneField(
        Application,
        on_delete=models.PROTECT,
        related_name="appointment",
        verbose_name=_("application"),
    )
    formation = models.ForeignKey(
        Formation,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("formation placed in"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    tmt = models.DateField(_("start date (TMT)"), null=True, blank=True)
    nip = models.CharField(
        _("NIP or NI PPPK"),
        max_length=18,
        blank=True,
        validators=[validate_nip],
        help_text=_("Issued by BKN; it can be added to the employee record later."),
    )
    contract_years = models.PositiveSmallIntegerField(
        _("contract (years)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("PPPK: at least 1 year (PP 49/2018), in practice up to 5."),
    )
    employee = models.OneToOneField(
        Employee,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointment",
        verbose_name=_("employee record"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"))
    note = models.TextField(_("note"), blank=True, max_length=1000)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["formation", "application__registration_number"]
        indexes = [models.Index(fields=["formation", "status"])]

    def __str__(self):
        return f"{self.application} · {self.get_status_display()}"
