from django.contrib import admin

from core.fields import WIB_ADMIN_DATETIMES
from forums.models import (
    Comment,
    DigestDelivery,
    DiscussionSession,
    Follow,
    ForumSettings,
    IkmElement,
    IkmGradeBand,
    IkmPeriod,
    IkmResponse,
    ModerationAction,
    Notification,
    Report,
    SessionOutcome,
    SessionRegistration,
    StatusChange,
    Support,
    Suspension,
    Topic,
)


class ReadOnlyMixin:
    """Records written only by the forum's services and tasks: a support or a follow moves the
    topic's counters and checks the person may take part; a registration checks the places left;
    a notification or digest row is the claim that an e-mail went out once. Shown, never edited
    here (a deletion request removes a person's rows through privacy)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ForumSettings)
class ForumSettingsAdmin(admin.ModelAdmin):
    # One row: nothing to filter or search (see tests/core/test_admin_complete.py).
    list_display = ("__str__", "auto_hide_reports", "title_max_length", "body_max_length")

    def has_add_permission(self, request):
        return not ForumSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class CommentInline(admin.TabularInline):
    model = Comment
    extra = 0
    fields = ("author", "is_official", "visibility", "body", "created_at")
    raw_id_fields = ("author",)


class StatusChangeInline(admin.StackedInline):
    model = StatusChange
    extra = 0
    raw_id_fields = ("changed_by",)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("title", "sector", "kelurahan", "unit", "status", "visibility", "support_count",
                    "comment_count", "created_at")  # fmt: skip
    list_filter = ("status", "visibility", "is_locked", "sector", "kelurahan")
    search_fields = ("title", "body", "author__email", "author__full_name")
    raw_id_fields = ("author",)
    list_select_related = ("sector", "kelurahan", "unit")
    readonly_fields = ("support_count", "comment_count", "open_report_count", "first_answer_at")
    date_hierarchy = "created_at"
    inlines = [StatusChangeInline, CommentInline]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("topic", "author", "is_official", "visibility", "created_at")
    list_filter = ("is_official", "visibility")
    search_fields = ("body", "author__email")
    raw_id_fields = ("topic", "author")
    list_select_related = ("topic", "author")


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ("topic", "from_status", "to_status", "action_kind", "action_date", "changed_at")
    list_filter = ("to_status", "action_kind", "topic__sector", "topic__kelurahan")
    search_fields = ("topic__title", "note", "action_description", "changed_by__email")
    raw_id_fields = ("topic", "changed_by")
    list_select_related = ("topic",)
    date_hierarchy = "changed_at"


class TopicUserAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """A person's link to a topic (a support or a follow)."""

    list_display = ("topic", "user", "created_at")
    list_filter = ("topic__sector", "topic__kelurahan", "topic__status")
    search_fields = ("topic__title", "user__email", "user__full_name")
    list_select_related = ("topic", "user")
    date_hierarchy = "created_at"


@admin.register(Support)
class SupportAdmin(TopicUserAdmin):
    pass


@admin.register(Follow)
class FollowAdmin(TopicUserAdmin):
    pass


@admin.register(SessionRegistration)
class SessionRegistrationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("user", "session", "created_at")
    list_filter = ("session", "session__sector", "session__kelurahan")
    search_fields = ("user__email", "user__full_name", "session__title")
    list_select_related = ("user", "session")
    date_hierarchy = "created_at"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("user", "event", "object_id", "sent_at")
    list_filter = ("event", "sent_at")
    search_fields = ("user__email", "user__full_name")
    list_select_related = ("user",)
    date_hierarchy = "sent_at"


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("user", "week", "sent_at")
    list_filter = ("week",)
    search_fields = ("user__email", "user__full_name")
    list_select_related = ("user",)
    date_hierarchy = "week"


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("__str__", "reporter", "reason", "status", "created_at")
    list_filter = ("status", "reason", ("comment", admin.EmptyFieldListFilter))
    search_fields = ("topic__title", "note", "reporter__email", "reporter__full_name")
    raw_id_fields = ("topic", "comment", "reporter")
    list_select_related = ("topic", "comment__author", "comment__topic", "reporter")
    date_hierarchy = "created_at"


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    list_display = ("at", "kind", "topic", "target_user", "moderator", "reason")
    list_filter = ("kind", ("moderator", admin.RelatedOnlyFieldListFilter))
    search_fields = (
        "reason",
        "topic__title",
        "target_user__email",
        "target_user__full_name",
        "moderator__email",
    )
    raw_id_fields = ("topic", "comment", "target_user", "moderator")
    list_select_related = ("topic", "target_user", "moderator")
    date_hierarchy = "at"

    def has_change_permission(self, request, obj=None):
        return False  # the log is written by the services only

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Suspension)
class SuspensionAdmin(admin.ModelAdmin):
    list_display = ("user", "reason", "until", "lifted_at", "created_by")
    # Lifted or not; an empty "until" is a suspension until lifted.
    list_filter = (("lifted_at", admin.EmptyFieldListFilter), ("until", admin.EmptyFieldListFilter))
    search_fields = ("user__email", "user__full_name", "reason")
    raw_id_fields = ("user", "created_by")
    list_select_related = ("user", "created_by")
    date_hierarchy = "created_at"
    formfield_overrides = WIB_ADMIN_DATETIMES


class OutcomeInline(admin.StackedInline):
    model = SessionOutcome
    extra = 0
    filter_horizontal = ("topics",)


@admin.register(DiscussionSession)
class DiscussionSessionAdmin(admin.ModelAdmin):
    list_display = ("title", "starts_at", "sector", "kelurahan", "place")
    list_filter = ("sector", "kelurahan", "starts_at")
    list_select_related = ("sector", "kelurahan")
    date_hierarchy = "starts_at"
    formfield_overrides = WIB_ADMIN_DATETIMES
    search_fields = ("title", "agenda", "minutes")
    raw_id_fields = ("created_by",)
    inlines = [OutcomeInline]


@admin.register(SessionOutcome)
class SessionOutcomeAdmin(admin.ModelAdmin):
    list_display = ("__str__", "session", "unit")
    list_filter = ("session", "session__sector", "unit__sector")
    search_fields = ("description", "session__title", "unit__name")
    list_select_related = ("session", "unit")
    filter_horizontal = ("topics",)


# The survey's elements and grade bands are fixed by PermenPANRB 14/2017 (9 and 4 rows, all on
# one page): nothing to filter (see tests/core/test_admin_complete.py).


@admin.register(IkmElement)
class IkmElementAdmin(admin.ModelAdmin):
    list_display = ("number", "name", "name_en")
    search_fields = ("name", "name_en", "question", "question_en")


@admin.register(IkmGradeBand)
class IkmGradeBandAdmin(admin.ModelAdmin):
    list_display = ("grade", "lower", "upper", "name", "name_en")
    search_fields = ("grade", "name", "name_en")


@admin.register(IkmPeriod)
class IkmPeriodAdmin(admin.ModelAdmin):
    list_display = ("name", "starts_on", "ends_on")
    list_filter = ("starts_on",)
    search_fields = ("name",)
    date_hierarchy = "starts_on"


@admin.register(IkmResponse)
class IkmResponseAdmin(admin.ModelAdmin):
    list_display = ("unit", "period", "respondent", "created_at")
    list_filter = ("period", "unit__sector", "unit__kelurahan")
    search_fields = ("unit__name", "period__name", "suggestion", "respondent__email")
    list_select_related = ("unit", "period", "respondent")
    date_hierarchy = "created_at"
    raw_id_fields = ("respondent",)
