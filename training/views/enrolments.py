"""Requests, direct enrolment, the supervisor's decision and cancellation."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import Role, role_required
from training import access
from training.access import TRAINING_ROLES
from training.forms import DecisionForm, EnrolForm
from training.models import Enrolment
from training.selectors import catalogue as selectors
from training.services import enrolments as services
from training.views.catalogue import session_context
from workforce.models import Employee

Status = Enrolment.Status


def _session_or_404(pk):
    session = selectors.session_detail(pk)
    if session is None:
        raise Http404
    return session


@role_required(Role.EMPLOYEE)
@require_POST
def session_request(request, pk):
    session = _session_or_404(pk)
    me = access.own_employee(request.user)
    if me is None:
        raise Http404
    try:
        services.enrolment_request(session=session, employee=me, user=request.user)
    except services.TrainingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your request has been sent to your supervisor."))
    return redirect(session)


@role_required(Role.SUPERVISOR, Role.HR)
@require_POST
def session_enrol(request, pk):
    session = _session_or_404(pk)
    hr = access.is_hr(request.user)
    employees = (
        Employee.objects.filter(status=Employee.Status.ACTIVE)
        if hr
        else selectors.team_members(request.user)
    )
    form = EnrolForm(request.POST, employees=employees)
    if not form.is_valid():
        context = session_context(request, session, enrol_form=form)
        return render(request, "training/session_detail.html", context, status=400)
    try:
        enrolment = services.enrolment_enrol(
            session=session, employee=form.cleaned_data["employee"], user=request.user
        )
    except services.TrainingError as error:
        messages.error(request, str(error))
    else:
        name = {"name": enrolment.employee.full_name}
        if enrolment.status == Status.WAITLISTED:
            messages.warning(
                request, _("The session is full: %(name)s is on the waiting list.") % name
            )
        else:
            messages.success(request, _("%(name)s has been enrolled.") % name)
    if request.POST.get("from") == "employee":  # enrolled from the employee's recommendations
        return redirect("training:employee_training", pk=form.cleaned_data["employee"].pk)
    return redirect(session)


@role_required(Role.SUPERVISOR, Role.HR)
@require_POST
def enrolment_decide(request, pk):
    enrolment = access.decidable_enrolment(request.user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to approve or reject the request."))
        return redirect("training:team_requests")
    try:
        enrolment = services.enrolment_decide(
            enrolment=enrolment, user=request.user, approve=form.approve
        )
    except services.TrainingError as error:
        messages.error(request, str(error))
    else:
        name = {"name": enrolment.employee.full_name}
        done = {
            Status.ENROLLED: _("The request of %(name)s has been approved."),
            Status.WAITLISTED: _(
                "The request of %(name)s has been approved; the session is full, so they are on "
                "the waiting list."
            ),
            Status.REJECTED: _("The request of %(name)s has been rejected."),
        }
        messages.success(request, done[enrolment.status] % name)
    return redirect("training:team_requests")


@role_required(*TRAINING_ROLES)
@require_POST
def enrolment_cancel(request, pk):
    enrolment = access.enrolment_for_user(request.user, pk)
    if not (access.is_hr(request.user) or enrolment.employee.user_id == request.user.pk):
        raise Http404  # a supervisor rejects a request; only the person or HR cancels
    try:
        promoted = services.enrolment_cancel(enrolment=enrolment, user=request.user)
    except services.TrainingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The enrolment has been cancelled."))
        if promoted is not None and access.is_hr(request.user):
            messages.info(
                request,
                _("%(name)s moved up from the waiting list.")
                % {"name": promoted.employee.full_name},
            )
    return redirect(enrolment.session)


@role_required(Role.SUPERVISOR)
@require_GET
@never_cache
def team_requests(request):
    context = {
        "requests": list(selectors.team_requests(request.user)),
        "team": list(selectors.team_members(request.user)),
    }
    return render(request, "training/team_requests.html", context)
