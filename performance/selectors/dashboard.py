"""HR's dashboard: completion per unit (who is late) and the predikat distribution per unit and
sector, next to the distribution guidance. Five queries whatever the size of the register."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Window
from django.db.models.functions import RowNumber

from performance.models import Checkpoint, DistributionGuidance, Predikat, Review, Skp
from workforce.models import Employee, Unit

ACTIVE = (Employee.Status.ACTIVE, Employee.Status.ON_LEAVE)


@dataclass
class Completion:
    unit: str
    sector: str
    staff: int = 0
    skp_agreed: int = 0
    reviewed: int = 0
    late: list[str] = field(default_factory=list)
    late_count: int = 0

    @property
    def late_more(self) -> int:
        return self.late_count - len(self.late)

    @property
    def percent(self) -> int:
        return round(100 * self.reviewed / self.staff) if self.staff else 0


# Predikat.values builds its list on every call: a distribution per unit (500 of them) asked
# for it thousands of times.
PREDIKATS = tuple(Predikat.values)


@dataclass
class Distribution:
    label: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PREDIKATS, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def cells(self):
        total = self.total
        return [
            (self.counts[p], round(100 * self.counts[p] / total) if total else 0) for p in PREDIKATS
        ]


def completion_by_unit(checkpoint: Checkpoint, today, *, late_names: int | None = None):
    """Staff, agreed SKPs and submitted reviews per unit, counted in the database (one grouped
    query, then the units' names), and who is late once the review is due: every name (the
    Excel export) or the first `late_names` of each unit (the page; `late_count` says how many
    in all). Three queries."""
    agreed = Skp.objects.filter(
        employee=OuterRef("pk"), cycle_id=checkpoint.cycle_id, status=Skp.Status.AGREED
    )
    reviewed = Review.objects.filter(skp__employee=OuterRef("pk"), checkpoint=checkpoint).exclude(
        status=Review.Status.DRAFT
    )
    staff = Employee.objects.filter(status__in=ACTIVE)
    # Grouped by the unit id (a hash of the register), the names read after and sorted here:
    # grouped by the unit's and sector's names, PostgreSQL walked the units in name order
    # through three nested index scans (70 against 45 ms at 20,000 employees).
    grouped = (
        staff.values_list("position__unit_id")
        .annotate(
            n_staff=Count("pk"),
            n_agreed=Count("pk", filter=Exists(agreed)),
            n_reviewed=Count("pk", filter=Exists(reviewed)),
        )
        .order_by()
    )
    counts = {unit_id: numbers for unit_id, *numbers in grouped}
    units = {}
    for unit_id, name, sector in (
        Unit.objects.filter(pk__in=counts)
        .values_list("pk", "name", "sector__name")
        .order_by("name")
    ):
        n_staff, n_agreed, n_reviewed = counts[unit_id]
        units[name] = Completion(
            unit=name, sector=sector, staff=n_staff, skp_agreed=n_agreed, reviewed=n_reviewed
        )
    for unit in units.values():
        unit.late_count = unit.staff - unit.reviewed if today > checkpoint.due_date else 0
    if today <= checkpoint.due_date:
        return list(units.values())
    late = (
        staff.exclude(Exists(reviewed))
        .annotate(
            place=Window(
                RowNumber(),
                partition_by=[F("position__unit_id")],
                order_by=[F("full_name").asc(), F("pk").asc()],
            )
        )
        .values_list("position__unit__name", "full_name")
        .order_by("position__unit__name", "full_name", "pk")
    )
    if late_names is not None:
        late = late.filter(place__lte=late_names)
    for unit_name, full_name in late.iterator(chunk_size=2000):
        units[unit_name].late.append(full_name)
    return list(units.values())


def distribution(checkpoint: Checkpoint) -> dict[str, list[Distribution]]:
    """The predikat counts per unit, per sector and in all. Two queries: the reviews counted
    per unit id and predikat (three joins), then the names of the units found. Grouping by the
    unit's and sector's names read through five joins took three times as long (95 against
    29 ms at 20,000 reviews)."""
    rows = (
        Review.objects.filter(checkpoint=checkpoint)
        .exclude(status=Review.Status.DRAFT)
        .values_list("skp__employee__position__unit_id", "predikat")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = list(rows)
    names = {
        pk: (unit, sector)
        for pk, unit, sector in Unit.objects.filter(pk__in={row[0] for row in rows}).values_list(
            "pk", "name", "sector__name"
        )
    }
    units, sectors = defaultdict(dict), defaultdict(dict)
    total = Distribution(label="")
    for unit_id, predikat, n in rows:
        unit, sector = names[unit_id]
        for table, key in ((units, unit), (sectors, sector)):
            item = table.setdefault(key, Distribution(label=key))
            item.counts[predikat] += n
        total.counts[predikat] += n
    return {
        "units": sorted(units.values(), key=lambda d: d.label),
        "sectors": sorted(sectors.values(), key=lambda d: d.label),
        "total": total,
    }


def guidance():
    return DistributionGuidance.objects.order_by("order")


def ekinerja_rows(checkpoint: Checkpoint):
    """Final reviews of a checkpoint, as e-Kinerja asks for them (NIP, name, ratings, predikat)."""
    return (
        Review.objects.filter(checkpoint=checkpoint)
        .exclude(status=Review.Status.DRAFT)
        .select_related("skp__employee__position__unit", "checkpoint__cycle")
        .order_by("skp__employee__position__unit__name", "skp__employee__full_name")
    )


def latest_with_data(checkpoints):
    """Of these checkpoints, the latest whose period has a review shared with the employee (a
    new period has none yet and would open the dashboard on empty charts). One query."""
    shared = Review.objects.filter(checkpoint=OuterRef("pk")).exclude(status=Review.Status.DRAFT)
    return checkpoints.filter(Exists(shared)).order_by("-period_end", "-kind", "-pk").first()
