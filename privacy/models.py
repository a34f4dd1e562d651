"""Personal-data records (UU 27/2022 PDP): consents, data-subject requests, processing
restrictions and retention runs."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.dataprotection import Category as RestrictionCategory
from accounts.dataprotection import Purpose

__all__ = ["Consent", "DataRequest", "Purpose", "Restriction", "RetentionRun"]


class Consent(models.Model):
    """Proof of consent (Pasal 24): who agreed to which purpose, under which notice version,
    when, and when it was withdrawn. Rows are never edited except to set withdrawn_at."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="privacy_consents",
        verbose_name=_("user"),
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    notice_version = models.CharField(_("privacy notice version"), max_length=20)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at", "-pk"]
        indexes = [models.Index(fields=["user", "purpose"])]
        constraints = [
            # One live consent per purpose and notice version: recording twice is a no-op.
            models.UniqueConstraint(
                fields=["user", "purpose", "notice_version"],
                condition=Q(withdrawn_at__isnull=True),
                name="privacy_consent_once_per_version",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=models.F("given_at")),
                name="privacy_consent_withdrawn_after_given",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_purpose_display()} · {self.notice_version}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class DataRequest(models.Model):
    """A data subject's request (Pasal 6-11), answered by HR within the legal deadline."""

    class Kind(models.TextChoices):
        DELETION = "deletion", _("Delete my data")
        RESTRICTION = "restriction", _("Restrict the processing of my data")
        LIFT_RESTRICTION = "lift_restriction", _("Lift the restriction on my data")
        CORRECTION = "correction", _("Correct my data")
        CONSENT_WITHDRAWAL = "consent_withdrawal", _("Withdraw my consent")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        PARTLY_DONE = "partly_done", _("Partly done")
        REFUSED = "refused", _("Refused")

    OPEN = (Status.RECEIVED, Status.IN_PROGRESS)
    CLOSED = (Status.DONE, Status.PARTLY_DONE, Status.REFUSED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="privacy_requests",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("request"), max_length=20, choices=Kind.choices)
    details = models.TextField(_("details"), blank=True, max_length=4000)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    due_at = models.DateTimeField(_("answer due by"))
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    # Every handling step: [{"at", "by", "status", "action", "detail"}], appended by the services.
    log = models.JSONField(_("handling log"), default=list, blank=True)

    class Meta:
        verbose_name = _("personal-data request")
        verbose_name_plural = _("personal-data requests")
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["status", "due_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_at__gt=models.F("submitted_at")),
                name="privacy_request_due_after_submitted",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["received", "in_progress"])
                | (Q(handled_at__isnull=False) & ~Q(outcome="")),
                name="privacy_request_closed_has_outcome",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()} · {self.user}"

    def get_absolute_url(self):
        return reverse("privacy:request_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def is_overdue(self, now=None) -> bool:
        return self.is_open and self.due_at < (now or timezone.now())


class Restriction(models.Model):
    """A flag that a person's data is kept (under a legal retention) but its processing is
    restricted (Pasal 11), e.g. after a deletion request that could not delete everything."""

    # Defined in accounts so that the apps that must respect a restriction can name it.
    Category = RestrictionCategory

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="privacy_restrictions",
        verbose_name=_("user"),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    object_id = models.PositiveBigIntegerField(_("record"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    request = models.ForeignKey(
        DataRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="restrictions",
        verbose_name=_("request"),
    )
    created_at = models.DateTimeField(_("flagged at"), default=timezone.now)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("processing restriction")
        verbose_name_plural = _("processing restrictions")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "category", "object_id"],
                condition=Q(lifted_at__isnull=True),
                name="privacy_restriction_once",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_category_display()} #{self.object_id or '-'}"


class RetentionRun(models.Model):
    """One run of the retention job: a dry run (a plan) or an applied one, with the counts."""

    dry_run = models.BooleanField(_("dry run"), default=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    # The ids per category (the plan); for an applied run, what was changed.
    details = models.JSONField(_("details"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    triggered_by = models.CharField(_("triggered by"), max_length=20, default="scheduler")
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at", "-pk"]
        constraints = [
            # The claim: one applying run at a time, whatever starts it (beat, a command).
            models.UniqueConstraint(
                fields=["dry_run"],
                condition=Q(dry_run=False, finished_at__isnull=True),
                name="privacy_retention_one_running",
            ),
        ]

    def __str__(self):
        kind = _("dry run") if self.dry_run else _("applied")
        return f"{self.started_at:%Y-%m-%d %H:%M} · {kind}"
