from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.roles import Role, role_required
from core.paging import querystring_without
from core.ratelimit import client_address
from forums import charts
from forums.forms.ikm import IkmForm, IkmResultsForm
from forums.selectors import ikm as selectors
from forums.services import ForumError
from forums.services.ikm import ikm_response_create

# Units per page of the results: a district surveys a few dozen units a period; the scale data
# (500 units, three periods) made an unpaged table of 1,500 rows (310 ms; issue 23).
PER_PAGE = 50


def _shown(request):
    """(form, period, page of results) for the results page and its chart: the period asked
    for, or the newest with responses (a wrong one is an error on the form, and the newest is
    shown); the units in name order, PER_PAGE at a time."""
    periods = selectors.ikm_result_periods()
    form = IkmResultsForm(request.GET if "period" in request.GET else None, periods=periods)
    period = form.cleaned_data["period"] if form.is_valid() else periods.first()
    if not form.is_bound and period is not None:
        form.initial["period"] = period.pk
    results = selectors.ikm_results(period=period) if period is not None else []
    return form, period, Paginator(results, PER_PAGE).get_page(request.GET.get("page"))


@require_GET
def ikm_results(request):
    form, period, page = _shown(request)
    context = {
        "form": form,
        "period": period,
        "page": page,
        "querystring": querystring_without(request, "page"),
        "chart_query": urlencode({"period": period.pk, "page": page.number}) if period else "",
        "elements": selectors.ikm_elements(),
        "bands": selectors.ikm_bands(),
    }
    return render(request, "forums/ikm_results.html", context)


@require_GET
@csp_update({"style-src": [UNSAFE_INLINE]})  # pygal styles its SVG inline; it is an image
def ikm_chart(request):
    """The bars of the units the table's page shows (same period and page)."""
    _form, _period, results = _shown(request)
    svg = charts.ikm_bar_chart(
        title=_("Satisfaction index (IKM) per unit, 25–100"),
        labels=[f"{r.unit} · {r.period}" for r in results],
        values=[float(r.converted) for r in results],
    )
    return HttpResponse(svg, content_type="image/svg+xml")


@role_required(Role.RESIDENT)
@require_http_methods(["GET", "POST"])
def ikm_survey(request):
    periods = selectors.ikm_open_periods(timezone.localdate())
    form = IkmForm(
        request.POST or None,
        elements=selectors.ikm_elements(),
        periods=periods,
        initial={"unit": request.GET.get("unit")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            ikm_response_create(
                respondent=request.user, unit=form.cleaned_data["unit"],
                period=form.cleaned_data["period"], scores=form.scores(),
                suggestion=form.cleaned_data["suggestion"], address=client_address(request),
            )  # fmt: skip
        except ForumError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Thank you for rating the service."))
            return redirect("forums:ikm_results")
    return render(request, "forums/ikm_survey.html", {"form": form, "periods": periods})
