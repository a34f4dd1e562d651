"""The employee register: HR's list and its Excel download. Importing happens in the admin
(EmployeeAdmin), which shows a preview and applies a file all or nothing."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from import_export.formats.base_formats import XLSX

from accounts.roles import Role, role_required
from core.paging import querystring_without
from workforce.forms.employees import EmployeeFilterForm
from workforce.models import Employee
from workforce.resources import EmployeeResource
from workforce.selectors import employees as selectors

PAGE_SIZE = 50


def _filtered_employees(request):
    """The filter form and the matching employees; invalid filters match nobody."""
    form = EmployeeFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, Employee.objects.none()
    return form, selectors.employee_register(**(form.cleaned_data if form.is_bound else {}))


@role_required(Role.HR)
@require_GET
@never_cache  # personal data: no copy in shared caches or the browser's back history
def employee_list(request):
    form, employees = _filtered_employees(request)
    context = {
        "form": form,
        "page": Paginator(employees, PAGE_SIZE).get_page(request.GET.get("page")),
        "querystring": querystring_without(request, "page"),
    }
    return render(request, "workforce/employee_list.html", context)


@role_required(Role.HR)
@require_GET
@never_cache
def employee_export(request):
    _form, employees = _filtered_employees(request)
    dataset = EmployeeResource().export(employees)
    dataset.title = str(Employee._meta.verbose_name_plural).capitalize()
    # escape: a value starting with "=" loses the "=" rather than becoming a live formula.
    content = dataset.export("xlsx", escape=True)
    filename = f"daftar-pegawai-{timezone.localdate():%Y-%m-%d}.xlsx"
    return HttpResponse(
        content,
        content_type=XLSX.CONTENT_TYPE,
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )
