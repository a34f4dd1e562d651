"""Administrative screening (MS/TMS per document), the decision log, appeals (sanggah) and the
announcements of each stage (docs/domain.md 1.4-1.5)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import BilingualNameMixin, TrackedModel
from recruitment.models.applications import AdminResult, Application, Document
from recruitment.models.periods import DocumentRequirement, SelectionPeriod


class RejectionReason(BilingualNameMixin):
    """A reason a verifier picks for TMS; the list is editable (seeded from docs/domain.md 1.4)."""

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
        SKD_REUSE = "skd_reuse", _("SKD result reused")
        APPOINTMENT = "appointment", _("Appointment")
        PRIORITY_GROUP = "priority_group", _("PPPK priority group verified")

    # No index of its own: the (application, at) index below starts with it and serves every
    # lookup by application; a second one made each of a ranking's 100,000 decisions write one
    # more index entry (issue 23).
    # No foreign-key constraint in the database, on either link (db_constraint=False), as audit
    # logs usually have none (django-auditlog keeps the object's key as text): PostgreSQL checks
    # a constraint row by row, at the commit, and a ranking's 100,000 decisions spent 0.44 s
    # there, a fifth of the whole ranking (issue 23, docs/performance.md). What the constraint
    # guarded still holds: every decision is written by a service with the application it just
    # read in the same transaction, the log is append-only, and deleting an application or a
    # user goes through Django, which deletes the application's decisions (CASCADE) and clears
    # the actor (SET_NULL) itself (tests/recruitment/test_decision_log_links.py).
    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="decisions",
        verbose_name=_("application"),
        db_index=False,
        db_constraint=False,
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
        db_constraint=False,
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
    (docs/domain.md 1.5)."""

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
