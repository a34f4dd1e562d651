"""HR's dashboard: completion per unit (who is late) and the predikat distribution per unit and
sector, next to the distribution guidance. Three queries whatever the size of the register."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef

from performance.models import Checkpoint, DistributionGuidance, Predikat, Review, Skp
from workforce.models import Employee

ACTIVE = (Employee.Status.ACTIVE, Employee.Status.ON_LEAVE)


@dataclass
class Completion:
    unit: str
    sector: str
    staff: int = 0
    skp_agreed: int = 0
    reviewed: int = 0
    late: list[str] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(100 * self.reviewed / self.staff) if self.staff else 0


@dataclass
class Distribution:
    label: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Predikat.values, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def cells(self):
        total = self.total
        return [
            (self.counts[p], round(100 * self.counts[p] / total) if total else 0)
            for p in Predikat.values
        ]


def completion_by_unit(checkpoint: Checkpoint, today) -> list[Completion]:
    agreed = Skp.objects.filter(
        employee=OuterRef("pk"), cycle_id=checkpoint.cycle_id, status=Skp.Status.AGREED
    )
    reviewed = Review.objects.filter(skp__employee=OuterRef("pk"), checkpoint=checkpoint).exclude(
        status=Review.Status.DRAFT
    )
    rows = (
        Employee.objects.filter(status__in=ACTIVE)
        .annotate(agreed=Exists(agreed), reviewed=Exists(reviewed))
        .values(
            "full_name",
            "agreed",
            "reviewed",
            "position__unit__name",
            "position__unit__sector__name",
            "position__unit__sector__name_en",
        )
        .order_by("position__unit__name", "full_name")
    )
    late_now = today > checkpoint.due_date
    units: dict[str, Completion] = {}
    for row in rows.iterator(chunk_size=2000):
        name = row["position__unit__name"]
        unit = units.setdefault(
            name, Completion(unit=name, sector=row["position__unit__sector__name"])
        )
        unit.staff += 1
        unit.skp_agreed += row["agreed"]
        unit.reviewed += row["reviewed"]
        if late_now and not row["reviewed"]:
            unit.late.append(row["full_name"])
    return list(units.values())


def distribution(checkpoint: Checkpoint) -> dict[str, list[Distribution]]:
    rows = (
        Review.objects.filter(checkpoint=checkpoint)
        .exclude(status=Review.Status.DRAFT)
        .values(
            "skp__employee__position__unit__name",
            "skp__employee__position__unit__sector__name",
            "predikat",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    units, sectors = defaultdict(dict), defaultdict(dict)
    total = Distribution(label="")
    for row in rows:
        for table, key in (
            (units, row["skp__employee__position__unit__name"]),
            (sectors, row["skp__employee__position__unit__sector__name"]),
        ):
            item = table.setdefault(key, Distribution(label=key))
            item.counts[row["predikat"]] += row["n"]
        total.counts[row["predikat"]] += row["n"]
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
