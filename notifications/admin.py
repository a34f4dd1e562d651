from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from notifications.models import BulkMessage, Notification, Preferences


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("subject", "recipient", "category", "kind", "urgent", "created_at", "read_at")
    list_filter = ("category", "urgent", ("read_at", admin.EmptyFieldListFilter), "created_at")
    search_fields = ("subject", "recipient__email", "recipient__full_name", "kind", "key")
    raw_id_fields = ("recipient", "bulk")
    date_hierarchy = "created_at"
    list_select_related = ("recipient",)


@admin.register(Preferences)
class PreferencesAdmin(admin.ModelAdmin):
    list_display = ("user", "phone", "phone_verified_at", "quiet_start", "quiet_end", "updated_at")
    list_filter = (("phone_verified_at", admin.EmptyFieldListFilter),)
    search_fields = ("user__email", "user__full_name", "phone")
    raw_id_fields = ("user",)
    readonly_fields = ("code_hash", "code_sent_at", "code_attempts", "pending_phone")
    list_select_related = ("user",)


@admin.register(BulkMessage)
class BulkMessageAdmin(admin.ModelAdmin):
    list_display = ("subject", "audience", "sender", "recipients", "created_at")
    list_filter = ("created_at",)
    search_fields = ("subject", "audience", "audience_key", "sender__email")
    raw_id_fields = ("sender",)
    readonly_fields = ("recipients", "per_channel", "created_at")
    date_hierarchy = "created_at"
    list_select_related = ("sender",)

    @admin.display(description=_("messages per channel"))
    def channels(self, obj):
        return ", ".join(f"{k}: {v}" for k, v in (obj.per_channel or {}).items())
