"""An employee's training record: their own page, the same page for their supervisor and HR,
one enrolment, the certificate PDF and the feedback form."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.roles import Role, role_required
from core.audit import log_access
from core.calendar import calendar_response
from training import access, review_gaps
from training.access import TRAINING_ROLES
from training.forms import FeedbackForm
from training.pdf import certificate_pdf
from training.selectors import catalogue as selectors
from training.selectors.calendar import training_events
from training.selectors.ledger import jp_ledger
from training.selectors.recommendations import recommended_programmes
from training.services import delivery as services
from training.services.enrolments import TrainingError
from workforce.models import Employee


@role_required(Role.EMPLOYEE)
@require_GET
@never_cache
def my_training(request):
    employee = access.own_employee(request.user)
    if employee is None:
        return render(request, "training/no_employee_record.html")
    return _record(request, employee)


@role_required(Role.EMPLOYEE)
@require_GET
def my_calendar(request):
    """The signed-in employee's training sessions as a calendar file (only their own: the URL
    names no one). An account without an employee record gets an empty calendar."""
    employee = access.own_employee(request.user)
    events = training_events(employee, absolute=request.build_absolute_uri) if employee else []
    return calendar_response(events, name=_("My training"), filename="pelatihan-saya.ics")


@role_required(*TRAINING_ROLES)
@require_GET
@never_cache
def employee_training(request, pk):
    return _record(request, access.employee_for_user(request.user, pk))


def _record(request, employee: Employee):
    may_enrol = access.may_enrol(request.user, employee) and employee.user_id != request.user.pk
    context = {
        "employee": employee,
        "is_self": employee.user_id == request.user.pk,
        "ledger": jp_ledger(employee),
        "enrolments": list(selectors.employee_enrolments(employee)),
        "recommendations": recommended_programmes(employee, gaps=review_gaps.gaps_for(employee)),
        "may_enrol": may_enrol,
    }
    return render(request, "training/employee_training.html", context)


@role_required(*TRAINING_ROLES)
@require_GET
@never_cache
def enrolment_detail(request, pk):
    enrolment = access.enrolment_for_user(request.user, pk)
    context = {
        "enrolment": enrolment,
        "session": enrolment.session,
        "is_self": enrolment.employee.user_id == request.user.pk,
        "has_feedback": hasattr(enrolment, "feedback"),
    }
    return render(request, "training/enrolment_detail.html", context)


@role_required(*TRAINING_ROLES)
@require_GET
def certificate_pdf_view(request, pk):
    enrolment = access.enrolment_for_user(request.user, pk)
    certificate = getattr(enrolment, "certificate", None)
    if certificate is None:
        raise Http404
    pdf = certificate_pdf(certificate)
    log_access(certificate, request)  # it carries the employee's name: reads are audited
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"sertifikat-{certificate.verification_code}.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(Role.EMPLOYEE)
@require_http_methods(["GET", "POST"])
def enrolment_feedback(request, pk):
    enrolment = access.own_enrolment(request.user, pk)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_submit(enrolment=enrolment, **form.cleaned_data)
        except TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you for your feedback."))
            return redirect(enrolment)
    context = {"enrolment": enrolment, "session": enrolment.session, "form": form}
    return render(request, "training/feedback_form.html", context)
