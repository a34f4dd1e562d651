"""Every training model in the Django admin. Enrolments, attendance, certificates, feedback and
reminder claims change through their own workflow (with who and when), so the admin shows them
read-only; programmes, sessions, meetings, materials, guests and yearly rules are edited here."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from training.models import (
    Attendance,
    Certificate,
    Enrolment,
    Feedback,
    GapCompetency,
    JpReminder,
    Material,
    Meeting,
    Programme,
    Session,
    SessionGuest,
    TrainingYearRule,
)
from training.services.guests import guests_tell


@admin.register(TrainingYearRule)
class TrainingYearRuleAdmin(admin.ModelAdmin):
    # One row a year, all on one page: nothing to filter (see tests/core/test_admin_complete.py).
    list_display = ("year", "pns_min_jp", "pppk_max_jp", "reminder_days")
    search_fields = ("year", "note")


@admin.register(GapCompetency)
class GapCompetencyAdmin(admin.ModelAdmin):
    """Which programme competencies answer a review gap: the recommendations read these rows."""

    list_display = ("code", "source", "competencies", "note")
    list_filter = ("source",)
    search_fields = ("code", "competencies", "note")


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "jp", "mode", "provider", "signatory_name", "is_active")
    list_filter = ("kind", "mode", "is_active", "target_sectors")
    search_fields = ("name", "competencies", "provider", "signatory_name")
    filter_horizontal = ("target_sectors",)
    autocomplete_fields = ("target_positions", "answers_topics")
    inlines = [MaterialInline]


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    """Every programme's materials in one list (also edited on the programme's page)."""

    list_display = ("title", "programme", "url", "download")
    list_filter = (
        "programme__kind",
        "programme__is_active",
        ("file", admin.EmptyFieldListFilter),
        ("url", admin.EmptyFieldListFilter),
    )
    search_fields = ("title", "url", "programme__name")
    list_select_related = ("programme",)
    autocomplete_fields = ("programme",)

    @admin.display(description=_("file"), ordering="file")
    def download(self, obj):
        # Through the checked download view: uploads are private, they have no storage URL.
        if not obj.file:
            return ""
        url = reverse("training:material_download", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.file.name.rsplit("/", 1)[-1])


class MeetingInline(admin.TabularInline):
    model = Meeting
    extra = 1


class SessionGuestInline(admin.TabularInline):
    model = SessionGuest
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "programme", "starts_on", "ends_on", "capacity", "trainer")
    list_filter = ("programme__kind", "starts_on")
    search_fields = ("title", "programme__name", "trainer", "place")
    autocomplete_fields = ("programme",)
    date_hierarchy = "starts_on"
    inlines = [MeetingInline, SessionGuestInline]
    list_select_related = ("programme",)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is SessionGuest:  # residents invited here are told by e-mail
            guests_tell(formset.new_objects)


@admin.register(SessionGuest)
class SessionGuestAdmin(admin.ModelAdmin):
    list_display = ("session", "user", "role")
    list_filter = ("role", "session__programme__kind", "session__starts_on")
    search_fields = ("user__email", "user__full_name", "session__title", "session__programme__name")
    list_select_related = ("session__programme", "user")
    autocomplete_fields = ("session", "user")
    readonly_fields = ("notified_at",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:  # a new invitation: the resident is told by e-mail
            guests_tell([obj])


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("session", "number", "date", "topic")
    list_filter = ("session__programme__kind", "session__programme__mode", "date")
    search_fields = ("topic", "session__title", "session__programme__name", "session__trainer")
    date_hierarchy = "date"
    autocomplete_fields = ("session",)
    list_select_related = ("session__programme",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the training services (enrolment, attendance, results, reminders), which check
    the rules and record who and when: shown here, never edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdmin):
    list_display = ("employee", "session", "status", "result", "score", "attendance_percent")
    list_filter = ("status", "result", "is_latsar", "session__programme__kind")
    # Not the NIP: the admin's search travels in the address (personal data stays out of URLs).
    search_fields = ("employee__full_name", "session__title", "session__programme__name")
    list_select_related = ("employee", "session__programme")
    date_hierarchy = "created_at"


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    list_display = ("enrolment", "meeting", "present", "recorded_by", "recorded_at")
    list_filter = ("present", "meeting__session__programme__kind", "meeting__date")
    search_fields = (
        "enrolment__employee__full_name",
        "meeting__session__title",
        "meeting__session__programme__name",
    )
    list_select_related = (
        "enrolment__employee",
        "enrolment__session__programme",
        "meeting__session__programme",
        "recorded_by",
    )
    date_hierarchy = "recorded_at"


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ("number", "verification_code", "enrolment", "issued_at", "signatory_name")
    list_filter = ("enrolment__session__programme__kind", "issued_at")
    date_hierarchy = "issued_at"
    search_fields = ("number", "verification_code", "enrolment__employee__full_name")
    list_select_related = ("enrolment__employee", "enrolment__session__programme")


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ("enrolment", "relevance", "trainer", "materials", "created_at")
    # The 1-5 scales, to find the sessions people rated low.
    list_filter = ("relevance", "trainer", "materials", "enrolment__session__programme__kind")
    search_fields = (
        "comments",
        "enrolment__session__title",
        "enrolment__session__programme__name",
        "enrolment__session__trainer",
    )
    list_select_related = ("enrolment__employee", "enrolment__session__programme")
    date_hierarchy = "created_at"


@admin.register(JpReminder)
class JpReminderAdmin(ReadOnlyAdmin):
    list_display = ("recipient", "year", "kind", "sent_at")
    list_filter = ("year", "kind")
    search_fields = ("recipient__email", "recipient__full_name")
    list_select_related = ("recipient",)
