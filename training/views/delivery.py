"""HR runs a session: attendance per meeting, then the results by the completion rule."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.roles import Role, role_required
from training.forms import AttendanceForm, ResultsForm
from training.models import Meeting
from training.selectors import catalogue as selectors
from training.services import delivery as services
from training.services.enrolments import TrainingError


@role_required(Role.HR)
@require_http_methods(["GET", "POST"])
@never_cache
def meeting_attendance(request, pk):
    meeting = get_object_or_404(Meeting.objects.select_related("session__programme"), pk=pk)
    sheet = selectors.meeting_sheet(meeting)
    initial = {"present": [e.pk for e in sheet if e.present]}
    form = AttendanceForm(
        request.POST if request.method == "POST" else None, enrolments=sheet, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            count = services.attendance_record(
                meeting=meeting, present=form.cleaned_data["present"], user=request.user
            )
        except TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Attendance saved: %(count)s of %(total)s present.")
                % {"count": count, "total": len(sheet)},
            )
            return redirect(meeting.session)
    context = {"meeting": meeting, "session": meeting.session, "form": form, "sheet": sheet}
    return render(request, "training/meeting_attendance.html", context)


@role_required(Role.HR)
@require_http_methods(["GET", "POST"])
@never_cache
def session_results(request, pk):
    session = selectors.session_detail(pk)
    if session is None:
        raise Http404
    sheet = selectors.results_sheet(session)
    needs_score = session.programme.pass_score is not None
    form = ResultsForm(
        request.POST if request.method == "POST" else None,
        enrolments=sheet,
        needs_score=needs_score,
    )
    if request.method == "POST" and form.is_valid():
        try:
            done = services.session_results_record(
                session=session, scores=form.scores(), user=request.user
            )
        except TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Results recorded for %(count)s people.") % {"count": len(done)}
            )
            return redirect(session)
    context = {
        "session": session,
        "programme": session.programme,
        "form": form,
        "sheet": sheet,
        "meeting_count": len(session.meetings.all()),
    }
    return render(request, "training/session_results.html", context)
