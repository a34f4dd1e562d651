"""HR's appointment page: who passed, the places of each formation, and the appointment of a
batch with one start date (TMT); a declined place or a correction with its reason. The writes
are recruitment/services/appointments.py."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.roles import Role, role_required
from recruitment.forms.appointments import AppointmentBatchForm, CorrectionForm, DeclineForm
from recruitment.models import Application
from recruitment.selectors import appointments as selectors
from recruitment.selectors import hr as hr_selectors
from recruitment.services import appointments as services


@role_required(Role.HR)
def appointments(request, pk):
    period = hr_selectors.period_get(pk)
    rows = selectors.appointment_rows(period)
    form = AppointmentBatchForm(
        request.POST if request.method == "POST" else None, period=period, results=rows
    )
    for row in rows:
        row.nip_field, row.ticked, row.tick_id = form.rows.get(
            row.application_id, (None, False, "")
        )
    if request.method == "POST" and form.is_valid():
        try:
            count = services.appointments_confirm(
                period=period, rows=form.appointments(), actor=request.user
            )
        except services.AppointmentError as error:
            # Listed in the form's error summary, above the fields to correct.
            for problem in error.problems:
                form.add_error(None, problem)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s person appointed and added to the employee register.",
                    "%(count)s people appointed and added to the employee register.",
                    count,
                )
                % {"count": count},
            )
            return redirect("recruitment:appointments", period.pk)
    status = 400 if request.method == "POST" else 200
    context = {
        "period": period,
        "rows": rows,
        "form": form,
        "formations": selectors.formation_places(period, rows),
        "final_announced": selectors.final_announcement(period) is not None,
        "waiting": sum(1 for row in rows if row.appointment is None),
    }
    return render(request, "recruitment/scores/appointments.html", context, status=status)


@role_required(Role.HR)
@require_POST
def appointment_decline(request, pk):
    application = get_object_or_404(Application, pk=pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("note", [])))
        return redirect("recruitment:appointments", application.period_id)
    try:
        services.appointment_decline(
            application=application, actor=request.user, note=form.cleaned_data["note"]
        )
    except services.AppointmentError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(number)s declined: the place is open for optimisation.")
            % {"number": application.registration_number},
        )
    return redirect("recruitment:appointments", application.period_id)


@role_required(Role.HR)
@require_POST
def appointment_cancel(request, pk):
    appointment = selectors.appointment_get(pk)
    period_id = appointment.formation.period_id
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("reason", [])))
        return redirect("recruitment:appointments", period_id)
    try:
        services.appointment_cancel(
            appointment=appointment, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except services.AppointmentError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The appointment of %(number)s is cancelled; the place is open again.")
            % {"number": appointment.application.registration_number},
        )
    return redirect("recruitment:appointments", period_id)
