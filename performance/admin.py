from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from performance.models import (
    BehaviourRating,
    BehaviourValue,
    Checkpoint,
    CoachingFollowUp,
    CoachingPlan,
    Correction,
    Cycle,
    DistributionGuidance,
    Indicator,
    IndicatorRating,
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
        "objection_resolution_days",
        "reminder_offsets",
        "escalation_after_days",
    )
    list_filter = ("frequency",)
    search_fields = ("year",)
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
    list_filter = ("cycle", "kind", "due_date")
    search_fields = ("cycle__year",)
    list_select_related = ("cycle",)
    date_hierarchy = "due_date"


@admin.register(PredikatRule)
class PredikatRuleAdmin(admin.ModelAdmin):
    # The nine cells of the matrix hold choices only, no text: nothing to search (see
    # tests/core/test_admin_complete.py).
    list_display = ("hasil_kerja", "perilaku", "predikat")
    list_editable = ("predikat",)
    list_filter = ("predikat", "hasil_kerja", "perilaku")


@admin.register(BehaviourValue)
class BehaviourValueAdmin(admin.ModelAdmin):
    # The seven BerAKHLAK values, all on one page: nothing to filter (see
    # tests/core/test_admin_complete.py).
    list_display = ("name", "name_en", "code", "order")
    list_editable = ("order",)
    search_fields = ("name", "name_en", "code", "description")


@admin.register(DistributionGuidance)
class DistributionGuidanceAdmin(admin.ModelAdmin):
    list_display = (
        "organisation_predikat",
        "staff_predikat",
        "min_percent",
        "max_percent",
        "order",
    )
    list_filter = ("organisation_predikat", "staff_predikat")
    search_fields = ("organisation_predikat", "note")


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


@admin.register(Skp)
class SkpAdmin(admin.ModelAdmin):
    list_display = ("employee", "cycle", "status", "agreed_at")
    list_filter = ("cycle", "status", "employee__position__unit__sector")
    # Not the NIP: the admin's search travels in the address (personal data stays out of URLs).
    search_fields = ("employee__full_name",)
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


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    """Every SKP's indicators in one list. Read-only here: the supervisor drafts them on the
    SKP page (performance.services.skps), and they no longer change once the SKP is agreed."""

    list_display = ("description", "target", "skp", "skp_status")
    list_filter = ("skp__cycle", "skp__status", "skp__employee__position__unit__sector")
    search_fields = ("description", "target", "skp__employee__full_name")
    list_select_related = ("skp__employee", "skp__cycle")

    @admin.display(description=_("status"), ordering="skp__status")
    def skp_status(self, obj):
        return obj.skp.get_status_display()


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
    search_fields = ("skp__employee__full_name",)
    list_select_related = ("skp__employee", "checkpoint__cycle")
    inlines = [EventInline]


# Ratings, events, objections and corrections are written by the review services
# (performance.services.reviews), which keep a finalised review unchanged but for a logged
# correction.


@admin.register(IndicatorRating)
class IndicatorRatingAdmin(ReadOnlyAdmin):
    list_display = ("review", "indicator", "rating")
    list_filter = ("rating", "review__status", "review__checkpoint__cycle")
    search_fields = ("indicator__description", "evidence", "review__skp__employee__full_name")
    list_select_related = ("review__skp__employee", "review__checkpoint__cycle", "indicator")


@admin.register(BehaviourRating)
class BehaviourRatingAdmin(ReadOnlyAdmin):
    list_display = ("review", "value", "rating")
    list_filter = ("rating", "value", "review__status", "review__checkpoint__cycle")
    search_fields = ("value__name", "note", "review__skp__employee__full_name")
    list_select_related = ("review__skp__employee", "review__checkpoint__cycle", "value")


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "outcome", "filed_at", "resolved_at")
    list_filter = ("outcome", "review__checkpoint__cycle")
    search_fields = ("review__skp__employee__full_name", "reasons", "resolution")
    list_select_related = ("review__skp__employee", "review__checkpoint__cycle")
    date_hierarchy = "filed_at"


@admin.register(Correction)
class CorrectionAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "by", "at", "reason")
    list_filter = ("review__checkpoint__cycle", ("by", admin.RelatedOnlyFieldListFilter))
    search_fields = ("review__skp__employee__full_name", "reason", "by__email", "by__full_name")
    list_select_related = ("review__skp__employee", "review__checkpoint__cycle", "by")
    date_hierarchy = "at"


@admin.register(ReviewEvent)
class ReviewEventAdmin(ReadOnlyAdmin):
    list_display = ("review", "action", "actor", "at")
    list_filter = ("action", "review__checkpoint__cycle")
    search_fields = ("review__skp__employee__full_name", "actor__email", "actor__full_name", "note")
    list_select_related = ("review__skp__employee", "review__checkpoint__cycle", "actor")
    date_hierarchy = "at"


class FollowUpInline(admin.TabularInline):
    model = CoachingFollowUp
    extra = 0


@admin.register(CoachingPlan)
class CoachingPlanAdmin(admin.ModelAdmin):
    list_display = ("employee", "status", "start_date", "end_date")
    list_filter = ("status", "review__checkpoint__cycle", "review__predikat")
    search_fields = ("employee__full_name", "actions", "recommended_training")
    list_select_related = ("employee",)
    date_hierarchy = "start_date"
    raw_id_fields = ("review", "employee")
    inlines = [FollowUpInline]


@admin.register(CoachingFollowUp)
class CoachingFollowUpAdmin(ReadOnlyAdmin):
    """Every plan's follow-ups in one list, to find the ones due or missed. Made when the plan
    opens and recorded by the supervisor (performance.services.coaching)."""

    list_display = ("plan", "due_date", "done_at")
    list_filter = (("done_at", admin.EmptyFieldListFilter), "plan__status", "due_date")
    search_fields = ("plan__employee__full_name", "note")
    list_select_related = ("plan__employee",)
    date_hierarchy = "due_date"


@admin.register(ReminderDelivery)
class ReminderDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("recipient", "kind", "object_key", "due_date", "offset_days", "sent_at")
    list_filter = ("kind",)
    search_fields = ("recipient__email", "object_key")
    list_select_related = ("recipient",)
