"""The applicant's calendar file: their application's deadlines and exam session (.ics)."""

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.calendar import calendar_response
from recruitment import access
from recruitment.selectors.calendar import application_events


@login_required
@require_GET
def application_calendar(request, pk):
    application = access.own_application(request.user, pk)  # the applicant's own: 404 else
    events = application_events(application, absolute=request.build_absolute_uri)
    name = _("Selection: %(period)s") % {"period": application.period.name}
    return calendar_response(events, name=name, filename=f"seleksi-{application.pk}.ics")
