"""Exam sessions (HR) and the exam participant card (the applicant or HR; not verifiers)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.roles import Role, role_required
from recruitment.access import application_for_owner_or_hr
from recruitment.forms.announcements import ExamSessionForm
from recruitment.pdf import exam_card_pdf
from recruitment.selectors import announcements as selectors
from recruitment.selectors.hr import period_get
from recruitment.services import exams as services


@role_required(Role.HR)
def hr_exam_session_list(request, pk):
    period = period_get(pk)
    context = {
        "period": period,
        "sessions": selectors.period_sessions(period),
        "unassigned": selectors.unassigned_count(period),
    }
    return render(request, "recruitment/announcements/hr_exam_sessions.html", context)


@role_required(Role.HR)
def hr_exam_session_create(request, pk):
    period = period_get(pk)
    form = ExamSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.exam_session_create(period=period, **form.service_kwargs())
        messages.success(request, _("The exam session has been saved."))
        return redirect("recruitment:hr_exam_session_list", period.pk)
    context = {"period": period, "form": form}
    return render(request, "recruitment/announcements/hr_exam_session_form.html", context)


@role_required(Role.HR)
def hr_exam_session_edit(request, pk):
    session = selectors.exam_session_get(pk)
    form = ExamSessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.exam_session_update(
                session=session, actor=request.user, **form.service_kwargs()
            )
        except services.ExamError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The exam session has been saved."))
            return redirect("recruitment:hr_exam_session_list", session.period_id)
    context = {"period": session.period, "session": session, "form": form}
    return render(request, "recruitment/announcements/hr_exam_session_form.html", context)


@role_required(Role.HR)
@require_POST
def hr_exam_session_delete(request, pk):
    session = selectors.exam_session_get(pk)
    try:
        services.exam_session_delete(session=session)
    except services.ExamError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The exam session has been deleted."))
    return redirect("recruitment:hr_exam_session_list", session.period_id)


@role_required(Role.HR)
@require_POST
def hr_exam_sessions_assign(request, pk):
    period = period_get(pk)
    try:
        count = services.exam_sessions_assign(period=period, actor=request.user)
    except services.ExamError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s participant has been assigned a session.",
                "%(count)s participants have been assigned a session.",
                count,
            )
            % {"count": count},
        )
    return redirect("recruitment:hr_exam_session_list", period.pk)


@login_required
def exam_card(request, pk):
    application = application_for_owner_or_hr(request.user, pk)
    problem = selectors.exam_card_problem(application)
    if problem:
        context = {"application": application, "reason": problem}
        return render(request, "recruitment/announcements/exam_card_unavailable.html", context)
    response = HttpResponse(exam_card_pdf(application), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"kartu-ujian-{application.registration_number}.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
