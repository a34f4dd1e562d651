"""The catalogue: programmes, their materials and sessions. Employees, supervisors and HR see
it; what a session page offers depends on who asks (their own place, their team, everyone)."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.roles import Role, has_role, role_required
from training.access import TRAINING_ROLES, guest_invitation, is_hr, own_employee
from training.forms import EnrolForm, ProgrammeFilterForm
from training.models import Enrolment, Material
from training.selectors import catalogue as selectors

PAGE_SIZE = 30


@role_required(*TRAINING_ROLES)
@require_GET
def programme_list(request):
    form = ProgrammeFilterForm(request.GET or None)
    kind = form.cleaned_data["kind"] if form.is_bound and form.is_valid() else ""
    programmes = selectors.programme_list(kind=kind)
    page = Paginator(programmes, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "querystring": f"kind={kind}" if kind else "",
        "is_hr": is_hr(request.user),
    }
    return render(request, "training/programme_list.html", context)


@role_required(*TRAINING_ROLES)
@require_GET
def programme_detail(request, pk):
    programme = selectors.programme_detail(pk)
    if programme is None:
        raise Http404
    context = {"programme": programme, "is_hr": is_hr(request.user)}
    return render(request, "training/programme_detail.html", context)


@role_required(*TRAINING_ROLES)
@require_GET
def material_download(request, pk):
    material = get_object_or_404(Material, pk=pk)
    if not material.file:
        raise Http404
    return FileResponse(material.file.open("rb"), as_attachment=True)


@role_required(*TRAINING_ROLES, Role.RESIDENT)
@require_GET
def session_detail(request, pk):
    session = selectors.session_detail(pk)
    if session is None:
        raise Http404
    if not has_role(request.user, *TRAINING_ROLES):
        # A resident sees the sessions they are invited to, and no other.
        invitation = guest_invitation(request.user, session)
        if invitation is None:
            raise PermissionDenied
        context = {"session": session, "programme": session.programme, "invitation": invitation}
        return render(request, "training/session_guest.html", context)
    return render(request, "training/session_detail.html", session_context(request, session))


def session_context(request, session, enrol_form=None) -> dict:
    """What the session page shows to this user: HR the roster, a supervisor their team's
    places, an employee their own."""
    me = own_employee(request.user)
    hr = is_hr(request.user)
    roster = selectors.session_roster(session)
    if not hr:
        roster = roster.filter(employee__supervisor__user=request.user)
    # HR may enrol anyone of the register: they search by name or NIP (a list of every
    # employee would not fit a page); a supervisor picks from their team.
    query = " ".join(request.GET.get("employee_q", "").split())[:100] if hr else ""
    matches, more = selectors.enrol_candidates(session, query) if query else (None, False)
    if enrol_form is None and not hr:
        team = selectors.team_members(request.user)
        if team.exists():
            enrol_form = EnrolForm(employees=team)
    if enrol_form is not None and not hr:
        enrol_form.helper.form_action = reverse("training:session_enrol", args=[session.pk])
    mine = (
        session.enrolments.filter(employee=me, status__in=Enrolment.ACTIVE).first() if me else None
    )
    return {
        "enrol_query": query,
        "enrol_matches": matches,
        "enrol_more": more,
        "session": session,
        "programme": session.programme,
        "is_hr": hr,
        "roster": list(roster),
        "enrol_form": enrol_form,
        "me": me,
        "mine": mine,
        "window_open": session.window_open(),
        "today": timezone.localdate(),
    }
