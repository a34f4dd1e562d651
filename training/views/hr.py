"""HR's overview: who is short of the yearly JP minimum, by unit and sector, with a chart; and the
feedback summary per programme and session."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.roles import Role, role_required
from core.pagecache import rendered_part
from core.paging import page_of, querystring_without
from training import charts
from training.forms import DashboardFilterForm
from training.selectors import catalogue as catalogue_selectors
from training.selectors import ledger as selectors
from training.selectors import onboarding

PAGE_SIZE = 50
UNITS_PER_PAGE = 25  # the by-unit table and its chart: one page of units (500 at scale)


def _filters(request):
    form = DashboardFilterForm(request.GET or None, years=selectors.years_with_records())
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    return form, form.year_or_latest(), data.get("sector")


@role_required(Role.HR)
@require_GET
@never_cache  # it lists staff names
def hr_dashboard(request):
    form, year, sector = _filters(request)

    def context():
        summary = selectors.shortfall_summary(year)
        short = selectors.short_list(year, sector=sector, summary=summary)
        page = page_of(request, short, PAGE_SIZE)
        page.object_list = selectors.short_details(list(page.object_list))
        units_page = page_of(request, summary["by_unit"], UNITS_PER_PAGE, "units_page")
        return {
            "form": form,
            "year": year,
            "summary": summary,
            "units_page": units_page,
            "units_querystring": querystring_without(request, "units_page"),
            "page": page,
            "querystring": querystring_without(request, "page"),
            "chart_query": f"year={year}",
            "unit_chart_query": f"year={year}&units_page={units_page.number}",
            "sector_chart_height": charts.chart_height(len(summary["by_sector"])),
            "unit_chart_height": charts.chart_height(len(units_page.object_list)),
        }

    # Kept until a training record or the register changes: the list of who is short reads
    # every PNS employee's JP of the year.
    body = rendered_part(
        request,
        "training-dashboard",
        ("training", "workforce"),
        "training/_hr_dashboard_body.html",
        context,
    )
    # Outside the cached part: who is due changes with the date, not only with the data.
    context = {"body": body, "onboarding_count": onboarding.onboarding_due().count()}
    return render(request, "training/hr_dashboard.html", context)


@role_required(Role.HR)
@require_GET
@csp_update({"style-src": [UNSAFE_INLINE]})  # pygal styles its SVG inline; it is an image
def hr_chart(request, dimension):
    if dimension not in {"unit", "sector"}:
        raise Http404
    _form, year, _sector = _filters(request)
    summary = selectors.shortfall_summary(year)
    svg = charts.shortfall_chart(
        title=_("PNS staff and the JP minimum by sector")
        if dimension == "sector"
        else _("PNS staff and the JP minimum by unit"),
        rows=summary["by_sector"]
        if dimension == "sector"  # the units of the table's page beneath the chart
        else page_of(request, summary["by_unit"], UNITS_PER_PAGE, "units_page").object_list,
        complete_label=_("Minimum reached"),
        short_label=_("Short of the minimum"),
        no_data=_("No PNS staff in this year's records"),
    )
    return HttpResponse(svg, content_type="image/svg+xml")


@role_required(Role.HR)
@require_GET
def feedback_summary(request):
    return render(request, "training/feedback_summary.html", catalogue_selectors.feedback_summary())
