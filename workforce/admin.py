from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats

from accounts.models import User
from accounts.roles import Role
from core.tablefiles import TableFileError
from workforce.import_jobs import employee_import_start
from workforce.imports import EmployeeCSV, EmployeeImportForm, EmployeeXLSX
from workforce.models import (
    AbkSheet,
    AbkTask,
    Employee,
    EmployeeImportJob,
    FormationProposal,
    Kelurahan,
    PlanningYear,
    Position,
    ProposalItem,
    Sector,
    ServiceNorm,
    Unit,
)
from workforce.resources import EmployeeResource
from workforce.services.employees import employee_save, position_set_retirement_age


class ReadOnlyMixin:
    """Records written only by the portal's services (which check the rules and keep who and
    when): visible to those with the view permission, never added, changed or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    # A handful of rows, all on one page: nothing to filter (see tests/core/test_admin_complete.py).
    list_display = ("name", "name_en", "slug", "order")
    list_editable = ("order",)
    search_fields = ("name", "name_en", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Kelurahan)
class KelurahanAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "population")
    list_filter = (("population", admin.EmptyFieldListFilter),)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(PlanningYear)
class PlanningYearAdmin(admin.ModelAdmin):
    # One row a year, all on one page: nothing to filter (see tests/core/test_admin_complete.py).
    list_display = ("year", "effective_minutes", "rounding_threshold")
    search_fields = ("year", "note")


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0
    fields = ("name", "kind", "asn_type", "education_level", "norm_key", "retirement_age")
    # The retirement age moves employees' retirement dates: change it on the position's page.
    readonly_fields = ("retirement_age",)
    show_change_link = True


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "sector", "kelurahan", "kind", "population_served", "students")
    list_filter = ("sector", "kelurahan", "kind")
    search_fields = ("name", "address")
    list_select_related = ("sector", "kelurahan")
    inlines = [PositionInline]


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ("name", "unit", "kind", "asn_type", "education_level", "retirement_age")
    list_filter = ("kind", "asn_type", "education_level", "unit__sector", "unit__kelurahan")
    search_fields = ("name", "unit__name", "education_fields", "norm_key")
    list_select_related = ("unit",)
    autocomplete_fields = ("unit",)

    def save_model(self, request, obj, form, change):
        if change and "retirement_age" in form.changed_data:
            retirement_age = obj.retirement_age
            obj.retirement_age = form.initial["retirement_age"]
            super().save_model(request, obj, form, change)
            position_set_retirement_age(position=obj, retirement_age=retirement_age)
        else:
            super().save_model(request, obj, form, change)


@admin.register(Employee)
class EmployeeAdmin(ImportExportModelAdmin):
    """The register, with import (CSV or Excel, previewed, all or nothing) and export."""

    list_display = ("full_name", "nip", "asn_type", "position", "status", "retirement_date")
    list_filter = ("status", "asn_type", "gender", "position__unit__sector", "position__unit")
    # Not the NIP: the admin's search travels in the address (personal data stays out of URLs).
    search_fields = ("full_name", "position__name", "position__unit__name")
    list_select_related = ("position", "position__unit")
    # HR may not browse user accounts: offer only the accounts of staff roles.
    autocomplete_fields = ("position", "supervisor")
    readonly_fields = ("retirement_date",)
    resource_classes = [EmployeeResource]
    formats = [base_formats.XLSX, base_formats.CSV]
    # Imports read the file within limits (workforce/imports.py), in the form, before the
    # library keeps the upload for the confirmation step.
    import_form_class = EmployeeImportForm
    # Says what each column holds before the file is chosen.
    import_template_name = "admin/workforce/employee/import.html"

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        context.update(
            max_rows=settings.EMPLOYEE_IMPORT_MAX_ROWS,
            max_mb=settings.IMPORT_MAX_FILE_BYTES // (1024 * 1024),
            background_rows=settings.EMPLOYEE_IMPORT_BACKGROUND_ROWS,
        )
        return context

    def get_import_formats(self):
        return [EmployeeXLSX, EmployeeCSV]

    def add_data_read_fail_error_to_form(self, form, e):
        # The library would show its English "'UnicodeDecodeError' encountered..." instead.
        if isinstance(e, TableFileError):
            form.add_error("import_file", e.message)
        else:
            form.add_error(
                "import_file",
                _(
                    "The file cannot be read. Save it as .xlsx or as “CSV UTF-8” and upload it "
                    "again."
                ),
            )

    def has_import_permission(self, request):
        # django-import-export lets any staff member import unless told otherwise.
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        # Likewise for export: the register is personal data.
        return self.has_view_permission(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.filter(
                groups__name__in=[Role.EMPLOYEE, Role.SUPERVISOR]
            ).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        employee_save(employee=obj)  # fills the projected retirement date

    def process_import(self, request, **kwargs):
        """The confirmed import: a file of more than `EMPLOYEE_IMPORT_BACKGROUND_ROWS` rows is
        written by a Celery task while the admin watches its progress (nothing holds the
        request); a shorter one is written at once, as the library does, and its result shown
        on the next page, with no page to wait on."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm_form = self.create_confirm_form(request)
        if not confirm_form.is_valid():
            return super().process_import(request, **kwargs)  # the library's error page
        formats = self.get_import_formats()
        input_format = formats[int(confirm_form.cleaned_data["format"])](
            encoding=self.from_encoding
        )
        upload = self.get_tmp_storage_class()(
            name=confirm_form.cleaned_data["import_file_name"],
            encoding=None if input_format.is_binary() else self.from_encoding,
            read_mode=input_format.get_read_mode(),
            **self.get_tmp_storage_class_kwargs(),
        )
        try:
            dataset = input_format.create_dataset(upload.read())
        except FileNotFoundError:  # deleted as unconfirmed after IMPORT_UPLOAD_MAX_AGE_HOURS
            messages.error(request, _("The uploaded file is no longer kept. Upload it again."))
            return redirect("admin:workforce_employee_import")
        if len(dataset) > settings.EMPLOYEE_IMPORT_BACKGROUND_ROWS:
            job = employee_import_start(
                user=request.user,
                file_name=upload.name,
                original_name=confirm_form.cleaned_data.get("original_file_name") or "",
                total_rows=len(dataset),
            )
            messages.info(
                request,
                ngettext(
                    "The import has started: its %(count)s row is written in the background. "
                    "This page shows how far it is.",
                    "The import has started: its %(count)s rows are written in the "
                    "background. This page shows how far it is.",
                    len(dataset),
                )
                % {"count": len(dataset)},
            )
            return redirect(job.get_absolute_url())
        result = self.process_dataset(dataset, confirm_form, request, **kwargs)
        upload.remove()
        return self.process_result(result, request)

    def process_result(self, result, request):
        # The file is checked again on confirm; if the data changed since the preview and a row
        # no longer passes, the import was rolled back and must not be reported as done.
        if result.has_errors() or result.has_validation_errors():
            applied = getattr(result, "applied_rows", 0)
            if applied:
                messages.error(
                    request,
                    _(
                        "The first %(count)s rows were imported; the others were not: the data "
                        "changed while the file was being imported. Upload the file again (rows "
                        "already imported are simply updated)."
                    )
                    % {"count": applied},
                )
            else:
                messages.error(
                    request,
                    _(
                        "Nothing was imported: the file no longer passes the checks. Upload it "
                        "again."
                    ),
                )
            return redirect("admin:workforce_employee_import")
        return super().process_result(result, request)


@admin.register(EmployeeImportJob)
class EmployeeImportJobAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The employee files written in the background: the change page is the job's progress
    page (templates/admin/workforce/employeeimportjob/change_form.html), which reloads itself
    every 2 s until the job ends. Read-only: only the job's task writes it. Each administrator
    sees their own jobs; superusers see everyone's."""

    list_display = ("__str__", "created_by", "state", "progress", "created_at", "finished_at")
    # By whom through the filter (an id in the address), not a search: personal data such as
    # an e-mail address stays out of URLs.
    list_filter = ("state", ("created_by", admin.RelatedOnlyFieldListFilter))
    search_fields = ("original_name", "file_name")
    list_select_related = ("created_by",)
    fields = (
        "original_name", "created_by", "state", "total_rows", "rows_done", "created_count",
        "updated_count", "skipped_count", "created_at", "started_at", "finished_at", "file_name",
    )  # fmt: skip
    readonly_fields = fields
    # How often the page of a job not yet ended reloads itself (a <meta> refresh: no script).
    REFRESH_SECONDS = 2

    def get_queryset(self, request):
        jobs = super().get_queryset(request)
        if request.user.is_superuser:
            return jobs
        return jobs.filter(created_by=request.user)

    @admin.display(description=_("progress"))
    def progress(self, obj):
        return _("%(done)s of %(total)s rows") % {"done": obj.rows_done, "total": obj.total_rows}

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if job is not None:
            context["job"] = job
            context["refresh_seconds"] = None if job.is_finished else self.REFRESH_SECONDS
        return super().change_view(request, object_id, form_url, context)


class AbkTaskInline(admin.TabularInline):
    """Read-only: sheets are edited on the portal's ABK page, which detects concurrent edits."""

    model = AbkTask
    extra = 0
    can_delete = False
    readonly_fields = ("description", "output_unit", "yearly_volume", "standard_minutes")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AbkSheet)
class AbkSheetAdmin(admin.ModelAdmin):
    list_display = ("position", "planning_year", "version", "updated_by", "updated_at")
    list_filter = ("planning_year", "position__unit__sector", "position__unit__kelurahan")
    search_fields = ("position__name", "position__unit__name")
    list_select_related = ("position", "position__unit", "planning_year", "updated_by")
    readonly_fields = ("version", "updated_by", "updated_at")
    autocomplete_fields = ("position",)
    inlines = [AbkTaskInline]


@admin.register(AbkTask)
class AbkTaskAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Every sheet's tasks in one list, to find a task across positions and years. Read-only:
    tasks are edited on the portal's ABK page, which detects concurrent edits of a sheet."""

    list_display = (
        "description",
        "output_unit",
        "yearly_volume",
        "standard_minutes",
        "position_name",
        "unit_name",
        "planning_year",
    )
    list_filter = (
        "sheet__planning_year",
        "sheet__position__kind",
        "sheet__position__unit__sector",
        "sheet__position__unit__kelurahan",
    )
    search_fields = (
        "description",
        "output_unit",
        "sheet__position__name",
        "sheet__position__unit__name",
    )
    list_select_related = ("sheet__position__unit", "sheet__planning_year")

    @admin.display(description=_("position"), ordering="sheet__position__name")
    def position_name(self, obj):
        return obj.sheet.position.name

    @admin.display(description=_("unit"), ordering="sheet__position__unit__name")
    def unit_name(self, obj):
        return obj.sheet.position.unit.name

    @admin.display(description=_("planning year"), ordering="sheet__planning_year__year")
    def planning_year(self, obj):
        return obj.sheet.planning_year.year


@admin.register(ServiceNorm)
class ServiceNormAdmin(admin.ModelAdmin):
    list_display = ("label", "unit_kind", "norm_key", "basis", "value", "confirmed", "source")
    list_filter = ("unit_kind", "basis", "confirmed")
    search_fields = ("label", "norm_key", "source")

    @admin.display(description=_("needs confirmation"))
    def needs_confirmation(self, obj):
        return not obj.confirmed


class ProposalItemInline(admin.TabularInline):
    model = ProposalItem
    extra = 0
    fields = ("position", "asn_type", "count", "justification")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FormationProposal)
class FormationProposalAdmin(admin.ModelAdmin):
    list_display = ("title", "planning_year", "status", "created_by", "submitted_at", "decided_at")
    list_filter = ("status", "planning_year")
    search_fields = ("title", "decision_note")
    list_select_related = ("planning_year", "created_by")
    # Proposals change only through their workflow (draft, submitted, decided by the head of
    # office), which records who and when; the admin shows them.
    readonly_fields = (
        "planning_year", "title", "status", "created_by", "created_at", "submitted_by",
        "submitted_at", "decided_by", "decided_at", "decision_note",
    )  # fmt: skip
    inlines = [ProposalItemInline]

    def has_add_permission(self, request):
        return False


@admin.register(ProposalItem)
class ProposalItemAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Every proposal's lines in one list (what was asked for a position, across proposals).
    Read-only, like the proposals: they change only through the proposal workflow."""

    list_display = ("position", "asn_type", "count", "proposal", "proposal_status", "planning_year")
    list_filter = (
        "asn_type",
        "proposal__status",
        "proposal__planning_year",
        "position__unit__sector",
        "position__unit__kelurahan",
    )
    search_fields = ("position__name", "position__unit__name", "proposal__title", "justification")
    list_select_related = ("position__unit", "proposal__planning_year")

    @admin.display(description=_("status"), ordering="proposal__status")
    def proposal_status(self, obj):
        return obj.proposal.get_status_display()

    @admin.display(description=_("planning year"), ordering="proposal__planning_year__year")
    def planning_year(self, obj):
        return obj.proposal.planning_year.year
