"""HR's onboarding page: every new employee still in probation without their mandatory first
training (Latsar CPNS or PPPK orientation), each with the sessions they can join, and the
enrolment from that proposal."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.roles import Role, role_required
from core.paging import page_of
from training.forms import OnboardingEnrolForm
from training.models import Enrolment
from training.selectors import onboarding as selectors
from training.services import enrolments as services

PAGE_SIZE = 50


def _context(request, form=None):
    sessions = selectors.first_training_sessions()
    page = page_of(request, selectors.onboarding_due(), PAGE_SIZE)
    page.object_list = selectors.with_proposals(page.object_list, sessions)
    return {"page": page, "sessions": sessions, "form": form}


@role_required(Role.HR)
@never_cache  # it lists staff names
def onboarding(request):
    if request.method != "POST":
        return render(request, "training/onboarding.html", _context(request))
    form = OnboardingEnrolForm(
        request.POST,
        employees=selectors.onboarding_due(),
        sessions=selectors.first_training_sessions(),
    )
    if not form.is_valid():
        return render(request, "training/onboarding.html", _context(request, form), status=400)
    employee, session = form.cleaned_data["employee"], form.cleaned_data["session"]
    try:
        enrolment = services.enrolment_enrol(session=session, employee=employee, user=request.user)
    except services.TrainingError as error:
        messages.error(request, str(error))
    else:
        name = {"name": employee.full_name, "session": str(session)}
        if enrolment.status == Enrolment.Status.WAITLISTED:
            messages.warning(
                request, _("%(session)s is full: %(name)s is on the waiting list.") % name
            )
        else:
            messages.success(request, _("%(name)s is enrolled in %(session)s.") % name)
    return redirect("training:onboarding")
