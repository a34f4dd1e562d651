"""Sanggah: the applicant appeals against a TMS result; HR answers each appeal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.roles import Role, role_required
from recruitment import access
from recruitment.forms.announcements import AppealAnswerForm, AppealForm
from recruitment.rules import appeal_window
from recruitment.selectors import announcements as selectors
from recruitment.selectors.hr import period_get
from recruitment.services import appeals as services


@login_required
def appeal_create(request, pk):
    application = access.own_application(request.user, pk)
    requirements = selectors.appealable_requirements(application)
    form = AppealForm(request.POST or None, requirements=requirements)
    refusal = services.appeal_refusal(application)
    if request.method == "POST" and form.is_valid():
        try:
            services.appeal_submit(
                application=application,
                user=request.user,
                requirement_ids=[req.pk for req in form.cleaned_data["documents"]],
                reason=form.cleaned_data["reason"],
                confirmed=form.cleaned_data["confirm"],
            )
        except services.AppealError as error:
            form.add_error(None, str(error))  # the form keeps what was typed
        else:
            messages.success(request, _("Your appeal has been sent. The answer appears here."))
            return redirect(application.get_absolute_url())
    context = {
        "application": application,
        "form": form,
        "refusal": refusal,
        "window": appeal_window(application.period),
    }
    return render(request, "recruitment/announcements/appeal_form.html", context)


@role_required(Role.HR)
def hr_appeal_list(request, pk):
    period = period_get(pk)
    context = {
        "period": period,
        "appeals": selectors.period_appeals(period),
        "counts": selectors.appeal_counts(period),
        "window": appeal_window(period),
    }
    return render(request, "recruitment/announcements/hr_appeal_list.html", context)


@role_required(Role.HR)
def hr_appeal_answer(request, pk):
    appeal = selectors.appeal_get(pk)
    form = AppealAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appeal_answer(
                appeal=appeal,
                actor=request.user,
                accept=form.cleaned_data["decision"] == "accept",
                answer=form.cleaned_data["answer"],
            )
        except services.AppealError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The appeal has been answered."))
            return redirect("recruitment:hr_appeal_list", appeal.application.period_id)
    context = {
        "appeal": appeal,
        "checks": selectors.appeal_checks(appeal),
        "form": form,
        "refusal": services.answer_refusal(appeal),
        "window": appeal_window(appeal.application.period),
    }
    return render(request, "recruitment/announcements/hr_appeal_answer.html", context)
