"""Administration of recruitment. Periods, their document slots and formations are edited here
as well as in HR's pages. Applications, their timeline, documents and notifications are read-only:
they change only through the services, which check the rules, write the timeline and send the
e-mails. The full NIK is never shown in a list."""

from django.contrib import admin, messages
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.fields import WIB_ADMIN_DATETIMES
from recruitment import models
from recruitment.services.periods import (
    PeriodError,
    formation_set_published,
    period_add_default_documents,
    period_add_default_passing_grades,
    period_set_published,
)


class ReadOnlyMixin:
    """Visible to those with the view permission; changed only by the portal's services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _published_message(request, count: int, published: bool) -> None:
    if published:
        text = ngettext("%(count)s item published.", "%(count)s items published.", count)
    else:
        text = ngettext(
            "%(count)s item withdrawn from publication.",
            "%(count)s items withdrawn from publication.",
            count,
        )
    messages.success(request, text % {"count": count})


# --- periods and formations ---------------------------------------------------------------


class DocumentRequirementInline(admin.TabularInline):
    model = models.DocumentRequirement
    extra = 0
    fields = ("order", "slug", "name", "name_en", "file_format", "max_kb", "help_text")


class PassingGradeInline(admin.TabularInline):
    model = models.PassingGrade
    extra = 0
    fields = ("category", "twk_min", "tiu_min", "tkp_min", "total_min")


class PeriodAssignmentInline(admin.TabularInline):
    model = models.PeriodAssignment
    extra = 0
    fields = ("user", "duty")
    autocomplete_fields = ("user",)


@admin.register(models.SelectionPeriod)
class SelectionPeriodAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "year",
        "procurement_type",
        "registration_opens_at",
        "registration_closes_at",
        "registration_closed",
        "is_published",
    )
    list_filter = ("procurement_type", "year", "is_published", "registration_closed")
    search_fields = ("name", "description")
    date_hierarchy = "registration_opens_at"
    formfield_overrides = WIB_ADMIN_DATETIMES
    readonly_fields = ("registration_closed", "created_at")
    inlines = [DocumentRequirementInline, PassingGradeInline, PeriodAssignmentInline]
    actions = ["publish", "unpublish"]
    fieldsets = (
        (None, {"fields": ("name", "year", "procurement_type", "description", "is_published")}),
        (
            _("Timeline (WIB)"),
            {
                "fields": (
                    ("registration_opens_at", "registration_closes_at"),
                    "registration_closed",
                    "admin_announcement_at",
                    ("appeal_days", "appeal_answer_days"),
                    ("exam_starts_on", "exam_ends_on"),
                    "final_announcement_at",
                )
            },
        ),
        (_("Age limits"), {"fields": (("age_min", "age_max"), "age_reference_date")}),
        (
            _("Contact point of the selection committee"),
            {
                "fields": (
                    ("contact_email", "contact_phone"),
                    ("contact_whatsapp", "contact_hours"),
                    "contact_address",
                )
            },
        ),
        (
            _("Screening, scores and ranking"),
            {
                "fields": (
                    "second_check_required",
                    "skb_multiplier",
                    ("skd_weight", "skb_weight"),
                    "skb_max",
                    "skb_cat_min_share",
                )
            },
        ),
        (
            _("SKD format (CPNS)"),
            {
                "fields": (
                    ("skd_twk_max", "skd_tiu_max", "skd_tkp_max"),
                    "skd_points_per_correct",
                    "skd_reuse_allowed",
                )
            },
        ),
        (
            _("Competency test and ranking (PPPK)"),
            {
                "classes": ("collapse",),
                "fields": (
                    (
                        "pppk_teknis_max",
                        "pppk_manajerial_max",
                        "pppk_sosiokultural_max",
                        "pppk_wawancara_max",
                    ),
                    "pppk_teknis_points",
                    "pppk_passing_grade",
                    (
                        "pppk_teknis_min",
                        "pppk_manajerial_sosiokultural_min",
                        "pppk_wawancara_min",
                    ),
                    "pppk_priority_order",
                    "pppk_tie_break",
                ),
            },
        ),
        (None, {"fields": ("created_at",)}),
    )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.formations.exists():
            # The year and type decide the one-application-per-year rule and which formations
            # fit; once formations (and so applications) exist they no longer change.
            fields += ["year", "procurement_type"]
        return fields

    def save_model(self, request, obj, form, change):
        # A deadline moved into the future reopens registration; one in the past closes it.
        obj.registration_closed = obj.registration_closes_at <= timezone.now()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            # After the inline rows, so that slots HR typed in are kept as typed.
            period_add_default_documents(period=form.instance)
            period_add_default_passing_grades(period=form.instance)

    @admin.action(description=_("Publish the selected periods"))
    def publish(self, request, queryset):
        for period in queryset:
            period_set_published(period=period, published=True)
        _published_message(request, len(queryset), True)

    @admin.action(description=_("Withdraw the selected periods from publication"))
    def unpublish(self, request, queryset):
        done = 0
        for period in queryset:
            try:
                period_set_published(period=period, published=False)
                done += 1
            except PeriodError as error:
                messages.error(request, f"{period}: {error}")
        _published_message(request, done, False)


@admin.register(models.DocumentRequirement)
class DocumentRequirementAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "period", "slug", "file_format", "max_kb", "order")
    list_filter = ("file_format", "period")
    search_fields = ("name", "name_en", "slug", "period__name")
    list_select_related = ("period",)
    autocomplete_fields = ("period",)


@admin.register(models.Formation)
class FormationAdmin(admin.ModelAdmin):
    list_display = (
        "position_name",
        "unit_name",
        "period",
        "asn_type",
        "category",
        "quota",
        "education_level",
        "is_published",
    )
    list_filter = (
        "is_published",
        "asn_type",
        "category",
        "education_level",
        "period",
        "position__unit__sector",
    )
    search_fields = (
        "position__name",
        "position__unit__name",
        "accepted_programmes",
        "period__name",
    )
    list_select_related = ("period", "position", "position__unit")
    autocomplete_fields = ("period", "position")
    # Not an autocomplete: HR may not browse the forums' admin, which would answer it.
    filter_horizontal = ("required_documents", "informing_outcomes")
    readonly_fields = ("source_proposal_item", "created_at")
    actions = ["publish", "unpublish"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.applications.exists():
            # People applied to what the formation was: it no longer changes what it is.
            fields += [
                "period", "position", "asn_type", "category", "education_level",
                "accepted_programmes", "age_max_override", "required_documents",
            ]  # fmt: skip
        return fields

    @admin.display(description=_("position"), ordering="position__name")
    def position_name(self, obj):
        return obj.position.name

    @admin.display(description=_("unit"), ordering="position__unit__name")
    def unit_name(self, obj):
        return obj.position.unit.name

    @admin.action(description=_("Publish the selected formations"))
    def publish(self, request, queryset):
        for formation in queryset:
            formation_set_published(formation=formation, published=True)
        _published_message(request, len(queryset), True)

    @admin.action(description=_("Withdraw the selected formations from publication"))
    def unpublish(self, request, queryset):
        done = 0
        for formation in queryset:
            try:
                formation_set_published(formation=formation, published=False)
                done += 1
            except PeriodError as error:
                messages.error(request, f"{formation}: {error}")
        _published_message(request, done, False)


# --- applicants and applications ----------------------------------------------------------


@admin.register(models.ApplicantProfile)
class ApplicantProfileAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read-only and masked: applicants correct their own profile until they finalise; the
    committee screens what was sent."""

    list_display = (
        "name_on_ktp",
        "user_email",
        "nik_display",
        "education_level",
        "programme",
        "graduation_year",
        "updated_at",
    )
    list_filter = ("education_level", "gender", "accreditation")
    # No search by NIK: a search puts it in the URL and the access log.
    search_fields = ("name_on_ktp", "user__email")
    list_select_related = ("user",)
    exclude = ("nik", "kk_number")
    readonly_fields = (
        "user", "nik_display", "name_on_ktp", "birth_place", "birth_date", "gender", "address",
        "phone", "education_level", "institution", "programme", "gpa", "graduation_year",
        "accreditation", "updated_at",
    )  # fmt: skip

    @admin.display(description=_("e-mail"), ordering="user__email")
    def user_email(self, obj):
        return obj.user.email

    @admin.display(description=_("NIK (masked)"))
    def nik_display(self, obj):
        return obj.nik_masked


class ApplicationEventInline(ReadOnlyMixin, admin.TabularInline):
    model = models.ApplicationEvent
    extra = 0
    fields = ("at", "status", "note", "actor")
    readonly_fields = fields
    ordering = ("at", "pk")


class DocumentInline(ReadOnlyMixin, admin.TabularInline):
    model = models.Document
    extra = 0
    fields = ("requirement", "version", "is_current", "content_type", "size", "uploaded_at")
    readonly_fields = fields
    ordering = ("requirement__order", "-version")


@admin.register(models.Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "applicant_name",
        "applicant_email",
        "formation_name",
        "period",
        "status",
        "admin_result",
        "submitted_at",
    )
    list_filter = (
        "status",
        "admin_result",
        "announced_result",
        "period",
        "formation__asn_type",
        "formation__category",
    )
    search_fields = (
        "registration_number",
        "verification_code",
        "applicant__email",
        "applicant__applicant_profile__name_on_ktp",
    )
    list_select_related = (
        "applicant",
        "applicant__applicant_profile",
        "period",
        "formation",
        "formation__position",
    )
    date_hierarchy = "created_at"
    inlines = [ApplicationEventInline, DocumentInline]

    # Read-only: a status change must go through the services (timeline, e-mail, rules).
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(
        description=_("name on KTP"), ordering="applicant__applicant_profile__name_on_ktp"
    )
    def applicant_name(self, obj):
        profile = getattr(obj.applicant, "applicant_profile", None)
        return profile.name_on_ktp if profile else obj.applicant.full_name

    @admin.display(description=_("e-mail"), ordering="applicant__email")
    def applicant_email(self, obj):
        return obj.applicant.email

    @admin.display(description=_("formation"), ordering="formation__position__name")
    def formation_name(self, obj):
        return obj.formation.position.name


@admin.register(models.ApplicationEvent)
class ApplicationEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("application", "status", "at", "actor")
    list_filter = ("status",)
    search_fields = ("application__registration_number", "note")
    list_select_related = ("application", "actor")
    date_hierarchy = "at"


@admin.register(models.Document)
class DocumentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "application",
        "requirement",
        "version",
        "is_current",
        "content_type",
        "size",
        "uploaded_at",
    )
    list_filter = ("is_current", "content_type", "requirement__file_format")
    search_fields = ("application__registration_number", "original_name", "sha256")
    list_select_related = ("application", "requirement")
    # The stored file is shown by name with a link through the checked download view, never
    # by its storage URL.
    fields = (
        "application",
        "requirement",
        "version",
        "is_current",
        "download",
        "original_name",
        "content_type",
        "size",
        "sha256",
        "uploaded_at",
    )
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, obj):
        try:
            url = obj.get_absolute_url()
        except NoReverseMatch:
            return obj.file.name
        return format_html('<a href="{}">{}</a>', url, obj.file.name)


@admin.register(models.StatusNotification)
class StatusNotificationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("application", "status", "sent_at")
    list_filter = ("status",)
    search_fields = ("application__registration_number", "application__applicant__email")
    list_select_related = ("application",)
    date_hierarchy = "sent_at"


# --- Recruitment II: screening, appeals, announcements, exams, scores ---------------------------
# Decisions change only through the services (which write the decision log): the admin shows
# them read-only. The reference lists (TMS reasons, passing grades, exam sessions, who screens
# which period) are edited here.


@admin.register(models.RejectionReason)
class RejectionReasonAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "code", "is_active", "order")
    list_editable = ("is_active", "order")
    list_filter = ("is_active",)
    search_fields = ("name", "name_en", "code")


@admin.register(models.PassingGrade)
class PassingGradeAdmin(admin.ModelAdmin):
    list_display = ("period", "category", "twk_min", "tiu_min", "tkp_min", "total_min")
    list_filter = ("period", "category")
    search_fields = ("period__name",)
    list_select_related = ("period",)


@admin.register(models.PeriodAssignment)
class PeriodAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "duty", "period", "created_at")
    list_filter = ("duty", "period")
    search_fields = ("user__email", "user__full_name", "period__name")
    list_select_related = ("user", "period")
    autocomplete_fields = ("user",)


@admin.register(models.ExamSession)
class ExamSessionAdmin(admin.ModelAdmin):
    list_display = ("name", "period", "date", "starts_at", "ends_at", "location", "capacity")
    list_filter = ("period", "date")
    search_fields = ("name", "location", "address")
    list_select_related = ("period",)
    date_hierarchy = "date"


@admin.register(models.DocumentCheck)
class DocumentCheckAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "application",
        "requirement",
        "result",
        "reason",
        "announced_result",
        "checked_by",
        "checked_at",
    )
    list_filter = ("result", "announced_result", "reason", "application__period")
    search_fields = ("application__registration_number", "note")
    list_select_related = ("application", "requirement", "reason", "checked_by")
    date_hierarchy = "checked_at"


@admin.register(models.Decision)
class DecisionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("application", "kind", "subject", "before", "after", "actor", "at")
    list_filter = ("kind", "application__period")
    search_fields = ("application__registration_number", "subject", "reason", "actor__email")
    list_select_related = ("application", "actor")
    date_hierarchy = "at"


@admin.register(models.Appeal)
class AppealAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("application", "status", "submitted_at", "answered_by", "answered_at")
    list_filter = ("status", "application__period")
    search_fields = ("application__registration_number", "reason", "answer")
    list_select_related = ("application", "answered_by")
    date_hierarchy = "submitted_at"


@admin.register(models.Announcement)
class AnnouncementAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("period", "kind", "published_at", "published_by")
    list_filter = ("kind", "period")
    search_fields = ("period__name", "note")
    list_select_related = ("period", "published_by")
    date_hierarchy = "published_at"


@admin.register(models.ExamResult)
class ExamResultAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "application",
        "skd_presence",
        "twk",
        "tiu",
        "tkp",
        "skd_total",
        "skd_code",
        "skb",
        "final_score",
        "final_rank",
        "final_code",
    )
    list_filter = (
        "skd_code",
        "final_code",
        "skd_presence",
        "pppk_presence",
        "boundary_tie",
        "application__period",
    )
    search_fields = ("application__registration_number",)
    list_select_related = ("application",)


@admin.register(models.SkbPart)
class SkbPartAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Set by HR on the formation's SKB page (recruitment/services/skb.py checks the weights
    and locks them once registration opens)."""

    list_display = ("formation", "kind", "code", "weight", "max_score", "eliminates", "order")
    list_filter = ("kind", "eliminates", "formation__period")
    search_fields = ("code", "formation__position__name", "formation__period__name")
    list_select_related = ("formation__position__unit", "formation__period")


@admin.register(models.SkbScore)
class SkbScoreAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("result", "part", "score", "passed")
    list_filter = ("passed", "part__kind", "part__formation__period")
    search_fields = ("result__application__registration_number", "part__code")
    list_select_related = ("result__application", "part")


@admin.register(models.OptimisationCode)
class OptimisationCodeAdmin(admin.ModelAdmin):
    """Reference data: which code an optimisation move gets (docs/domain.md 1.9, 1.10)."""

    list_display = ("from_kind", "to_kind", "same_location", "code", "confirmed")
    list_filter = ("from_kind", "to_kind", "same_location", "confirmed")
    search_fields = ("code",)


@admin.register(models.Appointment)
class AppointmentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Made on HR's appointment page (recruitment/services/appointments.py), which adds the
    employee to the register and logs every step."""

    list_display = ("application", "formation", "status", "tmt", "contract_years", "decided_at")
    list_filter = ("status", "formation__period", "formation__asn_type")
    search_fields = (
        "application__registration_number",
        "application__applicant__full_name",
        "formation__position__name",
    )
    list_select_related = ("application", "formation__position__unit")
    date_hierarchy = "decided_at"


@admin.register(models.ScoreImport)
class ScoreImportAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("file_name", "period", "kind", "uploaded_by", "uploaded_at", "applied_at")
    list_filter = ("kind", "period")
    search_fields = ("file_name", "uploaded_by__email")
    list_select_related = ("period", "uploaded_by")
    exclude = ("rows",)


@admin.register(models.OptimisationOffer)
class OptimisationOfferAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("formation", "application", "code", "status", "proposed_at", "decided_by")
    list_filter = ("status", "code", "formation__period")
    search_fields = ("application__registration_number", "formation__position__name")
    list_select_related = ("formation__position__unit", "application", "decided_by")
