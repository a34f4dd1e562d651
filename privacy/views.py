import logging
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role, role_required
from core.audit import log_access
from core.numbers import number
from core.paging import querystring_without
from core.ratelimit import over_limit
from privacy import selectors, services
from privacy.export import export_zip
from privacy.forms import DataRequestAnswerForm, DataRequestForm
from privacy.models import DataRequest

logger = logging.getLogger(__name__)


def notice(request):
    """The privacy notice (Pasal 21 UU PDP): public, before anyone signs up."""
    version = settings.PRIVACY_NOTICE_VERSION
    try:
        year, month = (int(part) for part in version.split("-")[:2])
        effective = date(year, month, 1)
    except ValueError:
        effective = None
    days = settings.RETENTION_APPLICANT_DAYS
    context = {
        "version": version,
        "effective": effective,
        "retention_days": days,
        # "2" or "1,5" (Indonesian) / "1.5" (English): the language's decimal mark.
        "retention_years": number(round(days / 365, 1)).removesuffix(",0").removesuffix(".0"),
        "deadline_hours": settings.RETENTION_REQUEST_DEADLINE_HOURS,
    }
    return render(request, "privacy/notice.html", context)


@login_required
def my_data(request):
    context = {
        "summary": selectors.my_data_summary(request.user),
        "consents": selectors.consents_for_user(request.user),
        "requests": selectors.requests_for_user(request.user),
        "restrictions": selectors.restrictions_for_user(request.user),
        "form": DataRequestForm(can_lift=selectors.can_lift_restriction(request.user)),
        "now": timezone.now(),
    }
    return render(request, "privacy/my_data.html", context)


# Each export gathers everything about the person and their files: a few per hour are plenty.
EXPORTS_PER_HOUR = 5


@login_required
def export(request):
    if over_limit(
        request, f"privacy-export:{request.user.pk}", limit=EXPORTS_PER_HOUR, seconds=3600
    ):
        messages.error(
            request,
            _("You have downloaded your data several times in the last hour. Try again later."),
        )
        return redirect("privacy:my_data")
    log_access(request.user, request)  # the audit trail records who took a copy, and when
    archive = export_zip(request.user)
    filename = f"rakumpit-my-data-{timezone.localdate():%Y%m%d}.zip"
    response = FileResponse(
        archive, as_attachment=True, filename=filename, content_type="application/zip"
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def request_create(request):
    form = DataRequestForm(
        request.POST or None, can_lift=selectors.can_lift_restriction(request.user)
    )
    if request.method == "POST" and form.is_valid():
        data_request = services.data_request_submit(user=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("Your request has been received. We answer by %(due)s.")
            % {"due": timezone.localtime(data_request.due_at).strftime("%Y-%m-%d %H:%M")},
        )
        return redirect(data_request)
    context = {"form": form, "deadline_hours": settings.RETENTION_REQUEST_DEADLINE_HOURS}
    return render(request, "privacy/request_form.html", context)


@login_required
def request_detail(request, pk):
    data_request = selectors.request_for_owner(request.user, pk)
    return render(request, "privacy/request_detail.html", {"data_request": data_request})


@role_required(Role.HR)
def request_list(request):
    status = request.GET.get("status", "")
    overdue = request.GET.get("overdue") == "1"
    requests = selectors.requests_for_hr(status=status, overdue=overdue)
    page = Paginator(requests, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "overdue": overdue,
        "statuses": DataRequest.Status.choices,
        "querystring": querystring_without(request, "page"),
        "deadline_hours": settings.RETENTION_REQUEST_DEADLINE_HOURS,
    }
    return render(request, "privacy/request_list.html", context)


@role_required(Role.HR)
def request_answer(request, pk):
    data_request = get_object_or_404(
        DataRequest.objects.select_related("user", "handled_by"), pk=pk
    )
    own = data_request.user_id == request.user.pk
    form = DataRequestAnswerForm(request.POST or None, data_request=data_request)
    if request.method == "POST" and own:
        # Another HR officer answers: nobody decides on their own request.
        raise PermissionDenied(_("Another HR officer must answer your own request."))
    if request.method == "POST" and data_request.is_open and form.is_valid():
        try:
            services.data_request_handle(
                data_request=data_request,
                actor=request.user,
                status=form.cleaned_data["status"],
                outcome=form.cleaned_data["outcome"],
                carry_out=form.cleaned_data.get("carry_out", False),
            )
        except services.PrivacyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The answer has been saved."))
            return redirect("privacy:request_answer", pk=data_request.pk)
    context = {
        "data_request": data_request,
        "form": form,
        "overdue": data_request.is_overdue(),
        "own": own,
        "summary": selectors.my_data_summary(data_request.user),
    }
    return render(request, "privacy/request_answer.html", context)
