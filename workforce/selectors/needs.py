"""The staffing needs: required (ABK) vs current staff per position, computed in the database.

One annotated Position queryset is the single source of every number on the needs map, the unit
page, the public summary and the exports, so they always agree.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from operator import itemgetter

from dateutil.relativedelta import relativedelta
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
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
from workforce.services.abk import (
    HUNDREDTHS,
    abk_required_hundredths,
    abk_required_staff,
    abk_threshold_hundredths,
)

# Staff who hold a position today (bezetting): on leave still counts, transferred or retired not.
CURRENT_STATUSES = (Employee.Status.ACTIVE, Employee.Status.ON_LEAVE)
RETIREMENT_HORIZON_YEARS = 5
SORTS = {
    "gap": ("-gap", "unit__name", "name"),
    "required": ("-required", "unit__name", "name"),
    "current": ("-current", "unit__name", "name"),
    "unit": ("unit__sector__order", "unit__name", "name"),
}


def task_hundredths(prefix: str = ""):
    """One task's workload (volume x standard minutes) in hundredths of a minute, as an integer
    on every database. SQLite keeps decimal columns as floating point, so a sum of minutes is not
    exact there (3 x 37,499.95 + 0.15 is not 112,500.00); minutes x 100, rounded, is, and so is
    a sum of integers. `prefix`: the path to the task from the queried model ("tasks__")."""
    return Cast(F(f"{prefix}yearly_volume"), BigIntegerField()) * Cast(
        Round(F(f"{prefix}standard_minutes") * Value(HUNDREDTHS)), BigIntegerField()
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


# The figures of one needs_rows row, besides its position's pk, sector and kelurahan.
NEEDS_FIELDS = ("required", "required_exact", "current", "retiring", "gap", "has_sheet")
# needs_rows' order: SORTS, computed in Python over rows the database returns in the order of
# the names (its collation), so that a stable sort on the figure gives SORTS' order.
ROW_SORTS = {"gap": "gap", "required": "required", "current": "current", "unit": None}


def needs_rows(
    planning_year: PlanningYear,
    *,
    sector: Sector | None = None,
    kelurahan: Kelurahan | None = None,
    asn_type: str | None = None,
    shortage_only: bool = False,
    sort: str = "gap",
    today: date | None = None,
) -> list[dict]:
    """The figures of needs_positions, by the same rules, as plain rows (dicts with "pk",
    "unit_id", "unit__sector_id", "unit__kelurahan_id" and NEEDS_FIELDS) in the order of
    SORTS[sort]: for the needs map, which summarises every matching position and shows a page
    of them.

    Three queries whatever the size of the register, each read once: the matching positions,
    their sheets' workloads (one grouped join over the year's tasks) and their current and
    retiring staff (one grouped scan of the index on position, status and retirement date).
    needs_positions instead repeats a correlated subquery per position for every figure that
    refers to it (the workload sixteen times in the map's query: 370 ms at 2,500 positions)."""
    today = today or timezone.localdate()
    horizon = today + relativedelta(years=RETIREMENT_HORIZON_YEARS)  # 29 Feb -> 28 Feb
    wke = planning_year.effective_minutes * HUNDREDTHS
    threshold_part = abk_threshold_hundredths(
        effective_minutes=planning_year.effective_minutes,
        threshold=planning_year.rounding_threshold,
    )

    def matching(prefix: str) -> Q:
        """The filters, from a model that reaches the position through `prefix`."""
        q = Q()
        if sector is not None:
            q &= Q(**{f"{prefix}unit__sector": sector})
        if kelurahan is not None:
            q &= Q(**{f"{prefix}unit__kelurahan": kelurahan})
        if asn_type:
            q &= Q(**{f"{prefix}asn_type": asn_type})
        return q

    order = SORTS["unit"] if sort == "unit" else ("unit__name", "name")
    positions = Position.objects.filter(matching("")).order_by(*order)
    workloads = dict(
        AbkSheet.objects.filter(matching("position__"), planning_year=planning_year)
        .values_list("position_id")
        .annotate(total=Sum(task_hundredths("tasks__")))
        .order_by()
    )
    staff = {
        position_id: (current, retiring)
        for position_id, current, retiring in Employee.objects.filter(
            matching("position__"), status__in=CURRENT_STATUSES
        )
        .values_list("position_id")
        .annotate(
            current=Count("*"),
            # a column, not *, with a filter (Django's rule); never NULL, and in the index
            retiring=Count(
                "retirement_date",
                filter=Q(retirement_date__gte=today, retirement_date__lt=horizon),
            ),
        )
        .order_by()
    }
    rows = []
    for pk, unit_id, sector_id, kelurahan_id in positions.values_list(
        "pk", "unit_id", "unit__sector_id", "unit__kelurahan_id"
    ):
        has_sheet = pk in workloads
        shown, required = abk_required_hundredths(
            int(workloads.get(pk) or 0), wke=wke, threshold_part=threshold_part
        )
        current, retiring = staff.get(pk, (0, 0))
        gap = required - current
        if shortage_only and gap <= 0:
            continue
        rows.append(
            {
                "pk": pk,
                "unit_id": unit_id,
                "unit__sector_id": sector_id,
                "unit__kelurahan_id": kelurahan_id,
                "required": required,
                "required_exact": Decimal(shown).scaleb(-2),
                "current": current,
                "retiring": retiring,
                "gap": gap,
                "has_sheet": has_sheet,
            }
        )
    if ROW_SORTS.get(sort):
        rows.sort(key=itemgetter(ROW_SORTS[sort]), reverse=True)  # stable: ties keep the names
    return rows


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

    def merge(self, other: "Totals") -> None:
        self.required += other.required
        self.current += other.current
        self.retiring += other.retiring
        self.shortage += other.shortage
        self.surplus += other.surplus
        self.positions += other.positions


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
    # Every figure of Totals is a sum over positions (shortage and surplus too), so the rows
    # are summed once per sector and kelurahan pair, then the few pairs per side.
    per_pair: dict[tuple[int, int], Totals] = defaultdict(Totals)
    for sector_id, kelurahan_id, required, current, retiring in rows:
        per_pair[sector_id, kelurahan_id].add(required, current, retiring)
    per_sector: dict[int, Totals] = defaultdict(Totals)
    per_kelurahan: dict[int, Totals] = defaultdict(Totals)
    for (sector_id, kelurahan_id), totals in per_pair.items():
        for target in (summary.total, per_sector[sector_id], per_kelurahan[kelurahan_id]):
            target.merge(totals)
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
