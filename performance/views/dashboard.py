"""HR's dashboard: completion per unit (who is late), predikat per unit and sector beside the
distribution guidance, charts, and the Excel and e-Kinerja exports."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.roles import Role, role_required
from core import exports as xlsx
from core.pagecache import remember, rendered_part
from core.paging import page_of, querystring_without
from performance import charts, exports
from performance.forms import CheckpointForm
from performance.models import Checkpoint, Predikat
from performance.selectors import dashboard as selectors

# Names of late staff shown per unit on the page (the export has them all).
LATE_NAMES_SHOWN = 5
# Units per page in the completion table and in the predikat-by-unit table and chart (a
# kecamatan has a few dozen; the Excel export has every unit on one sheet).
UNITS_PER_PAGE = 25


def _checkpoint(request):
    """The chosen checkpoint, or the latest one that has data (a review shared with the
    employee), else the latest one already due, else the first."""
    today = timezone.localdate()
    choices = Checkpoint.objects.select_related("cycle").filter(cycle__year__lte=today.year + 1)
    form = CheckpointForm(
        request.GET or None, checkpoints=choices.order_by("-cycle__year", "period_end", "kind")
    )
    chosen = form.cleaned_data.get("checkpoint") if form.is_valid() else None
    if chosen is None:
        chosen = (
            selectors.latest_with_data(choices)
            or choices.filter(due_date__lte=today).order_by("-due_date", "kind").first()
            or choices.order_by("due_date").first()
        )
    return form, chosen, today


@role_required(Role.HR)
@require_GET
@never_cache
def dashboard(request):
    # The same for every HR officer: kept until a review, an SKP or the register changes.
    body = rendered_part(
        request,
        "performance-dashboard",
        ("performance", "workforce"),
        "performance/_dashboard_body.html",
        lambda: _dashboard_context(request),
    )
    return render(request, "performance/dashboard.html", {"body": body})


def _dashboard_context(request) -> dict:
    form, checkpoint, today = _checkpoint(request)
    context = {
        "form": form,
        "checkpoint": checkpoint,
        "predikat_labels": Predikat.labels,
        "guidance": selectors.guidance(),
        "querystring": request.GET.urlencode(),
    }
    if checkpoint is not None:
        # Counted over the whole register: kept until a review, an SKP or the register changes.
        context["completion"] = remember(
            f"performance-completion:{checkpoint.pk}:{today}:{LATE_NAMES_SHOWN}",
            ("performance", "workforce"),
            lambda: selectors.completion_by_unit(checkpoint, today, late_names=LATE_NAMES_SHOWN),
        )
        distribution = _distribution(checkpoint)
        context.update(
            completion_page=page_of(request, context["completion"], UNITS_PER_PAGE),
            completion_querystring=querystring_without(request, "page"),
            sectors=distribution["sectors"],
            units_page=page_of(request, distribution["units"], UNITS_PER_PAGE, "units_page"),
            units_querystring=querystring_without(request, "units_page"),
        )
    return context


def _distribution(checkpoint):
    """Predikat counts per unit and sector, kept until a review or the register changes."""
    return remember(
        f"performance-distribution:{checkpoint.pk}",
        ("performance", "workforce"),
        lambda: selectors.distribution(checkpoint),
    )


@role_required(Role.HR)
@require_GET
@csp_update({"style-src": [UNSAFE_INLINE]})  # pygal styles its SVG inline; it is an image
def dashboard_chart(request, dimension):
    if dimension not in {"unit", "sector"}:
        raise Http404
    _form, checkpoint, _today = _checkpoint(request)
    if checkpoint is None:
        raise Http404
    distribution = _distribution(checkpoint)
    if dimension == "unit":  # the units of the table's page beneath the chart
        rows = page_of(request, distribution["units"], UNITS_PER_PAGE, "units_page").object_list
    else:
        rows = distribution["sectors"]
    svg = charts.distribution_chart(
        narrow=request.GET.get("size") == "narrow",
        title=_("Predikat by unit") if dimension == "unit" else _("Predikat by sector"),
        labels=[row.label for row in rows],
        series=[
            (str(label), [row.counts[value] for row in rows]) for value, label in Predikat.choices
        ],
    )
    return HttpResponse(svg, content_type="image/svg+xml")


@role_required(Role.HR)
@require_GET
def dashboard_export(request):
    _form, checkpoint, today = _checkpoint(request)
    if checkpoint is None:
        raise Http404
    content = exports.dashboard_workbook(
        checkpoint,
        selectors.completion_by_unit(checkpoint, today),
        selectors.distribution(checkpoint),
    )
    return xlsx.response(
        content, f"kinerja-{checkpoint.cycle.year}-{checkpoint.kind}-{checkpoint.number}.xlsx"
    )


@role_required(Role.HR)
@require_GET
def ekinerja_export(request):
    _form, checkpoint, _today = _checkpoint(request)
    if checkpoint is None:
        raise Http404
    content = exports.ekinerja_workbook(checkpoint, selectors.ekinerja_rows(checkpoint))
    return xlsx.response(
        content, f"e-kinerja-{checkpoint.cycle.year}-{checkpoint.kind}-{checkpoint.number}.xlsx"
    )
