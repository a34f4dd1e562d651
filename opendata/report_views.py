"""HR's page of leadership reports: the list (newest first), a form to generate one now for a
month or a selection period, and the downloads. HR only (administrators hold every role):
anonymous visitors are sent to sign in, anyone else gets 403."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import Role, role_required
from core.outbox import dispatch
from core.paging import page_of
from opendata.models import LeadershipReport
from opendata.tasks import generate_requested_report
from recruitment.models import SelectionPeriod

REPORT_ROLES = (Role.HR,)
PER_PAGE = 20
FORMATS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class GenerateReportForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Report for"),
        choices=LeadershipReport.Kind.choices,
        widget=forms.RadioSelect,
        initial=LeadershipReport.Kind.MONTH,
    )
    month = forms.DateField(
        label=gettext_lazy("Month"),
        required=False,
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text=gettext_lazy("For a monthly report, e.g. 2026-03."),
    )
    period = forms.ModelChoiceField(
        label=gettext_lazy("Selection period"),
        queryset=SelectionPeriod.objects.order_by("-registration_opens_at", "-pk"),
        required=False,
        help_text=gettext_lazy("For a selection period's report."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.form_action = reverse("opendata:report_generate")
        self.helper.add_input(Submit("generate", _("Generate now")))

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == LeadershipReport.Kind.MONTH:
            month = data.get("month")
            if month is None:
                self.add_error("month", _("Choose the month of the report."))
            elif month.replace(day=1) > timezone.localdate().replace(day=1):
                self.add_error("month", _("The month has not begun yet."))
            else:
                data["month"], data["period"] = month.replace(day=1), None
        elif kind == LeadershipReport.Kind.PERIOD:
            if data.get("period") is None:
                self.add_error("period", _("Choose the selection period of the report."))
            data["month"] = None
        return data


@role_required(*REPORT_ROLES)
@require_GET
def report_list(request):
    return _list_page(request, GenerateReportForm(initial={"month": timezone.localdate()}))


def _list_page(request, form, status=200):
    reports = LeadershipReport.objects.select_related("period", "generated_by").order_by(
        "-generated_at", "-pk"
    )
    context = {"page": page_of(request, reports, PER_PAGE), "form": form}
    return render(request, "opendata/report_list.html", context, status=status)


@role_required(*REPORT_ROLES)
@require_POST
def report_generate(request):
    form = GenerateReportForm(request.POST)
    if not form.is_valid():
        return _list_page(request, form, status=400)
    data = form.cleaned_data
    month, period = data["month"], data["period"]
    # After the commit, durably (core.outbox): in a worker, or in-process without a broker.
    dispatch(
        generate_requested_report,
        data["kind"],
        month.isoformat() if month else None,
        period.pk if period else None,
        request.user.pk,
    )
    messages.success(
        request,
        _(
            "The report is being generated. It appears in the list below within a minute "
            "(reload the page); generating it again replaces it."
        ),
    )
    return redirect("opendata:report_list")


@role_required(*REPORT_ROLES)
@require_GET
def report_download(request, pk, extension):
    report = get_object_or_404(LeadershipReport, pk=pk)
    stored = getattr(report, extension)
    if not stored:
        raise Http404
    try:
        stream = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=report.filename(extension),
        content_type=FORMATS[extension],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
