"""Community forums (docs/domain.md 5): residents' expectations of public services, official
answers, discussion sessions, the satisfaction survey (IKM) and moderation.

Depends on workforce only (topics are tagged with its sectors, kelurahan and units). Recruitment
reads topics through `forums.selectors`; forums never imports recruitment, so the link from a
formation to the topics that informed it lives on the recruitment side.
"""

import secrets

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import BilingualNameMixin, TrackedModel
from forums.fields import RenderedMarkdownField, TopicSearchDocument
from workforce.models import Kelurahan, Sector, Unit


class ForumSettings(TrackedModel):
    """The forum's rule values as data (one row, pk 1, created by a migration), so moderators
    change them in the admin without a deploy."""

    auto_hide_reports = models.PositiveSmallIntegerField(
        _("open reports that hide a post"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_(
            "A post is hidden until a moderator decides once it has this many open reports."
        ),
    )
    title_max_length = models.PositiveSmallIntegerField(
        _("longest title (characters)"), default=160, validators=[MinValueValidator(10)]
    )
    body_max_length = models.PositiveIntegerField(
        _("longest post (characters)"), default=8000, validators=[MinValueValidator(100)]
    )
    comment_max_length = models.PositiveIntegerField(
        _("longest comment (characters)"), default=4000, validators=[MinValueValidator(100)]
    )
    photo_max_kb = models.PositiveIntegerField(
        _("largest topic photo (KB)"),
        default=500,
        validators=[MinValueValidator(50), MaxValueValidator(5120)],
        help_text=_("Photos are re-encoded as JPEG; one still larger than this is refused."),
    )

    class Meta:
        verbose_name = _("forum settings")
        verbose_name_plural = _("forum settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(auto_hide_reports__gte=1), name="forum_settings_hide_positive"
            ),
        ]

    def __str__(self):
        return str(_("Forum settings"))


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    HIDDEN = "hidden", _("Hidden")
    GRIEVANCE = "grievance", _("Grievance track (not public)")


def topic_photo_upload_to(instance, filename):
    # Server-generated names only: the resident's file name never reaches the file system.
    return f"forums/topics/{secrets.token_hex(16)}.jpg"


class Topic(TrackedModel):
    """A resident's expectation of a public service."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        UNDER_REVIEW = "under_review", _("Under review")
        ANSWERED = "answered", _("Answered")
        ACTED_UPON = "acted_upon", _("Acted upon")

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Markdown: *italic*, **bold**, lists, links."))
    # The text as safe HTML, rendered when the row is saved (pages read it; forums.fields).
    body_html = RenderedMarkdownField(_("text (HTML)"), source="body")
    # The full-text document the search matches and ranks (forums.fields): a column PostgreSQL
    # keeps in step with the title and text, GIN-indexed (migration 0005); NULL on SQLite.
    search_vector = models.GeneratedField(
        expression=TopicSearchDocument(),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="forum_topics",
        verbose_name=_("author"),
    )
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="forum_topics", verbose_name=_("sector")
    )
    kelurahan = models.ForeignKey(
        Kelurahan,
        on_delete=models.PROTECT,
        related_name="forum_topics",
        verbose_name=_("kelurahan"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="forum_topics",
        verbose_name=_("unit"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    visibility = models.CharField(
        _("visibility"), max_length=12, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    moderation_reason = models.CharField(
        _("reason given to the author"), max_length=300, blank=True
    )
    is_locked = models.BooleanField(_("locked"), default=False)
    # On the private default storage; served only through forums:topic_photo, which applies
    # the topic's visibility rules.
    photo = models.FileField(
        _("photo"), upload_to=topic_photo_upload_to, max_length=200, blank=True, null=True
    )
    # Counters kept by the services, so lists sort 20,000 topics without counting rows.
    support_count = models.PositiveIntegerField(_("supports"), default=0)
    comment_count = models.PositiveIntegerField(_("comments"), default=0)
    open_report_count = models.PositiveSmallIntegerField(_("open reports"), default=0)
    first_answer_at = models.DateTimeField(_("first official answer"), null=True, blank=True)
    created_at = models.DateTimeField(_("posted"), default=timezone.now)
    updated_at = models.DateTimeField(_("last edited"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["visibility", "-created_at"], name="forums_topic_new_idx"),
            models.Index(fields=["visibility", "-support_count"], name="forums_topic_support_idx"),
            models.Index(fields=["visibility", "-comment_count"], name="forums_topic_comment_idx"),
            models.Index(fields=["sector", "status"], name="forums_topic_sector_idx"),
            models.Index(fields=["unit", "status"], name="forums_topic_unit_idx"),
            # The moderation queue: the few reported or hidden topics, in its order.
            models.Index(
                fields=["-open_report_count", "-created_at"],
                condition=models.Q(open_report_count__gt=0) | models.Q(visibility="hidden"),
                name="forums_topic_modq_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["received", "under_review", "answered", "acted_upon"]
                ),
                name="forums_topic_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(visibility__in=Visibility.values),
                name="forums_topic_visibility_valid",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("forums:topic_detail", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC


class Comment(TrackedModel):
    """A reply on a topic. An official answer is a comment by staff, marked as the institution's."""

    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, related_name="comments", verbose_name=_("topic")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="forum_comments",
        verbose_name=_("author"),
    )
    body = models.TextField(_("text"))
    body_html = RenderedMarkdownField(_("text (HTML)"), source="body")
    is_official = models.BooleanField(_("official answer"), default=False)
    visibility = models.CharField(
        _("visibility"), max_length=12, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    moderation_reason = models.CharField(
        _("reason given to the author"), max_length=300, blank=True
    )
    open_report_count = models.PositiveSmallIntegerField(_("open reports"), default=0)
    created_at = models.DateTimeField(_("posted"), default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["topic", "created_at"], name="forums_comment_topic_idx"),
            # The moderation queue: the few reported or hidden replies among 200,000, in order.
            models.Index(
                fields=["-open_report_count", "-created_at"],
                condition=models.Q(open_report_count__gt=0) | models.Q(visibility="hidden"),
                name="forums_comment_modq_idx",
            ),
        ]

    def __str__(self):
        return f"{self.author} · {self.topic}"

    def get_absolute_url(self):
        # A link that finds the reply's page of the topic when it is followed (forums.views).
        return reverse("forums:comment_link", args=[self.pk])


class Support(TrackedModel):
    """A resident's "me too" on a topic: one per user, enforced by the database."""

    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, related_name="supports", verbose_name=_("topic")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="forum_supports",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(fields=["topic", "user"], name="forums_support_once"),
        ]

    def __str__(self):
        return f"{self.user} + {self.topic}"


class Follow(TrackedModel):
    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, related_name="follows", verbose_name=_("topic")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="forum_follows",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(fields=["topic", "user"], name="forums_follow_once"),
        ]

    def __str__(self):
        return f"{self.user} → {self.topic}"


class StatusChange(TrackedModel):
    """One step of a topic's history, with what was done when it was acted upon."""

    class ActionKind(models.TextChoices):
        VACANCY = "vacancy", _("Vacancy opened")
        TRAINING = "training", _("Training programme")
        STAFFING = "staffing", _("Staffing change")
        OTHER = "other", _("Other")

    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("topic")
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Topic.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Topic.Status.choices)
    note = models.TextField(_("note"), blank=True)
    action_kind = models.CharField(
        _("what was done"), max_length=12, choices=ActionKind.choices, blank=True
    )
    action_description = models.TextField(_("description of what was done"), blank=True)
    action_url = models.CharField(
        _("link within the portal"),
        max_length=300,
        blank=True,
        help_text=_("A path on this portal, e.g. the vacancy page: /recruitment/vacancies/12/."),
    )
    action_date = models.DateField(_("done on"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["changed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(to_status="acted_upon")
                | (~models.Q(action_kind="") & models.Q(action_date__isnull=False)),
                name="forums_acted_upon_says_what",
            ),
        ]

    def __str__(self):
        return f"{self.topic}: {self.from_status} → {self.to_status}"

    def clean(self):
        if self.action_url and (
            not self.action_url.startswith("/") or self.action_url.startswith("//")
        ):
            raise ValidationError(
                {"action_url": _("Give a path on this portal that starts with a single /.")}
            )


class Report(TrackedModel):
    """A user's report of a topic or a comment, for the moderators."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        ABUSE = "abuse", _("Insults, threats or hate")
        NAMES_EMPLOYEE = "names_employee", _("Names or accuses an individual employee")
        PERSONAL_DATA = "personal_data", _("Personal data (NIK, phone, address)")
        OFF_TOPIC = "off_topic", _("Not about a public service")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Upheld")
        DISMISSED = "dismissed", _("Dismissed")

    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, related_name="reports", verbose_name=_("topic")
    )
    comment = models.ForeignKey(
        Comment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("comment"),
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="forum_reports",
        verbose_name=_("reported by"),
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "reporter"],
                condition=models.Q(comment__isnull=True),
                name="forums_report_topic_once",
            ),
            models.UniqueConstraint(
                fields=["comment", "reporter"],
                condition=models.Q(comment__isnull=False),
                name="forums_report_comment_once",
            ),
        ]

    def __str__(self):
        return f"{self.get_reason_display()} · {self.comment or self.topic}"


class ModerationAction(TrackedModel):
    """The moderation log: every decision, by whom, why. Automatic hiding is logged too."""

    class Kind(models.TextChoices):
        AUTO_HIDE = "auto_hide", _("Hidden automatically after reports")
        HIDE = "hide", _("Hidden")
        UNHIDE = "unhide", _("Published again")
        LOCK = "lock", _("Locked")
        UNLOCK = "unlock", _("Unlocked")
        RETAG = "retag", _("Re-tagged")
        GRIEVANCE = "grievance", _("Moved to the grievance track")
        DISMISS = "dismiss", _("Reports dismissed")
        SUSPEND = "suspend", _("User suspended")
        UNSUSPEND = "unsuspend", _("Suspension lifted")

    kind = models.CharField(_("action"), max_length=12, choices=Kind.choices)
    topic = models.ForeignKey(
        Topic,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="moderation_actions",
        verbose_name=_("topic"),
    )
    comment = models.ForeignKey(
        Comment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="moderation_actions",
        verbose_name=_("comment"),
    )
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user concerned"),
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderator"),
        help_text=_("Empty when the portal acted by its rules."),
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation log")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class Suspension(TrackedModel):
    """A user may not post, comment, support or report until `until` (empty: until lifted)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="forum_suspensions",
        verbose_name=_("user"),
    )
    reason = models.CharField(_("reason given to the user"), max_length=300)
    until = models.DateTimeField(_("until"), null=True, blank=True)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("suspended by"),
    )
    created_at = models.DateTimeField(_("suspended at"), default=timezone.now)

    class Meta:
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} ({self.reason})"


# --- discussion sessions -------------------------------------------------------------------


class DiscussionSession(TrackedModel):
    """A forum diskusi: a meeting with residents, per sector or kelurahan."""

    title = models.CharField(_("title"), max_length=200)
    sector = models.ForeignKey(
        Sector,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forum_sessions",
        verbose_name=_("sector"),
    )
    kelurahan = models.ForeignKey(
        Kelurahan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forum_sessions",
        verbose_name=_("kelurahan"),
    )
    agenda = models.TextField(_("agenda"), help_text=_("Markdown."))
    agenda_html = RenderedMarkdownField(_("agenda (HTML)"), source="agenda")
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online meeting link"), blank=True)
    capacity = models.PositiveSmallIntegerField(_("places"), null=True, blank=True)
    minutes = models.TextField(_("minutes"), blank=True, help_text=_("Markdown."))
    minutes_html = RenderedMarkdownField(_("minutes (HTML)"), source="minutes")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organised by"),
    )

    class Meta:
        verbose_name = _("discussion session")
        verbose_name_plural = _("discussion sessions")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(place="", online_url=""), name="forums_session_has_a_place"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("forums:session_detail", args=[self.pk])


class SessionRegistration(TrackedModel):
    session = models.ForeignKey(
        DiscussionSession,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("session"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="forum_session_registrations",
        verbose_name=_("resident"),
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="forums_registration_once"),
        ]

    def __str__(self):
        return f"{self.user} · {self.session}"


class SessionOutcome(TrackedModel):
    """What a session decided. Linked to topics and units here; recruitment links its formations
    to outcomes on its own side (forums never imports recruitment)."""

    session = models.ForeignKey(
        DiscussionSession,
        on_delete=models.CASCADE,
        related_name="outcomes",
        verbose_name=_("session"),
    )
    description = models.TextField(_("outcome"))
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="session_outcomes", verbose_name=_("topics")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="forum_outcomes",
        verbose_name=_("unit"),
    )
    url = models.CharField(
        _("link within the portal"),
        max_length=300,
        blank=True,
        help_text=_("A path on this portal, e.g. the formation's vacancy page."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("session outcome")
        verbose_name_plural = _("session outcomes")
        ordering = ["session", "order", "pk"]

    def __str__(self):
        return self.description[:80]

    def get_absolute_url(self):
        return reverse("forums:session_detail", args=[self.session_id]) + f"#outcome-{self.pk}"


# --- satisfaction survey (IKM, PermenPANRB 14/2017) -----------------------------------------


class IkmElement(BilingualNameMixin):
    """One of the nine survey elements (docs/domain.md 5), seeded by a migration."""

    number = models.PositiveSmallIntegerField(
        _("number"), unique=True, validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    question = models.CharField(_("question (Bahasa Indonesia)"), max_length=300)
    question_en = models.CharField(_("question (English)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("IKM element")
        verbose_name_plural = _("IKM elements")
        ordering = ["number"]


class IkmGradeBand(BilingualNameMixin):
    """A grade band on the converted scale (25–100), seeded from docs/domain.md 5."""

    grade = models.CharField(_("grade"), max_length=1, unique=True)
    lower = models.DecimalField(_("from (converted)"), max_digits=5, decimal_places=2)
    upper = models.DecimalField(_("to (converted)"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("IKM grade band")
        verbose_name_plural = _("IKM grade bands")
        ordering = ["-lower"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lower__lte=models.F("upper")), name="forums_band_ordered"
            ),
        ]


class IkmPeriod(TrackedModel):
    """A survey round, e.g. "Semester I 2026"."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))

    class Meta:
        verbose_name = _("IKM period")
        verbose_name_plural = _("IKM periods")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__lte=models.F("ends_on")),
                name="forums_ikm_period_ordered",
            ),
        ]

    def __str__(self):
        return self.name

    def is_open_on(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on


SCORE_FIELDS = tuple(f"u{n}" for n in range(1, 10))
_score = [MinValueValidator(1), MaxValueValidator(4)]


class IkmResponse(TrackedModel):
    """One resident's answers for one unit in one period (u1..u9 = elements 1..9, 1–4)."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="ikm_responses", verbose_name=_("unit")
    )
    period = models.ForeignKey(
        IkmPeriod, on_delete=models.PROTECT, related_name="responses", verbose_name=_("period")
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="ikm_responses",
        verbose_name=_("respondent"),
    )
    u1 = models.PositiveSmallIntegerField("U1", validators=_score)
    u2 = models.PositiveSmallIntegerField("U2", validators=_score)
    u3 = models.PositiveSmallIntegerField("U3", validators=_score)
    u4 = models.PositiveSmallIntegerField("U4", validators=_score)
    u5 = models.PositiveSmallIntegerField("U5", validators=_score)
    u6 = models.PositiveSmallIntegerField("U6", validators=_score)
    u7 = models.PositiveSmallIntegerField("U7", validators=_score)
    u8 = models.PositiveSmallIntegerField("U8", validators=_score)
    u9 = models.PositiveSmallIntegerField("U9", validators=_score)
    suggestion = models.TextField(_("suggestion"), blank=True)
    created_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        verbose_name = _("IKM response")
        verbose_name_plural = _("IKM responses")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period", "respondent"], name="forums_ikm_once_per_period"
            ),
            *(
                models.CheckConstraint(
                    condition=models.Q(**{f"{name}__gte": 1, f"{name}__lte": 4}),
                    name=f"forums_ikm_{name}_1_to_4",
                )
                for name in SCORE_FIELDS
            ),
        ]

    def __str__(self):
        return f"{self.unit} · {self.period} · {self.respondent}"


# --- notifications -------------------------------------------------------------------------


class Notification(TrackedModel):
    """One e-mail about one event to one follower. The unique triple is the claim: a retried or
    duplicated task finds the row and sends nothing."""

    class Event(models.TextChoices):
        COMMENT = "comment", _("Reply")
        OFFICIAL = "official", _("Official answer")
        STATUS = "status", _("Status change")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="forum_notifications",
        verbose_name=_("user"),
    )
    event = models.CharField(_("event"), max_length=10, choices=Event.choices)
    object_id = models.PositiveBigIntegerField(_("object"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "event", "object_id"], name="forums_notification_once"
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.event} {self.object_id}"


class DigestDelivery(TrackedModel):
    """The weekly digest sent to one user for the week starting `week` (a Monday)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="forum_digests",
        verbose_name=_("user"),
    )
    week = models.DateField(_("week of"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("digest delivery")
        verbose_name_plural = _("digest deliveries")
        constraints = [
            models.UniqueConstraint(fields=["user", "week"], name="forums_digest_once"),
        ]

    def __str__(self):
        return f"{self.user} {self.week}"
