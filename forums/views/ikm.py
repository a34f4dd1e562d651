from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.roles import Role, role_required
from core.ratelimit import client_address
from forums import charts
from forums.forms.ikm import IkmForm
from forums.selectors import ikm as selectors
from forums.services import ForumError
from forums.services.ikm import ikm_response_create


@require_GET
def ikm_results(request):
    context = {
        "results": selectors.ikm_results(),
        "elements": selectors.ikm_elements(),
        "bands": selectors.ikm_bands(),
    }
    return render(request, "forums/ikm_results.html", context)


@require_GET
@csp_update({"style-src": [UNSAFE_INLINE]})  # pygal styles its SVG inline; it is an image
def ikm_chart(request):
    results = selectors.ikm_results()
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
