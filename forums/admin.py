from django.contrib import admin

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


@admin.register(ForumSettings)
class ForumSettingsAdmin(admin.ModelAdmin):
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
    list_filter = ("to_status", "action_kind")
    raw_id_fields = ("topic", "changed_by")


@admin.register(Support, Follow, SessionRegistration, Notification, DigestDelivery)
class PlainAdmin(admin.ModelAdmin):
    list_display = ("__str__",)
    raw_id_fields = ()

    def get_raw_id_fields(self, request):
        return [f.name for f in self.model._meta.fields if f.is_relation]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("__str__", "reporter", "reason", "status", "created_at")
    list_filter = ("status", "reason")
    raw_id_fields = ("topic", "comment", "reporter")


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    list_display = ("at", "kind", "topic", "target_user", "moderator", "reason")
    list_filter = ("kind",)
    raw_id_fields = ("topic", "comment", "target_user", "moderator")

    def has_change_permission(self, request, obj=None):
        return False  # the log is written by the services only

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Suspension)
class SuspensionAdmin(admin.ModelAdmin):
    list_display = ("user", "reason", "until", "lifted_at", "created_by")
    raw_id_fields = ("user", "created_by")


class OutcomeInline(admin.StackedInline):
    model = SessionOutcome
    extra = 0
    filter_horizontal = ("topics",)


@admin.register(DiscussionSession)
class DiscussionSessionAdmin(admin.ModelAdmin):
    list_display = ("title", "starts_at", "sector", "kelurahan", "place")
    list_filter = ("sector", "kelurahan")
    search_fields = ("title", "agenda", "minutes")
    raw_id_fields = ("created_by",)
    inlines = [OutcomeInline]


@admin.register(SessionOutcome)
class SessionOutcomeAdmin(admin.ModelAdmin):
    list_display = ("__str__", "session", "unit")
    filter_horizontal = ("topics",)


@admin.register(IkmElement)
class IkmElementAdmin(admin.ModelAdmin):
    list_display = ("number", "name", "name_en")


@admin.register(IkmGradeBand)
class IkmGradeBandAdmin(admin.ModelAdmin):
    list_display = ("grade", "lower", "upper", "name", "name_en")


@admin.register(IkmPeriod)
class IkmPeriodAdmin(admin.ModelAdmin):
    list_display = ("name", "starts_on", "ends_on")


@admin.register(IkmResponse)
class IkmResponseAdmin(admin.ModelAdmin):
    list_display = ("unit", "period", "respondent", "created_at")
    list_filter = ("period", "unit__sector")
    raw_id_fields = ("respondent",)
