"""Reads of formation proposals: the list, one proposal with its items, and the positions a
proposal may ask for."""

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from workforce.models import FormationProposal, PlanningYear, Position, ProposalItem
from workforce.selectors.needs import needs_positions

_PEOPLE = ("created_by", "submitted_by", "decided_by")


def proposal_list(
    *, planning_year: PlanningYear | None = None, status: str | None = None
) -> QuerySet[FormationProposal]:
    """Proposals, newest first, each with item_count, total_proposed (people) and last_change
    (when its status last changed): one query whatever the number of proposals or items."""
    queryset = (
        FormationProposal.objects.select_related("planning_year", *_PEOPLE)
        .annotate(
            item_count=Count("items"),
            total_proposed=Coalesce(Sum("items__count"), 0),
            last_change=Coalesce("decided_at", "submitted_at", "created_at"),
        )
        .order_by("-created_at", "-pk")
    )
    if planning_year is not None:
        queryset = queryset.filter(planning_year=planning_year)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def proposal_get(pk: int) -> FormationProposal:
    """The proposal with its year, the people in its history and the list's totals, or 404."""
    return get_object_or_404(proposal_list(), pk=pk)


def proposal_items(proposal: FormationProposal) -> list[ProposalItem]:
    """The items with their position and unit, each annotated with the position's required,
    current and gap for the proposal's year as they are now (two queries)."""
    items = list(proposal.items.select_related("position__unit"))
    needs = {
        pk: (required, current, gap)
        for pk, required, current, gap in needs_positions(proposal.planning_year)
        .filter(pk__in={item.position_id for item in items})
        .values_list("pk", "required", "current", "gap")
    }
    for item in items:
        item.required, item.current, item.gap = needs.get(item.position_id, (0, 0, 0))
    return items


def proposal_candidates(
    planning_year: PlanningYear, *, proposal: FormationProposal | None = None
) -> list[Position]:
    """The positions a proposal for the year may ask for: every position with a shortage, plus
    those already in the proposal being edited. Annotated as by needs_positions."""
    wanted = Q(gap__gt=0)
    if proposal is not None:
        wanted |= Q(pk__in=proposal.items.values("position"))
    return list(
        needs_positions(planning_year)
        .filter(wanted)
        .order_by("unit__sector__order", "unit__name", "name")
    )
