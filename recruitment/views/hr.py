"""HR's pages: selection periods, their formations (by hand or from an approved workforce
proposal), publication, and each formation's applications with an Excel export."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import Role, role_required
from core import exports
from core.pagecache import rendered_part
from core.paging import querystring_without
from recruitment import exports as recruitment_exports
from recruitment.forms.hr import (
    ApplicationFilterForm,
    FormationForm,
    FromProposalForm,
    PeriodForm,
    PublishForm,
    SkbPartFormSet,
)
from recruitment.models import Announcement
from recruitment.selectors import hr as selectors
from recruitment.selectors.announcements import published_announcements
from recruitment.selectors.screening import screening_summary
from recruitment.services import periods as services
from recruitment.services import skb as skb_services
from workforce.models import FormationProposal

PAGE_SIZE = 50


# --- periods ------------------------------------------------------------------------------


@role_required(Role.HR)
def hr_period_list(request):
    page = Paginator(selectors.period_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "recruitment/hr_period_list.html", {"page": page})


@role_required(Role.HR)
def hr_period_create(request):
    form = PeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            period = services.period_create(**form.cleaned_data)
        except services.PeriodError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("The selection period has been created. Nobody sees it until you publish it."),
            )
            return redirect("recruitment:hr_period_detail", period.pk)
    return render(request, "recruitment/hr_period_form.html", {"form": form})


@role_required(Role.HR)
def hr_period_edit(request, pk):
    period = selectors.period_get(pk)
    form = PeriodForm(request.POST or None, period=period)
    if request.method == "POST" and form.is_valid():
        try:
            services.period_update(period=period, **form.cleaned_data)
        except services.PeriodError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The selection period has been saved."))
            return redirect("recruitment:hr_period_detail", period.pk)
    return render(request, "recruitment/hr_period_form.html", {"form": form, "period": period})


@role_required(Role.HR)
def hr_period_detail(request, pk):
    period = selectors.period_get(pk)
    context = {
        "period": period,
        "formations": selectors.period_formations(period),
        "statuses": selectors.hr_status_choices(),
        "proposal_form": FromProposalForm(proposals=selectors.approved_proposals()),
        "screening": screening_summary(period),
        "announced": {a.kind for a in published_announcements(period)},
        "announcement_kinds": Announcement.Kind.choices,
    }
    return render(request, "recruitment/hr_period_detail.html", context)


@role_required(Role.HR)
@require_POST
def hr_period_publish(request, pk):
    period = selectors.period_get(pk)
    form = PublishForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest()
    try:
        services.period_set_published(period=period, published=form.cleaned_data["published"])
    except services.PeriodError as error:
        messages.error(request, str(error))
        return redirect("recruitment:hr_period_detail", period.pk)
    if period.is_published:
        messages.success(request, _("The selection period is published."))
    else:
        messages.success(request, _("The selection period is no longer published."))
    return redirect("recruitment:hr_period_detail", period.pk)


# --- formations ---------------------------------------------------------------------------


@role_required(Role.HR)
def hr_formation_create(request, pk):
    period = selectors.period_get(pk)
    form = FormationForm(request.POST or None, period=period)
    if request.method == "POST" and form.is_valid():
        try:
            formation = services.formation_create(period=period, **form.service_kwargs())
        except services.PeriodError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("The formation has been created. Nobody sees it until you publish it."),
            )
            return redirect(_formation_anchor(formation))
    context = {"form": form, "period": period}
    return render(request, "recruitment/hr_formation_form.html", context)


@role_required(Role.HR)
def hr_formation_edit(request, pk):
    formation = selectors.formation_get(pk)
    form = FormationForm(request.POST or None, period=formation.period, formation=formation)
    if request.method == "POST" and form.is_valid():
        try:
            services.formation_update(formation=formation, **form.service_kwargs())
        except services.PeriodError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The formation has been saved."))
            return redirect(_formation_anchor(formation))
    context = {"form": form, "period": formation.period, "formation": formation}
    return render(request, "recruitment/hr_formation_form.html", context)


@role_required(Role.HR)
def hr_formation_skb(request, pk):
    """A CPNS formation's SKB parts: the CAT and the institution's tests, with weights."""
    formation = selectors.formation_get(pk)
    initial = [
        {
            "kind": part.kind,
            "code": part.code,
            "weight": part.weight,
            "max_score": part.max_score,
            "eliminates": part.eliminates,
        }
        for part in formation.skb_parts.all()
    ]
    formset = SkbPartFormSet(request.POST or None, initial=initial, prefix="parts")
    problems = []
    if request.method == "POST" and formset.is_valid():
        parts = [
            skb_services.PartInput(**{k: v for k, v in data.items() if k != "DELETE"})
            for data in formset.cleaned_data
            if data and not data.get("DELETE")
        ]
        try:
            skb_services.skb_parts_set(formation=formation, parts=parts, actor=request.user)
        except skb_services.SkbError as error:
            problems = error.problems
        else:
            messages.success(request, _("The SKB parts have been saved."))
            return redirect(_formation_anchor(formation))
    context = {
        "formation": formation,
        "period": formation.period,
        "formset": formset,
        "problems": problems,
        "locked": skb_services.skb_parts_problems(formation, [], now=None),
    }
    return render(request, "recruitment/hr_formation_skb.html", context)


@role_required(Role.HR)
@require_POST
def hr_formation_publish(request, pk):
    formation = selectors.formation_get(pk)
    form = PublishForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest()
    try:
        services.formation_set_published(
            formation=formation, published=form.cleaned_data["published"]
        )
    except services.PeriodError as error:
        messages.error(request, str(error))
        return redirect("recruitment:hr_period_detail", formation.period_id)
    if formation.is_published:
        messages.success(request, _("The formation is published."))
    else:
        messages.success(request, _("The formation is no longer published."))
    return redirect(_formation_anchor(formation))


@role_required(Role.HR)
@require_POST
def hr_formations_from_proposal(request, pk):
    period = selectors.period_get(pk)
    # Any proposal is accepted here, so that a refused one gets the service's reason.
    form = FromProposalForm(request.POST, proposals=FormationProposal.objects.all())
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("proposal", [])))
        return redirect("recruitment:hr_period_detail", period.pk)
    try:
        created = services.formations_from_proposal(
            proposal=form.cleaned_data["proposal"], period=period, user=request.user
        )
    except services.PeriodError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _from_proposal_message(len(created)))
    return redirect("recruitment:hr_period_detail", period.pk)


# --- applications -------------------------------------------------------------------------


@role_required(Role.HR)
def hr_application_list(request, pk):
    formation = selectors.formation_get(pk)

    def context():
        form = ApplicationFilterForm(request.GET or None)
        applications = selectors.formation_applications(formation, **form.filters())
        status_counts = selectors.formation_status_counts(formation)
        return {
            "formation": formation,
            "period": formation.period,
            "form": form,
            "page": Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page")),
            "status_counts": status_counts,
            "total": sum(item.count for item in status_counts),
            "querystring": querystring_without(request, "page"),
        }

    # Kept until an application or a profile changes, drafts included ("recruitment:all").
    body = rendered_part(
        request,
        "hr-applications",
        ("recruitment:all", "workforce"),
        "recruitment/_hr_application_list_body.html",
        context,
    )
    context = {"formation": formation, "body": body}
    return render(request, "recruitment/hr_application_list.html", context)


@role_required(Role.HR)
@require_GET
def hr_application_export(request, pk):
    formation = selectors.formation_get(pk)
    form = ApplicationFilterForm(request.GET or None)
    applications = selectors.formation_applications(formation, **form.filters())
    content = recruitment_exports.applications_workbook(formation, applications)
    return exports.response(content, f"pelamar-{formation.pk}.xlsx")


# --- helpers ------------------------------------------------------------------------------


def _formation_anchor(formation) -> str:
    url = reverse("recruitment:hr_period_detail", args=[formation.period_id])
    return f"{url}#formation-{formation.pk}"


def _from_proposal_message(created: int) -> str:
    if not created:
        return _(
            "No new formations: every item of this proposal already has a formation in this "
            "period, or is of an ASN type this period does not recruit."
        )
    return ngettext(
        "%(count)s formation has been created from the proposal. Review it and publish it.",
        "%(count)s formations have been created from the proposal. Review them and publish them.",
        created,
    ) % {"count": created}
