"""The staffing needs: required (ABK) vs current staff per position, computed in the database.

One annotated Position queryset is the single source of every number on the needs map, the unit
page, the public summary and the exports, so they always agree.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import (
    BigIntegerField,
    Case,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Round
from django.utils import timezone
from django.utils.translation import gettext

from core.db import count_of
from core.home import Figure
from workforce.models import (
    AbkSheet,
    AbkTask,
    Employee,
    Kelurahan,
    PlanningYear,
    Position,
    Sector,
    ServiceNorm,
    Unit,
)
from workforce.services.abk import HUNDREDTHS, abk_required_staff, abk_threshold_hundredths

# Staff who hold a position today (bezetting): on leave still counts, transferred or retired not.
CURRENT_STATUSES = (Employee.Status.ACTIVE, Employee.Status.ON_LEAVE)
RETIREMENT_HORIZON_YEARS = 5
SORTS = {
    "gap": ("-gap", "unit__name", "name"),
    "required": ("-required", "unit__name", "name"),
    "current": ("-current", "unit__name", "name"),
    "unit": ("unit__sector__order", "unit__name", "name"),
}


def task_hundredths():
    """One task's workload (volume x standard minutes) in hundredths of a minute, as an integer
    on every database. SQLite keeps decimal columns as floating point, so a sum of minutes is not
    exact there (3 x 37,499.95 + 0.15 is not 112,500.00); minutes x 100, rounded, is, and so is
    a sum of integers."""
    return Cast(F("yearly_volume"), BigIntegerField()) * Cast(
        Round(F("standard_minutes") * Value(HUNDREDTHS)), BigIntegerField()
    )


def _from_hundredths(expression, *, max_digits: int) -> ExpressionWrapper:
    """A whole number of hundredths as a two-decimal value."""
    return ExpressionWrapper(
        expression * Value(Decimal("0.01")),
        output_field=DecimalField(max_digits=max_digits, decimal_places=2),
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
    horizon = today + relativedelta(years=RETIREMENT_HORIZON_YEARS)  # 29 Feb -> 28 Feb
    workload = AbkTask.objects.filter(
        sheet__position=OuterRef("pk"), sheet__planning_year=planning_year
    ).order_by()
    holders = Employee.objects.filter(position=OuterRef("pk"), status__in=CURRENT_STATUSES)
    # The rounding rule in exact integers (hundredths of a minute), on every database, as
    # services.abk.abk_required_staff computes it in Python: whole people, the remainder, and
    # the exact need cut to two decimals (hundredths of a person).
    wke = planning_year.effective_minutes * HUNDREDTHS
    threshold_part = abk_threshold_hundredths(
        effective_minutes=planning_year.effective_minutes,
        threshold=planning_year.rounding_threshold,
    )
    queryset = (
        Position.objects.select_related("unit", "unit__sector", "unit__kelurahan")
        .annotate(
            workload_hundredths=Cast(
                Coalesce(
                    Subquery(
                        workload.values("sheet__position")
                        .annotate(total=Sum(task_hundredths()))
                        .values("total")[:1],
                        output_field=BigIntegerField(),
                    ),
                    Value(0, output_field=BigIntegerField()),
                ),
                BigIntegerField(),  # PostgreSQL sums bigints as numeric
            ),
            has_sheet=Exists(
                AbkSheet.objects.filter(position=OuterRef("pk"), planning_year=planning_year)
            ),
        )
        .annotate(
            workload_minutes=_from_hundredths(F("workload_hundredths"), max_digits=16),
            # integer division on every database (the operands are integers)
            whole_people=ExpressionWrapper(
                F("workload_hundredths") / Value(wke), output_field=BigIntegerField()
            ),
        )
        .annotate(
            remainder_hundredths=ExpressionWrapper(
                F("workload_hundredths") - F("whole_people") * Value(wke),
                output_field=BigIntegerField(),
            )
        )
        .annotate(
            required_exact=_from_hundredths(
                F("whole_people") * Value(HUNDREDTHS)
                + F("remainder_hundredths") * Value(HUNDREDTHS) / Value(wke),
                max_digits=14,
            ),
            required=Case(
                When(workload_hundredths__lte=0, then=Value(0)),
                When(
                    remainder_hundredths__gte=Value(threshold_part),
                    then=Greatest(Value(1), F("whole_people") + Value(1)),
                ),
                default=Greatest(Value(1), F("whole_people")),
                output_field=BigIntegerField(),
            ),
            current=count_of(holders),
            retiring=count_of(
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

    @property
    def surplus_as_gap(self) -> int:
        """The surplus as a negative gap, for the shared gap badge."""
        return -self.surplus

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


def needs_summary(positions) -> NeedsSummary:
    """Totals over all matching positions, per sector and per kelurahan: three queries whatever
    the data size (the rows, the sectors, the kelurahan), or two when `positions` are rows
    already read (dicts of the same values). Shortage and surplus are summed per position, so a
    surplus in one position never hides a shortage in another."""
    if isinstance(positions, QuerySet):
        rows = positions.order_by().values_list(
            "unit__sector_id", "unit__kelurahan_id", "required", "current", "retiring"
        )
    else:  # rows already read: dicts with these keys (workforce.views.needs._needs_rows)
        rows = [
            (
                r["unit__sector_id"],
                r["unit__kelurahan_id"],
                r["required"],
                r["current"],
                r["retiring"],
            )
            for r in positions
        ]
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


@dataclass
class NormComparison:
    norm: ServiceNorm
    norm_required: int | None
    abk_required: int
    current: int

    @property
    def difference(self) -> int | None:
        """ABK need minus the norm: above zero, the workload asks for more than the minimum."""
        if self.norm_required is None:
            return None
        return self.abk_required - self.norm_required

    @property
    def norm_gap(self) -> int | None:
        return None if self.norm_required is None else self.norm_required - self.current


def unit_overview(unit: Unit, planning_year: PlanningYear) -> dict:
    """Everything the unit page shows, in a fixed number of queries."""
    positions = list(needs_positions(planning_year).filter(unit=unit).order_by("name"))
    tasks_by_position: dict[int, list[AbkTask]] = defaultdict(list)
    for task in AbkTask.objects.filter(
        sheet__position__unit=unit, sheet__planning_year=planning_year
    ).select_related("sheet"):
        tasks_by_position[task.sheet.position_id].append(task)
    for position in positions:
        position.abk_tasks = tasks_by_position.get(position.pk, [])
    staff = (
        Employee.objects.filter(position__unit=unit)
        .select_related("position")
        .order_by("status", "position__name", "full_name")
    )
    by_key: dict[str, list[Position]] = defaultdict(list)
    for position in positions:
        if position.norm_key:
            by_key[position.norm_key].append(position)
    norms = [
        NormComparison(
            norm=norm,
            norm_required=norm.required_for(unit),
            abk_required=sum(p.required for p in by_key.get(norm.norm_key, [])),
            current=sum(p.current for p in by_key.get(norm.norm_key, [])),
        )
        for norm in ServiceNorm.objects.filter(unit_kind=unit.kind)
    ]
    return {
        "positions": positions,
        "staff": staff,
        "norms": norms,
        "history": unit_history(unit),
        "totals": _totals(positions),
    }


def _totals(positions) -> Totals:
    totals = Totals()
    for position in positions:
        totals.add(position.required, position.current, position.retiring)
    return totals


def unit_history(unit: Unit) -> list[dict]:
    """The required staff of the unit's positions in every planning year that has ABK sheets:
    one query for the workloads, one for the years."""
    workloads = (
        AbkTask.objects.filter(sheet__position__unit=unit)
        .values("sheet__planning_year_id", "sheet__position_id")
        .annotate(total=Sum(task_hundredths()))
        .order_by()
    )
    years = {y.pk: y for y in PlanningYear.objects.all()}
    required: dict[int, int] = defaultdict(int)
    exact: dict[int, Decimal] = defaultdict(Decimal)
    for row in workloads:
        year = years[row["sheet__planning_year_id"]]
        fraction, rounded = abk_required_staff(
            workload_minutes=_minutes(row["total"]),
            effective_minutes=year.effective_minutes,
            threshold=year.rounding_threshold,
        )
        required[year.pk] += rounded
        exact[year.pk] += fraction
    return [
        {"year": years[pk], "required": required[pk], "exact": exact[pk]}
        for pk in sorted(required, key=lambda pk: years[pk].year, reverse=True)
    ]


def abk_sheet_current(position: Position, planning_year: PlanningYear) -> AbkSheet | None:
    return (
        AbkSheet.objects.filter(position=position, planning_year=planning_year)
        .select_related("updated_by")
        .prefetch_related("tasks")
        .first()
    )


def abk_result(position: Position, planning_year: PlanningYear) -> dict:
    """The saved sheet's result: total workload, exact need, rounded need."""
    total = AbkTask.objects.filter(sheet__position=position, sheet__planning_year=planning_year)
    workload = _minutes(total.aggregate(s=Sum(task_hundredths()))["s"])
    fraction, rounded = abk_required_staff(
        workload_minutes=workload,
        effective_minutes=planning_year.effective_minutes,
        threshold=planning_year.rounding_threshold,
    )
    return {"workload_minutes": workload, "exact": fraction, "required": rounded}


def _minutes(hundredths: int | None) -> Decimal:
    """A sum of task_hundredths() (None for no tasks) as exact minutes."""
    return Decimal(int(hundredths or 0)).scaleb(-2)


def published_planning_year(up_to_year: int) -> PlanningYear | None:
    """The latest planning year, not after the given one, that has ABK sheets: an empty year
    created by a page visit on 1 January never replaces the published numbers."""
    return (
        PlanningYear.objects.filter(year__lte=up_to_year, abk_sheets__isnull=False)
        .distinct()
        .order_by("-year")
        .first()
    )


def home_figures() -> list:
    """The home page's counts of kelurahan and sectors served (core.home)."""
    return [
        Figure(Kelurahan.objects.count(), gettext("Kelurahan served"), order=20),
        Figure(Sector.objects.count(), gettext("Public-service sectors"), order=30),
    ]
