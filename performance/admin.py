from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from performance.models import (
    BehaviourValue,
    Checkpoint,
    CoachingFollowUp,
    CoachingPlan,
    Correction,
    Cycle,
    DistributionGuidance,
    Indicator,
    Objection,
    PredikatRule,
    ReminderDelivery,
    Review,
    ReviewEvent,
    Skp,
)
from performance.services.cycles import checkpoints_generate


class CheckpointInline(admin.TabularInline):
    model = Checkpoint
    extra = 0


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = (
        "year",
        "frequency",
        "skp_due_date",
        "objection_window_days",
        "reminder_offsets",
        "escalation_after_days",
    )
    inlines = [CheckpointInline]
    actions = ["generate_checkpoints"]

    @admin.action(description=_("Generate the checkpoints of the selected cycles"))
    def generate_checkpoints(self, request, queryset):
        for cycle in queryset:
            checkpoints_generate(cycle=cycle)
        self.message_user(request, _("Checkpoints generated."), messages.SUCCESS)


@admin.register(Checkpoint)
class CheckpointAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "period_start", "period_end", "due_date")
    list_filter = ("cycle", "kind")
    list_select_related = ("cycle",)


@admin.register(PredikatRule)
class PredikatRuleAdmin(admin.ModelAdmin):
    list_display = ("hasil_kerja", "perilaku", "predikat")
    list_editable = ("predikat",)


@admin.register(BehaviourValue)
class BehaviourValueAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "code", "order")
    list_editable = ("order",)


@admin.register(DistributionGuidance)
class DistributionGuidanceAdmin(admin.ModelAdmin):
    list_display = (
        "organisation_predikat",
        "staff_predikat",
        "min_percent",
        "max_percent",
        "order",
    )


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


@admin.register(Skp)
class SkpAdmin(admin.ModelAdmin):
    list_display = ("employee", "cycle", "status", "agreed_at")
    list_filter = ("cycle", "status")
    search_fields = ("employee__full_name", "employee__nip")
    list_select_related = ("employee", "cycle")
    raw_id_fields = ("employee", "created_by")
    inlines = [IndicatorInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that change only through their workflow, with who and when: view, never edit."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class EventInline(admin.TabularInline):
    model = ReviewEvent
    extra = 0
    can_delete = False
    readonly_fields = ("action", "actor", "at", "note")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "status", "hasil_kerja", "perilaku", "predikat", "finalised_at")
    list_filter = ("status", "predikat", "checkpoint__cycle")
    search_fields = ("skp__employee__full_name", "skp__employee__nip")
    list_select_related = ("skp__employee", "checkpoint__cycle")
    inlines = [EventInline]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "outcome", "filed_at", "resolved_at")
    list_filter = ("outcome",)
    list_select_related = ("review__skp__employee", "review__checkpoint__cycle")


@admin.register(Correction)
class CorrectionAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "by", "at", "reason")
    list_select_related = ("review__skp__employee", "review__checkpoint__cycle", "by")


@admin.register(ReviewEvent)
class ReviewEventAdmin(ReadOnlyAdmin):
    list_display = ("review", "action", "actor", "at")
    list_filter = ("action",)
    list_select_related = ("review__skp__employee", "review__checkpoint__cycle", "actor")


class FollowUpInline(admin.TabularInline):
    model = CoachingFollowUp
    extra = 0


@admin.register(CoachingPlan)
class CoachingPlanAdmin(admin.ModelAdmin):
    list_display = ("employee", "status", "start_date", "end_date")
    list_filter = ("status",)
    list_select_related = ("employee",)
    raw_id_fields = ("review", "employee")
    inlines = [FollowUpInline]


@admin.register(ReminderDelivery)
class ReminderDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("recipient", "kind", "object_key", "due_date", "offset_days", "sent_at")
    list_filter = ("kind",)
    search_fields = ("recipient__email", "object_key")
    list_select_related = ("recipient",)
