import hashlib

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.roles import Role, role_required
from core import charts
from core import exports as xlsx
from core.pagecache import public_page, remember, rendered_part
from core.paging import querystring_without
from workforce import exports, extensions
from workforce.forms.needs import (
    AbkTaskFormSet,
    AbkVersionForm,
    NeedsFilterForm,
    abk_task_initial,
    planning_years,
)
from workforce.models import PlanningYear, Position, Unit
from workforce.selectors import needs as selectors
from workforce.selectors.messages import unit_employee_accounts
from workforce.services import abk as abk_services
from workforce.services.reference import planning_year_ensure


def _needs_filters(request) -> tuple[NeedsFilterForm, PlanningYear, dict]:
    """The filter form, the planning year and the valid filters; shared by the map, its
    charts and its export."""
    today_year = timezone.localdate().year
    form = NeedsFilterForm(request.GET or None, years=planning_years(), default_year=today_year)
    form.is_valid()
    # Keep every filter that is valid; an invalid one is shown as an error and ignored.
    data = {"year": today_year, "sort": "gap", **getattr(form, "cleaned_data", {})}
    planning_year = planning_year_ensure(year=data.get("year") or today_year)
    return form, planning_year, data


def _filtered_needs(request):
    """The filter form and the matching, sorted positions (an annotated queryset)."""
    form, planning_year, data = _needs_filters(request)
    positions = selectors.needs_positions(
        planning_year,
        sector=data.get("sector"),
        kelurahan=data.get("kelurahan"),
        asn_type=data.get("asn_type") or None,
    )
    if data.get("shortage_only"):
        positions = positions.filter(gap__gt=0)
    return form, planning_year, positions.order_by(*selectors.SORTS[data.get("sort") or "gap"])


def _needs_rows(planning_year, data) -> tuple[list[dict], selectors.NeedsSummary]:
    """The matching positions' computed needs as plain rows with their totals, computed once
    for the map and its two charts, and kept until the workforce data changes (the key holds
    the filters, the sort and today's date, which moves the retirement horizon). Plain rows,
    because unpickling thousands of model instances costs more than the queries."""
    sector, kelurahan = data.get("sector"), data.get("kelurahan")
    filters = {
        "sector": sector and sector.pk,
        "kelurahan": kelurahan and kelurahan.pk,
        "asn_type": data.get("asn_type") or None,
        "shortage_only": bool(data.get("shortage_only")),
        "sort": data.get("sort") or "gap",
    }
    today = timezone.localdate()
    key = (
        "needs-rows-v4:"
        + hashlib.sha256(
            repr((planning_year.pk, today, sorted(filters.items()))).encode()
        ).hexdigest()
    )

    def compute():
        rows = selectors.needs_rows(
            planning_year,
            sector=sector,
            kelurahan=kelurahan,
            asn_type=filters["asn_type"],
            shortage_only=filters["shortage_only"],
            sort=filters["sort"],
            today=today,
        )
        return rows, selectors.needs_summary(rows)

    return remember(key, ("workforce",), compute)


def _positions_for(rows: list[dict]) -> list[Position]:
    """One page's positions, read in one query, carrying the computed figures of their rows."""
    by_pk = Position.objects.select_related("unit__sector", "unit__kelurahan").in_bulk(
        [row["pk"] for row in rows]
    )
    positions = []
    for row in rows:
        position = by_pk.get(row["pk"])
        if position is None:  # deleted since the rows were computed (until they are again)
            continue
        for name in selectors.NEEDS_FIELDS:
            setattr(position, name, row[name])
        positions.append(position)
    return positions


@role_required(Role.HR)
@require_GET
def needs_map(request):
    def context():
        form, planning_year, data = _needs_filters(request)
        rows, summary = _needs_rows(planning_year, data)
        page = Paginator(rows, 50).get_page(request.GET.get("page"))
        page.object_list = _positions_for(page.object_list)
        places = extensions.places_in_selection([position.pk for position in page])
        for position in page:
            position.in_selection = places.get(position.pk, 0)
        return {
            "unit_notes": extensions.unit_notes({position.unit_id for position in page}),
            "form": form,
            "planning_year": planning_year,
            "page": page,
            "summary": summary,
            # Each chart at the width of its column, phone, half a desktop row or full.
            "chart_sizes": {
                "sector": charts.bar_chart_sizes(len(summary.by_sector)),
                "kelurahan": charts.bar_chart_sizes(len(summary.by_kelurahan)),
            },
            "querystring": request.GET.urlencode(),
            "paged_querystring": querystring_without(request, "page"),
        }

    # The same for every HR officer: kept until the register, the ABK, the notes or the places
    # in selection change.
    body = rendered_part(
        request,
        "needs-map",
        ("workforce", "forums", *extensions.places_generations()),
        "workforce/_needs_map_body.html",
        context,
    )
    return render(request, "workforce/needs_map.html", {"body": body})


@role_required(Role.HR)
@require_GET
def needs_export(request):
    _form, planning_year, positions = _filtered_needs(request)
    content = exports.needs_workbook(planning_year, positions)
    return xlsx.response(content, f"kebutuhan-pegawai-{planning_year.year}.xlsx")


@role_required(Role.HR)
@require_GET
@csp_update({"style-src": [UNSAFE_INLINE]})  # pygal styles its SVG inline; it is an image
def needs_chart(request, dimension):
    if dimension not in {"sector", "kelurahan"}:
        raise Http404
    size = request.GET.get("size", "full")
    if size not in charts.BAR_CHART_WIDTHS:
        raise Http404
    _form, planning_year, data = _needs_filters(request)
    _rows, summary = _needs_rows(planning_year, data)
    rows = summary.by_sector if dimension == "sector" else summary.by_kelurahan
    svg = charts.horizontal_bar_chart(
        size=size,
        title=_("Staff by sector") if dimension == "sector" else _("Staff by kelurahan"),
        labels=[str(item) for item, _totals in rows],
        series=[
            (_("Required (ABK)"), [t.required for _i, t in rows]),
            (_("Current"), [t.current for _i, t in rows]),
            (_("Shortage"), [t.shortage for _i, t in rows]),
        ],
    )
    return HttpResponse(svg, content_type="image/svg+xml")


@role_required(Role.HR)
@require_GET
@never_cache  # it lists staff names
def unit_detail(request, pk):
    unit = get_object_or_404(Unit.objects.select_related("sector", "kelurahan"), pk=pk)
    _form, planning_year, _data = _needs_filters(request)
    context = {
        "unit": unit,
        "notes": extensions.unit_notes([unit.pk]).get(unit.pk, []),
        "planning_year": planning_year,
        # Who HR's message reaches: active staff with an account (one COUNT).
        "reachable": unit_employee_accounts(unit).count(),
        **selectors.unit_overview(unit, planning_year),
    }
    return render(request, "workforce/unit_detail.html", context)


@role_required(Role.HR)
@require_http_methods(["GET", "POST"])
def abk_edit(request, position_pk, year):
    position = get_object_or_404(Position.objects.select_related("unit"), pk=position_pk)
    planning_year = get_object_or_404(PlanningYear, year=year)
    sheet = selectors.abk_sheet_current(position, planning_year)
    version = AbkVersionForm(request.POST or None, initial={"version": sheet and sheet.version})
    initial = abk_task_initial(sheet.tasks.all()) if sheet else []
    formset = AbkTaskFormSet(request.POST or None, initial=initial, prefix="tasks")
    conflict = None
    if request.method == "POST" and version.is_valid() and formset.is_valid():
        try:
            abk_services.abk_sheet_save(
                position=position,
                planning_year=planning_year,
                expected_version=version.cleaned_data["version"],
                tasks=_task_inputs(formset),
                user=request.user,
            )
        except abk_services.AbkConflict as exc:
            conflict = selectors.abk_sheet_current(position, planning_year)
            version = AbkVersionForm(initial={"version": conflict and conflict.version})
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The workload analysis has been saved."))
            return redirect(
                position.unit.get_absolute_url() + f"?year={year}#position-{position.pk}"
            )
    context = {
        "position": position,
        "planning_year": planning_year,
        "formset": formset,
        "version_form": version,
        "conflict": conflict,
        "result": selectors.abk_result(position, planning_year),
    }
    return render(request, "workforce/abk_form.html", context)


@require_GET
@public_page("workforce")
def public_summary(request):
    planning_year = selectors.published_planning_year(timezone.localdate().year)
    summary = (
        selectors.needs_summary(selectors.needs_rows(planning_year)) if planning_year else None
    )
    return render(
        request,
        "workforce/public_summary.html",
        {"planning_year": planning_year, "summary": summary},
    )


def _task_inputs(formset):
    return [
        abk_services.TaskInput(
            description=form.cleaned_data["description"].strip(),
            output_unit=form.cleaned_data["output_unit"].strip(),
            yearly_volume=form.cleaned_data["yearly_volume"],
            standard_minutes=form.cleaned_data["standard_minutes"],
        )
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]
