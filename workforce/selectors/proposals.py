"""Reads of formation proposals: the list, one proposal with its items, and the positions a
proposal may ask for."""

from collections.abc import Iterable

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from workforce.models import FormationProposal, PlanningYear, Position, ProposalItem
from workforce.selectors.needs import needs_positions, needs_rows

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
    planning_year: PlanningYear,
    *,
    proposal: FormationProposal | None = None,
    sectors: Iterable[int] | None = None,
) -> list[Position]:
    """The positions a proposal for the year may ask for: every position with a shortage (in
    the given sectors, if any), plus those already in the proposal being edited, in sector,
    unit and name order. Each carries required, current, retiring and gap as needs_positions
    computes them.

    Read with needs_rows (three grouped queries) and one query for the chosen positions:
    needs_positions would compute every position's figures in one 370 ms query at 2,500
    positions, only to keep the few short of staff."""
    listed = set(proposal.items.values_list("position_id", flat=True)) if proposal else set()
    wanted_sectors = set(sectors) if sectors is not None else None
    figures = {
        row["pk"]: row
        for row in needs_rows(planning_year, sort="unit")
        if row["pk"] in listed
        or (row["gap"] > 0 and (wanted_sectors is None or row["unit__sector_id"] in wanted_sectors))
    }
    positions = list(
        Position.objects.filter(pk__in=figures)
        .select_related("unit", "unit__sector", "unit__kelurahan")
        .order_by("unit__sector__order", "unit__sector__name", "unit__name", "name", "pk")
    )
    for position in positions:
        row = figures[position.pk]
        for name in ("required", "current", "retiring", "gap"):
            setattr(position, name, row[name])
    return positions


def proposal_item_sectors(proposal: FormationProposal) -> list[int]:
    """The ids of the sectors of the proposal's positions."""
    return list(
        Position.objects.filter(pk__in=proposal.items.values("position"))
        .values_list("unit__sector_id", flat=True)
        .order_by()
        .distinct()
    )


def proposal_sectors(candidates: list[Position]) -> list[dict]:
    """The sectors of the candidates (proposal_candidates), in their order: {"sector",
    "positions" (short of staff), "people" (the shortages summed)}. No query."""
    totals: dict[int, dict] = {}
    for position in candidates:
        sector = position.unit.sector
        entry = totals.setdefault(sector.pk, {"sector": sector, "positions": 0, "people": 0})
        entry["positions"] += 1
        entry["people"] += position.gap
    return list(totals.values())
