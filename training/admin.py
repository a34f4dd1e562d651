"""Every training model in the Django admin. Enrolments, attendance, certificates, feedback and
reminder claims change through their own workflow (with who and when), so the admin shows them
read-only; programmes, sessions, meetings, materials, guests and yearly rules are edited here."""

from django.contrib import admin

from training.models import (
    Attendance,
    Certificate,
    Enrolment,
    Feedback,
    JpReminder,
    Material,
    Meeting,
    Programme,
    Session,
    SessionGuest,
    TrainingYearRule,
)


@admin.register(TrainingYearRule)
class TrainingYearRuleAdmin(admin.ModelAdmin):
    list_display = ("year", "pns_min_jp", "pppk_max_jp", "reminder_days")
    search_fields = ("year", "note")


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "jp", "mode", "provider", "is_active")
    list_filter = ("kind", "mode", "is_active", "target_sectors")
    search_fields = ("name", "competencies", "provider")
    filter_horizontal = ("target_sectors",)
    autocomplete_fields = ("target_positions", "answers_topics")
    inlines = [MaterialInline]


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


@admin.register(SessionGuest)
class SessionGuestAdmin(admin.ModelAdmin):
    list_display = ("session", "user", "role")
    list_filter = ("role",)
    autocomplete_fields = ("session", "user")


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("session", "number", "date", "topic")
    autocomplete_fields = ("session",)
    list_select_related = ("session__programme",)


class ReadOnlyAdmin(admin.ModelAdmin):
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
    search_fields = ("employee__full_name", "employee__nip", "session__programme__name")
    list_select_related = ("employee", "session__programme")


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    list_display = ("enrolment", "meeting", "present", "recorded_by", "recorded_at")
    list_filter = ("present",)
    list_select_related = ("enrolment__employee", "enrolment__session__programme", "meeting")


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ("number", "verification_code", "enrolment", "issued_at")
    search_fields = ("number", "verification_code", "enrolment__employee__full_name")
    list_select_related = ("enrolment__employee", "enrolment__session__programme")


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ("enrolment", "relevance", "trainer", "materials", "created_at")
    list_select_related = ("enrolment__employee", "enrolment__session__programme")


@admin.register(JpReminder)
class JpReminderAdmin(ReadOnlyAdmin):
    list_display = ("recipient", "year", "kind", "sent_at")
    list_filter = ("year", "kind")
