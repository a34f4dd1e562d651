from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import Role, role_required
from core.calendar import calendar_response
from forums.integration import outcome_links
from forums.models import DiscussionSession, SessionOutcome, SessionRegistration
from forums.selectors.calendar import session_events
from forums.services import ForumError
from forums.services.sessions import session_register


@require_GET
def session_list(request):
    sessions = (
        DiscussionSession.objects.select_related("sector", "kelurahan")
        .annotate(registered=Count("registrations"))
        .order_by("-starts_at", "-pk")
    )
    page = Paginator(sessions, 20).get_page(request.GET.get("page"))
    return render(request, "forums/session_list.html", {"page": page})


@require_GET
def session_detail(request, pk):
    sessions = DiscussionSession.objects.select_related("sector", "kelurahan").annotate(
        registered=Count("registrations")
    )
    if request.user.is_authenticated:
        mine = SessionRegistration.objects.filter(session=OuterRef("pk"), user=request.user)
        sessions = sessions.annotate(is_registered=Exists(mine))
    outcomes = SessionOutcome.objects.select_related("unit").prefetch_related("topics")
    session = get_object_or_404(
        sessions.prefetch_related(Prefetch("outcomes", queryset=outcomes)), pk=pk
    )
    outcomes = list(session.outcomes.all())
    links = outcome_links(outcome.pk for outcome in outcomes)
    for outcome in outcomes:
        outcome.informed = links.get(outcome.pk, [])
    return render(request, "forums/session_detail.html", {"session": session, "outcomes": outcomes})


@role_required(Role.RESIDENT)
@require_GET
def my_sessions_calendar(request):
    """The discussion sessions the signed-in resident registered for, as a calendar file."""
    events = session_events(request.user, absolute=request.build_absolute_uri)
    return calendar_response(
        events, name=_("My discussion sessions"), filename="forum-diskusi-saya.ics"
    )


@role_required(Role.RESIDENT)
@require_POST
def session_register_view(request, pk):
    session = get_object_or_404(DiscussionSession, pk=pk)
    try:
        session_register(session=session, user=request.user)
    except ForumError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("You are registered. See you at the session!"))
    return redirect(session)
