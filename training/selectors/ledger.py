"""The JP ledger: completed study hours per employee per year against the year's rule, and HR's
view of who is short, by unit and sector."""

from dataclasses import dataclass, field

from django.db.models import Count, FilteredRelation, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.pagecache import remember
from training.models import (
    DEFAULT_PNS_MIN_JP,
    DEFAULT_PPPK_MAX_JP,
    DEFAULT_REMINDER_DAYS,
    Enrolment,
    TrainingYearRule,
)
from workforce.models import AsnType, Employee, Unit


def rule_for_year(year: int) -> TrainingYearRule:
    """The year's rule, or an unsaved one with the docs/domain.md defaults (reads never write)."""
    return TrainingYearRule.objects.filter(year=year).first() or default_rule(year)


def default_rule(year: int) -> TrainingYearRule:
    return TrainingYearRule(
        year=year,
        pns_min_jp=DEFAULT_PNS_MIN_JP,
        pppk_max_jp=DEFAULT_PPPK_MAX_JP,
        reminder_days=DEFAULT_REMINDER_DAYS,
    )


def passed_in_year(year: int) -> QuerySet[Enrolment]:
    """Passed enrolments counted in a year: the year the session ended."""
    return Enrolment.objects.filter(result=Enrolment.Result.PASSED, session__ends_on__year=year)


def years_with_records() -> list[int]:
    """The years in which someone completed a training (passed), latest first (one query)."""
    dates = Enrolment.objects.filter(result=Enrolment.Result.PASSED).dates(
        "session__ends_on", "year", order="DESC"
    )
    return [day.year for day in dates]


def with_jp(employees: QuerySet[Employee], year: int) -> QuerySet[Employee]:
    """Annotate `jp_done`: the JP completed in the year. One grouped join of the register with
    its passed enrolments (the join itself keeps only passed ones: a FilteredRelation), the
    year picked in the sum: a correlated subquery per employee cost 140 ms for 20,000
    employees to count, this 15 ms."""
    return employees.annotate(
        _passed=FilteredRelation(
            "training_enrolments",
            condition=Q(training_enrolments__result=Enrolment.Result.PASSED),
        ),
        jp_done=Coalesce(
            Sum("_passed__session__programme__jp", filter=Q(_passed__session__ends_on__year=year)),
            0,
        ),
    )


@dataclass
class LedgerYear:
    year: int
    asn_type: str
    minimum: int
    cap: int
    entries: list = field(default_factory=list)

    @property
    def jp(self) -> int:
        return sum(e.session.programme.jp for e in self.entries)

    @property
    def shortfall(self) -> int:
        """JP still missing to the PNS minimum (PPPK has a cap, not a floor)."""
        return max(0, self.minimum - self.jp) if self.asn_type == AsnType.PNS else 0

    @property
    def over_cap(self) -> int:
        return max(0, self.jp - self.cap) if self.asn_type == AsnType.PPPK else 0

    @property
    def percent(self) -> int:
        target = self.minimum if self.asn_type == AsnType.PNS else self.cap
        return min(100, self.jp * 100 // target) if target else 0


def jp_ledger(employee: Employee) -> list[LedgerYear]:
    """The employee's years, newest first: this year always, and every year with a completed
    programme. Two queries whatever the number of years or programmes."""
    this_year = timezone.localdate().year
    passed = list(
        Enrolment.objects.filter(employee=employee, result=Enrolment.Result.PASSED)
        .select_related("session__programme", "certificate")
        .order_by("-session__ends_on", "pk")
    )
    years = sorted({this_year, *(e.session.ends_on.year for e in passed)}, reverse=True)
    rules = {r.year: r for r in TrainingYearRule.objects.filter(year__in=years)}
    ledger = []
    for year in years:
        rule = rules.get(year) or default_rule(year)
        ledger.append(
            LedgerYear(
                year=year,
                asn_type=employee.asn_type,
                minimum=rule.pns_min_jp,
                cap=rule.pppk_max_jp,
                entries=[e for e in passed if e.session.ends_on.year == year],
            )
        )
    return ledger


SHORT_RELATED = ("position__unit__sector", "supervisor__user", "user")


def short_of_jp(year: int, *, sector=None, unit=None, related=True) -> QuerySet[Employee]:
    """Active PNS employees below the year's minimum, with `jp_done`, fewest first; with their
    unit, sector, supervisor and account unless `related` is False (a page of them then takes
    `short_details`: sorting 20,000 grouped rows is quicker without the joins)."""
    rule = rule_for_year(year)
    employees = Employee.objects.filter(status=Employee.Status.ACTIVE, asn_type=AsnType.PNS)
    if related:
        employees = employees.select_related(*SHORT_RELATED)
    if sector is not None:
        employees = employees.filter(position__unit__sector=sector)
    if unit is not None:
        employees = employees.filter(position__unit=unit)
    return (
        with_jp(employees, year)
        .filter(jp_done__lt=rule.pns_min_jp)
        .order_by("jp_done", "full_name", "pk")
    )


class Counted:
    """A queryset whose number of rows is already known, for a Paginator (which calls count()
    and then slices): the short list's count is the summary's, which the overview reads anyway,
    instead of a second grouped scan of the register (30 ms at 20,000 employees)."""

    def __init__(self, queryset: QuerySet, count: int):
        self.queryset, self._count = queryset, count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, key):
        return self.queryset[key]


def short_list(year: int, *, sector=None, summary: dict) -> Counted:
    """short_of_jp(related=False) counted by `summary` (shortfall_summary of the same year)."""
    by_sector = summary["short_by_sector"]
    count = by_sector.get(sector.pk, 0) if sector is not None else sum(by_sector.values())
    return Counted(short_of_jp(year, sector=sector, related=False), count)


def short_details(employees: list[Employee]) -> list[Employee]:
    """A page of `short_of_jp(related=False)` with their unit, sector, supervisor and account,
    in one query."""
    found = Employee.objects.select_related(*SHORT_RELATED).in_bulk([e.pk for e in employees])
    detailed = []
    for employee in employees:
        if employee.pk in found:  # not deleted since the page was read
            found[employee.pk].jp_done = employee.jp_done
            detailed.append(found[employee.pk])
    return detailed


@dataclass
class ShortRow:
    label: str
    total: int = 0
    short: int = 0
    missing_jp: int = 0

    @property
    def complete(self) -> int:
        return self.total - self.short


def shortfall_summary(year: int) -> dict:
    """PNS staff, how many are short and the JP missing, by unit and by sector: kept in the
    cache until the training records or the register change, since HR's overview and its two
    charts each need it and it reads every PNS employee (about 120 ms for 20,000)."""
    return remember(
        f"training-shortfall:v2:{year}", ("training", "workforce"), lambda: _shortfall(year)
    )


@dataclass
class UnitJp:
    """A unit's active PNS staff against the year's minimum JP."""

    unit_id: int
    unit_name: str
    sector_id: int
    sector_name: str
    sector_name_en: str
    sector_slug: str
    sector_order: int
    total: int
    short: int
    missing_jp: int


def jp_by_unit(year: int) -> list[UnitJp]:
    """Every unit with active PNS staff: how many, how many below the year's minimum JP and the
    JP they miss together. Two grouped queries, whatever the register's size: the staff per
    unit, and the JP of the few who completed a training in the year (everyone else has 0, so
    is short by the whole minimum). Reading every employee's JP and counting in Python took
    220 ms for 20,000 employees."""
    minimum = rule_for_year(year).pns_min_jp
    active_pns = Employee.objects.filter(status=Employee.Status.ACTIVE, asn_type=AsnType.PNS)
    trained: dict[int, list[int]] = {}
    for unit_id, jp in (
        passed_in_year(year)
        .filter(employee__in=active_pns)
        .values("employee")
        .annotate(jp=Sum("session__programme__jp"))
        .values_list("employee__position__unit_id", "jp")
    ):
        trained.setdefault(unit_id, []).append(jp or 0)
    staff = dict(active_pns.values_list("position__unit_id").annotate(total=Count("pk")).order_by())
    # Grouped by the unit id alone, the names read after: grouping by the unit's and sector's
    # six columns through three joins took three times as long.
    units = []
    for unit_id, unit_name, sector_id, name, name_en, slug, order in Unit.objects.filter(
        pk__in=staff
    ).values_list(
        "pk",
        "name",
        "sector_id",
        "sector__name",
        "sector__name_en",
        "sector__slug",
        "sector__order",
    ):
        total = staff[unit_id]
        jps = trained.get(unit_id, [])
        partly = [jp for jp in jps if jp < minimum]
        short = total - (len(jps) - len(partly))
        units.append(
            UnitJp(
                unit_id=unit_id,
                unit_name=unit_name,
                sector_id=sector_id,
                sector_name=name,
                sector_name_en=name_en,
                sector_slug=slug,
                sector_order=order,
                total=total,
                short=short,
                missing_jp=short * minimum - sum(partly),
            )
        )
    return units


def _shortfall(year: int) -> dict:
    """HR's summary from jp_by_unit: by unit, most short first, and by sector in its order."""
    by_unit: dict[int, ShortRow] = {}
    by_sector: dict[int, ShortRow] = {}
    order = {}
    for unit in jp_by_unit(year):
        order[unit.sector_id] = unit.sector_order
        for table, key, label in (
            (by_unit, unit.unit_id, unit.unit_name),
            (by_sector, unit.sector_id, unit.sector_name),
        ):
            row = table.setdefault(key, ShortRow(label))
            row.total += unit.total
            row.short += unit.short
            row.missing_jp += unit.missing_jp
    return {
        "rule": rule_for_year(year),
        "short_by_sector": {key: row.short for key, row in by_sector.items()},
        "by_unit": sorted(by_unit.values(), key=lambda r: (-r.short, r.label)),
        "by_sector": [by_sector[k] for k in sorted(by_sector, key=lambda k: order[k])],
    }
