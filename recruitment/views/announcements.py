"""Announcements: HR publishes each stage's result once; anyone reads the published lists (by
registration number, never a name or an NIK), on the page or as a PDF."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Role, role_required
from core.ratelimit import over_limit
from recruitment.forms.announcements import AnnouncementSearchForm, PublishAnnouncementForm
from recruitment.models import Announcement
from recruitment.pdf import announcement_pdf_cached
from recruitment.selectors import announcements as selectors
from recruitment.selectors.hr import period_get
from recruitment.services import announcements as services

PAGE_SIZE = 100
# Per client address, as for the card verification page. Generous, because many applicants share
# one address behind a mobile carrier's NAT; the cache already makes each download cheap.
PDF_LIMIT = 30
PDF_WINDOW_SECONDS = 10 * 60


@role_required(Role.HR)
def hr_announcements(request, pk):
    period = period_get(pk)
    context = {
        "period": period,
        "stages": selectors.announcement_stages(period),
        "form": PublishAnnouncementForm(),
    }
    return render(request, "recruitment/announcements/hr_announcements.html", context)


@role_required(Role.HR)
@require_POST
def hr_announcement_publish(request, pk, kind):
    period = period_get(pk)
    if kind not in Announcement.Kind.values:
        raise Http404
    form = PublishAnnouncementForm(request.POST)
    if not form.is_valid() or form.cleaned_data["kind"] != kind:
        messages.error(request, _("Tick the confirmation to publish."))
        return redirect("recruitment:hr_announcements", period.pk)
    try:
        services.announcement_publish(
            period=period, kind=kind, actor=request.user, note=form.cleaned_data["note"]
        )
    except services.AnnouncementError as error:
        for problem in error.problems:
            messages.error(request, problem)
    else:
        messages.success(
            request, _("The announcement is published. The applicants are being e-mailed.")
        )
    return redirect("recruitment:hr_announcements", period.pk)


def announcement_index(request):
    periods = Paginator(selectors.announcement_index(), 20).get_page(request.GET.get("page"))
    return render(request, "recruitment/announcements/announcement_index.html", {"page": periods})


def announcement_list(request, pk):
    period = selectors.public_period_get(pk)
    context = {"period": period, "announcements": selectors.published_announcements(period)}
    return render(request, "recruitment/announcements/announcement_list.html", context)


def announcement_detail(request, pk):
    announcement = selectors.announcement_get(pk)
    form = AnnouncementSearchForm(request.GET or None)
    number = form.cleaned_data["number"] if form.is_valid() else ""
    rows = selectors.announcement_rows(announcement, search=number)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "announcement": announcement,
        "period": announcement.period,
        "others": selectors.published_announcements(announcement.period),
        "form": form,
        "page": page,
        "querystring": f"number={number}" if number else "",
        "scores": announcement.kind in (Announcement.Kind.SKD, Announcement.Kind.FINAL),
    }
    return render(request, "recruitment/announcements/announcement_detail.html", context)


def announcement_download(request, pk):
    if over_limit(
        request, "recruitment-announcement-pdf", limit=PDF_LIMIT, seconds=PDF_WINDOW_SECONDS
    ):
        response = render(
            request, "recruitment/announcements/announcement_limited.html", status=429
        )
        response["Retry-After"] = str(PDF_WINDOW_SECONDS)
        return response
    announcement = selectors.announcement_get(pk)
    # The rows are a lazy QuerySet: read only when the cached PDF is missing or out of date.
    pdf = announcement_pdf_cached(announcement, selectors.announcement_rows(announcement))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True,
        filename=f"pengumuman-{announcement.period_id}-{announcement.kind}.pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
