from django.contrib import admin

from privacy.models import Consent, DataRequest, Restriction, RetentionRun


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only by their own workflow (with who and when): shown, never edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ["user", "purpose", "notice_version", "given_at", "withdrawn_at"]
    list_filter = ["purpose", "notice_version", ("withdrawn_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user"]
    date_hierarchy = "given_at"


@admin.register(DataRequest)
class DataRequestAdmin(ReadOnlyAdmin):
    """Answered on the HR page (privacy:request_answer), which applies the retention rules."""

    list_display = ["pk", "user", "kind", "status", "submitted_at", "due_at", "handled_at"]
    list_filter = ["kind", "status"]
    search_fields = ["user__email", "user__full_name", "details", "outcome"]
    list_select_related = ["user"]
    date_hierarchy = "submitted_at"


@admin.register(Restriction)
class RestrictionAdmin(admin.ModelAdmin):
    list_display = ["user", "category", "object_id", "reason", "created_at", "lifted_at"]
    list_filter = ["category", ("lifted_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "user__full_name", "reason"]
    list_select_related = ["user"]
    readonly_fields = ["user", "category", "object_id", "reason", "request", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "dry_run", "triggered_by", "actor", "finished_at", "counts"]
    list_filter = ["dry_run", "triggered_by"]
    search_fields = ["actor__email", "error"]
    list_select_related = ["actor"]
    date_hierarchy = "started_at"
