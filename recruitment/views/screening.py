"""The administrative screening (verifikasi MS/TMS): HR assigns verifiers and second checkers to
a period; verifiers work through a queue per formation and check each required document; a
second checker confirms; after the announcement only a re-check (MS -> TMS while appeals are
answered) or HR's correction changes a result. HR and administrators see every period, a
verifier only the periods assigned to them (404 for the others)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import Role, role_required
from recruitment import access, rules
from recruitment.forms.screening import (
    AssignmentForm,
    CorrectionForm,
    PriorityGroupVerifyForm,
    QueueFilterForm,
    RecheckForm,
    ScreeningForm,
    SecondCheckConfirmForm,
    SecondCheckReturnForm,
)
from recruitment.selectors import hr as hr_selectors
from recruitment.selectors import screening as selectors
from recruitment.services import screening as services

PAGE_SIZE = 50
SCREENERS = (Role.HR, Role.VERIFIER)


# --- assignments (HR) ----------------------------------------------------------------------


@role_required(Role.HR)
@require_http_methods(["GET", "POST"])
def screening_assignments(request, pk):
    period = hr_selectors.period_get(pk)
    form = AssignmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_add(period=period, actor=request.user, **form.cleaned_data)
        except services.ScreeningError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The duty has been assigned."))
            return redirect("recruitment:screening_assignments", period.pk)
    context = {
        "period": period,
        "form": form,
        "assignments": selectors.period_assignments(period),
    }
    return render(request, "recruitment/screening/assignments.html", context)


@role_required(Role.HR)
@require_POST
def screening_assignment_remove(request, pk):
    assignment = selectors.assignment_get(pk)
    services.assignment_remove(assignment=assignment, actor=request.user)
    messages.success(request, _("The duty has been removed."))
    return redirect("recruitment:screening_assignments", assignment.period_id)


# --- periods, formations, queue ------------------------------------------------------------


@role_required(*SCREENERS)
@require_GET
def screening_period_list(request):
    periods = selectors.screening_periods(request.user)
    page = Paginator(periods, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "recruitment/screening/period_list.html", {"page": page})


@role_required(*SCREENERS)
@require_GET
def screening_period(request, pk):
    period = access.screening_period_for_user(request.user, pk)
    context = {
        "period": period,
        "summary": selectors.screening_summary(period),
        "formations": selectors.period_formations_progress(period),
        "announced": selectors.admin_announced(period),
    }
    return render(request, "recruitment/screening/period_detail.html", context)


@role_required(*SCREENERS)
@require_GET
def screening_queue(request, pk):
    formation = selectors.screening_formation_get(pk)
    if not access.may_screen_period(request.user, formation.period_id):
        raise Http404
    form = QueueFilterForm(request.GET or None)
    state = form.cleaned_data["state"] if form.is_valid() else ""
    queue = selectors.formation_queue(formation, state=state)
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "formation": formation,
        "period": formation.period,
        "form": form,
        "page": page,
        "required_count": formation.required_documents.count(),
        "querystring": f"state={state}" if state else "",
    }
    return render(request, "recruitment/screening/queue.html", context)


# --- one application -----------------------------------------------------------------------


def _render_application(request, application, *, status=200, **forms):
    period = application.period
    rows = selectors.application_document_rows(application)
    window = rules.appeal_window(period)
    user = request.user
    context = {
        "application": application,
        "period": period,
        "facts": selectors.profile_facts(application),
        "rows": rows,
        "decisions": selectors.decision_history(application),
        "state": selectors.application_state(application),
        "announced": window is not None,
        "window": window,
        "may_edit": access.may_edit_screening(user, period.pk),
        "next_application": selectors.next_to_screen(application),
        "may_second_check": access.may_second_check(user, period.pk),
        "may_correct": access.may_correct(user),
        "recheck_open": not services.recheck_refusal(period),
        "screening_form": forms.get("screening_form")
        or ScreeningForm(rows=rows, version=selectors.screening_version(application)),
        "confirm_form": forms.get("confirm_form") or SecondCheckConfirmForm(),
        "return_form": forms.get("return_form") or SecondCheckReturnForm(),
        "recheck_form": forms.get("recheck_form") or RecheckForm(rows=rows),
        "correction_form": forms.get("correction_form") or CorrectionForm(rows=rows),
    }
    if period.is_pppk:
        context["priority_decision"] = selectors.priority_group_decision(application)
        context["priority_refusal"] = services.priority_group_refusal(period)
        context["priority_form"] = forms.get("priority_form") or PriorityGroupVerifyForm(
            application=application
        )
    return render(request, "recruitment/screening/application.html", context, status=status)


def _refused(request, application, name, form, error):
    form.add_service_errors(error)
    return _render_application(request, application, status=200, **{name: form})


@role_required(*SCREENERS)
@require_http_methods(["GET", "POST"])
def screening_application(request, pk):
    application = access.screening_application_for_user(request.user, pk)
    if request.method == "GET":
        return _render_application(request, application)
    if not access.may_edit_screening(request.user, application.period_id):
        raise PermissionDenied
    rows = selectors.application_document_rows(application)
    form = ScreeningForm(request.POST, rows=rows, version=selectors.screening_version(application))
    if not form.is_valid():
        return _render_application(request, application, status=200, screening_form=form)
    try:
        changed = services.screening_save(
            application=application,
            actor=request.user,
            checks=form.checks(),
            version=form.cleaned_data["version"],
        )
    except services.ScreeningError as error:
        return _refused(request, application, "screening_form", form, error)
    messages.success(request, _("The screening has been saved.") if changed else _("No change."))
    return redirect("recruitment:screening_application", application.pk)


def _second_checker_application(request, pk):
    application = access.screening_application_for_user(request.user, pk)
    if not access.may_second_check(request.user, application.period_id):
        raise PermissionDenied
    return application


@role_required(*SCREENERS)
@require_POST
def screening_confirm(request, pk):
    application = _second_checker_application(request, pk)
    form = SecondCheckConfirmForm(request.POST)
    if not form.is_valid():
        return _render_application(request, application, status=200, confirm_form=form)
    try:
        services.second_check_confirm(
            application=application, actor=request.user, note=form.cleaned_data["note"]
        )
    except services.ScreeningError as error:
        return _refused(request, application, "confirm_form", form, error)
    messages.success(request, _("The result is confirmed."))
    return redirect("recruitment:screening_application", application.pk)


@role_required(*SCREENERS)
@require_POST
def screening_return(request, pk):
    application = _second_checker_application(request, pk)
    form = SecondCheckReturnForm(request.POST)
    if not form.is_valid():
        return _render_application(request, application, status=200, return_form=form)
    try:
        services.second_check_return(
            application=application, actor=request.user, note=form.cleaned_data["note"]
        )
    except services.ScreeningError as error:
        return _refused(request, application, "return_form", form, error)
    messages.success(request, _("The screening has been sent back to the verifiers."))
    return redirect("recruitment:screening_application", application.pk)


@role_required(*SCREENERS)
@require_POST
def screening_recheck(request, pk):
    application = access.screening_application_for_user(request.user, pk)
    if not access.may_edit_screening(request.user, application.period_id):
        raise PermissionDenied
    form = RecheckForm(request.POST, rows=selectors.application_document_rows(application))
    if not form.is_valid():
        return _render_application(request, application, status=200, recheck_form=form)
    try:
        services.recheck_flip(application=application, actor=request.user, **form.cleaned_data)
    except services.ScreeningError as error:
        return _refused(request, application, "recheck_form", form, error)
    messages.success(request, _("The document is now TMS after the re-check."))
    return redirect("recruitment:screening_application", application.pk)


@role_required(Role.HR)
@require_POST
def screening_correction(request, pk):
    application = access.screening_application_for_user(request.user, pk)
    form = CorrectionForm(request.POST, rows=selectors.application_document_rows(application))
    if not form.is_valid():
        return _render_application(request, application, status=200, correction_form=form)
    try:
        services.correction_apply(application=application, actor=request.user, **form.cleaned_data)
    except services.ScreeningError as error:
        return _refused(request, application, "correction_form", form, error)
    messages.success(request, _("The correction has been saved and logged."))
    return redirect("recruitment:screening_application", application.pk)


@role_required(*SCREENERS)
@require_POST
def screening_priority_group(request, pk):
    """A PPPK application's priority group: the declared one confirmed, or changed."""
    application = access.screening_application_for_user(request.user, pk)
    if not application.period.is_pppk:
        raise Http404  # a CPNS application has no priority group
    if not access.may_edit_screening(request.user, application.period_id):
        raise PermissionDenied
    form = PriorityGroupVerifyForm(request.POST, application=application)
    if not form.is_valid():
        return _render_application(request, application, status=200, priority_form=form)
    try:
        changed = services.priority_group_set(
            application=application, actor=request.user, **form.cleaned_data
        )
    except services.ScreeningError as error:
        return _refused(request, application, "priority_form", form, error)
    messages.success(
        request,
        _("The priority group has been changed and logged.")
        if changed
        else _("The declared priority group is confirmed and logged."),
    )
    return redirect("recruitment:screening_application", application.pk)
