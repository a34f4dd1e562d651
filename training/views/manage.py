"""HR plans the catalogue in the portal: the list of every programme (active or not) with its
sessions, and the forms to create and edit programmes and sessions."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.roles import Role, role_required
from core.paging import page_of
from training.forms import ProgrammeForm, SessionForm
from training.models import Programme, Session
from training.selectors import catalogue as selectors
from training.services import catalogue as services
from training.services.enrolments import TrainingError

PAGE_SIZE = 30


@role_required(Role.HR)
@require_GET
def programme_manage_list(request):
    page = page_of(request, selectors.programmes_to_manage(), PAGE_SIZE)
    return render(request, "training/programme_manage_list.html", {"page": page})


@role_required(Role.HR)
@require_http_methods(["GET", "POST"])
@never_cache
def programme_form(request, pk=None):
    programme = get_object_or_404(Programme, pk=pk) if pk else None
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.programme_save(
                programme=programme,
                data=data,
                target_sectors=data["target_sectors"],
                user=request.user,
            )
        except TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(name)s has been saved.") % {"name": saved.name})
            return redirect(saved)
    context = {"form": form, "programme": programme}
    return render(request, "training/programme_form.html", context)


@role_required(Role.HR)
@require_http_methods(["GET", "POST"])
@never_cache
def session_form(request, programme_pk=None, pk=None):
    session = selectors.session_detail(pk) if pk else None
    if pk and session is None:
        raise Http404
    programme = session.programme if session else get_object_or_404(Programme, pk=programme_pk)
    form = SessionForm(
        request.POST or None,
        instance=session or Session(programme=programme),
        enrolled=session.enrolled_count if session else 0,
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.session_save(
                session=session, programme=programme, data=form.cleaned_data, user=request.user
            )
        except TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(session)s has been saved.") % {"session": saved})
            return redirect(saved)
    context = {"form": form, "session": session, "programme": programme}
    return render(request, "training/session_form.html", context)
