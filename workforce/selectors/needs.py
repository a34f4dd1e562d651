"""The staffing needs: required (ABK) vs current staff per position, computed in the database.

One annotated Position queryset is the single source of every number on the needs map, the unit
page, the public summary and the exports, so they always agree.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Floor, Greatest
from django.utils import timezone

from workforce.models import AbkSheet, AbkTask, Employee, Kelurahan, PlanningYear, Position, Sector

# Staff who hold a position today (bezetting): on leave still counts, transferred or retired not.
CURRENT_STATUSES = (Employee.Status.ACTIVE, Employee.Status.ON_LEAVE)
RETIREMENT_HORIZON_YEARS = 5
SORTS = {
    "gap": ("-gap", "unit__name", "name"),
    "required": ("-required", "unit__name", "name"),
    "current": ("-current", "unit__name", "name"),
    "unit": ("unit__sector__order", "unit__name", "name"),
}


def _count(queryset) -> Subquery:
    return Coalesce(
        Subquery(
            queryset.order_by().values("position").annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def needs_positions(
    planning_year: PlanningYear,
    *,
    sector: Sector | None = None,
    kelurahan: Kelurahan | None = None,
    asn_type: str | None = None,
    today: date | None = None,
) -> QuerySet[Position]:
    """Positions annotated with workload_minutes, required_exact, required (rounded), current,
    retiring (within five years), gap (required - current: above zero is a shortage) and
    has_sheet. The query count does not depend on the number of units or employees."""
    today = today or timezone.localdate()
    horizon = today.replace(year=today.year + RETIREMENT_HORIZON_YEARS)
    workload = AbkTask.objects.filter(
        sheet__position=OuterRef("pk"), sheet__planning_year=planning_year
    ).order_by()
    workload_sum = Coalesce(
        Subquery(
            workload.values("sheet__position")
            .annotate(total=Sum(F("yearly_volume") * F("standard_minutes")))
            .values("total")[:1],
            output_field=DecimalField(max_digits=16, decimal_places=2),
        ),
        Value(0, output_field=DecimalField(max_digits=16, decimal_places=2)),
    )
    holders = Employee.objects.filter(position=OuterRef("pk"), status__in=CURRENT_STATUSES)
    queryset = (
        Position.objects.select_related("unit", "unit__sector", "unit__kelurahan")
        .annotate(
            workload_minutes=workload_sum,
            has_sheet=Exists(
                AbkSheet.objects.filter(position=OuterRef("pk"), planning_year=planning_year)
            ),
            required_exact=Cast(F("workload_minutes"), FloatField())
            / Value(float(planning_year.effective_minutes)),
        )
        .annotate(
            required=Case(
                When(workload_minutes__lte=0, then=Value(0)),
                default=Greatest(
                    Value(1),
                    Cast(
                        Floor(
                            F("required_exact") + Value(1 - float(planning_year.rounding_threshold))
                        ),
                        IntegerField(),
                    ),
                ),
                output_field=IntegerField(),
            ),
            current=_count(holders),
            retiring=_count(
                holders.filter(retirement_date__gte=today, retirement_date__lt=horizon)
            ),
        )
        .annotate(gap=F("required") - F("current"))
    )
    if sector is not None:
        queryset = queryset.filter(unit__sector=sector)
    if kelurahan is not None:
        queryset = queryset.filter(unit__kelurahan=kelurahan)
    if asn_type:
        queryset = queryset.filter(asn_type=asn_type)
    return queryset


@dataclass
class Totals:
    required: int = 0
    current: int = 0
    retiring: int = 0
    shortage: int = 0
    surplus: int = 0
    positions: int = 0

    @property
    def gap(self) -> int:
        return self.required - self.current

    def add(self, required: int, current: int, retiring: int) -> None:
        self.required += required
        self.current += current
        self.retiring += retiring
        self.shortage += max(0, required - current)
        self.surplus += max(0, current - required)
        self.positions += 1


@dataclass
class NeedsSummary:
    total: Totals = field(default_factory=Totals)
    by_sector: list[tuple[Sector, Totals]] = field(default_factory=list)
    by_kelurahan: list[tuple[Kelurahan, Totals]] = field(default_factory=list)


def needs_summary(positions: QuerySet[Position]) -> NeedsSummary:
    """Totals over all matching positions, per sector and per kelurahan: three queries whatever
    the data size (the rows, the sectors, the kelurahan). Shortage and surplus are summed per
    position, so a surplus in one position never hides a shortage in another."""
    rows = positions.order_by().values_list(
        "unit__sector_id", "unit__kelurahan_id", "required", "current", "retiring"
    )
    summary = NeedsSummary()
    per_sector: dict[int, Totals] = defaultdict(Totals)
    per_kelurahan: dict[int, Totals] = defaultdict(Totals)
    for sector_id, kelurahan_id, required, current, retiring in rows:
        summary.total.add(required, current, retiring)
        per_sector[sector_id].add(required, current, retiring)
        per_kelurahan[kelurahan_id].add(required, current, retiring)
    summary.by_sector = [(s, per_sector[s.pk]) for s in Sector.objects.all() if s.pk in per_sector]
    summary.by_kelurahan = [
        (k, per_kelurahan[k.pk]) for k in Kelurahan.objects.all() if k.pk in per_kelurahan
    ]
    return summary
