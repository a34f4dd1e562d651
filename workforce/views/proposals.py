"""Formation proposals: HR drafts from the staffing gaps and submits; the head of office (the
Administrator role) approves or rejects."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Role, has_role, role_required
from workforce.forms.proposals import ProposalDecisionForm, ProposalForm, ProposalScopeForm
from workforce.models import FormationProposal, PlanningYear
from workforce.selectors import proposals as selectors
from workforce.services import proposals as services
from workforce.services.reference import planning_year_ensure

PAGE_SIZE = 50
# More positions short of staff than this, and a new proposal is made per sector.
MAX_ROWS = 40
Status = FormationProposal.Status


@role_required(Role.HR)
def proposal_list(request):
    page = Paginator(selectors.proposal_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "workforce/proposal_list.html", {"page": page})


@role_required(Role.HR)
def proposal_create(request):
    scope = ProposalScopeForm.from_query(request.GET)
    planning_year = PlanningYear.objects.filter(year=scope.chosen_year).first()
    if planning_year is None:  # only the current year is created on a visit, never any other
        planning_year = planning_year_ensure(year=timezone.localdate().year)
    sector = scope.chosen_sector
    candidates = selectors.proposal_candidates(
        planning_year, sectors=[sector.pk] if sector else None
    )
    context = {"year_form": scope, "planning_year": planning_year, "sector": sector}
    # (A form posted without a sector, made before the shortages passed the limit, is
    # validated against them all: what was typed is kept.)
    if sector is None and len(candidates) > MAX_ROWS and request.method != "POST":
        # A row per position short of staff, on one page, is more than anyone can check (and
        # than a phone renders quickly): the proposal is made per sector.
        sectors = selectors.proposal_sectors(candidates)
        for entry in sectors:
            entry["query"] = scope.query(sector=entry["sector"])
        context.update(sectors=sectors, shortages=len(candidates))
        return render(request, "workforce/proposal_sectors.html", context)
    form = ProposalForm(
        request.POST or None, planning_year=planning_year, candidates=candidates, sector=sector
    )
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_create(
                planning_year=planning_year,
                title=form.cleaned_data["title"],
                items=form.item_inputs(),
                user=request.user,
            )
        except services.ProposalError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The proposal has been saved as a draft."))
            return redirect(proposal)
    context.update(form=form, action_query=scope.query())
    return render(request, "workforce/proposal_form.html", context)


@role_required(Role.HR)
def proposal_edit(request, pk):
    proposal = selectors.proposal_get(pk)
    if proposal.status != Status.DRAFT:
        messages.error(request, _("Only a draft can be changed."))
        return redirect(proposal)
    planning_year = proposal.planning_year
    candidates = selectors.proposal_candidates(planning_year, proposal=proposal)
    if len(candidates) > MAX_ROWS:
        # Besides its own items, the draft offers the other shortages of its sectors only.
        sectors = set(selectors.proposal_item_sectors(proposal))
        listed = set(proposal.items.values_list("position_id", flat=True))
        candidates = [p for p in candidates if p.pk in listed or p.unit.sector_id in sectors]
    form = ProposalForm(
        request.POST or None, planning_year=planning_year, candidates=candidates, proposal=proposal
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_update_items(
                proposal=proposal, items=form.item_inputs(), title=form.cleaned_data["title"]
            )
        except services.ProposalError as error:
            form.add_error(None, str(error))  # re-shown with everything the user typed
        else:
            messages.success(request, _("The proposal has been saved."))
            return redirect(proposal)
    context = {"form": form, "proposal": proposal, "planning_year": planning_year}
    return render(request, "workforce/proposal_form.html", context)


@role_required(Role.HR)
def proposal_detail(request, pk):
    return _render_detail(request, selectors.proposal_get(pk), ProposalDecisionForm())


@role_required(Role.HR)
@require_POST
def proposal_submit(request, pk):
    proposal = selectors.proposal_get(pk)
    try:
        services.proposal_submit(proposal=proposal, user=request.user)
    except services.ProposalError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The proposal has been submitted for a decision."))
    return redirect(proposal)


@role_required(Role.ADMINISTRATOR)
@require_POST
def proposal_decide(request, pk):
    proposal = selectors.proposal_get(pk)
    form = ProposalDecisionForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, proposal, form)
    try:
        services.proposal_decide(
            proposal=proposal,
            user=request.user,
            approve=form.approve,
            note=form.cleaned_data["note"],
        )
    except services.ProposalError as error:
        messages.error(request, str(error))
    else:
        approved = _("The proposal has been approved.")
        messages.success(
            request, approved if form.approve else _("The proposal has been rejected.")
        )
    return redirect(proposal)


def _render_detail(request, proposal, decision_form):
    context = {
        "proposal": proposal,
        "items": selectors.proposal_items(proposal),
        "may_edit": proposal.status == Status.DRAFT,
        "may_decide": proposal.status == Status.SUBMITTED
        and has_role(request.user, Role.ADMINISTRATOR),
        "decision_form": decision_form,
    }
    return render(request, "workforce/proposal_detail.html", context)
