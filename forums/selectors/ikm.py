"""IKM results per unit and period (PermenPANRB 14/2017, docs/domain.md 5):

    NRR per element = total score / number of responses
    IKM             = Σ NRR × 1/(number of elements)      (1–4)
    IKM unit        = IKM × 25                            (25–100)

and the grade from the bands in the database (IkmGradeBand, seeded by migration)."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum

from forums.models import SCORE_FIELDS, IkmElement, IkmGradeBand, IkmPeriod, IkmResponse
from workforce.models import Unit

MAX_SCORE = 4
# The converted scale runs to 100: IKM (1–4) × 100/4 = × 25.
CONVERSION = Decimal(100) / MAX_SCORE
TWO_PLACES = Decimal("0.01")


@dataclass
class IkmResult:
    unit: Unit
    period: IkmPeriod
    respondents: int
    nrr: list[Decimal]  # per element, 1..9
    index: Decimal  # 1–4, four decimals
    converted: Decimal  # 25–100, two decimals
    band: IkmGradeBand | None

    @property
    def grade(self) -> str:
        return self.band.grade if self.band else "–"


def ikm_compute(totals: list[int], respondents: int) -> tuple[list[Decimal], Decimal, Decimal]:
    """(NRR per element, IKM on 1–4, IKM × 25 on 25–100) from the per-element totals."""
    if respondents <= 0:
        raise ValueError("no responses")
    nrr = [Decimal(total) / respondents for total in totals]
    weight = Decimal(1) / len(totals)
    index = sum((value * weight for value in nrr), Decimal(0))
    converted = (index * CONVERSION).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    return nrr, index.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP), converted


def band_for(converted: Decimal, bands: list[IkmGradeBand]) -> IkmGradeBand | None:
    """The highest band whose lower bound the (two-decimal) value reaches."""
    for band in sorted(bands, key=lambda b: b.lower, reverse=True):
        if converted >= band.lower:
            return band
    return None


def ikm_results(*, period: IkmPeriod | None = None, unit: Unit | None = None) -> list[IkmResult]:
    """One aggregate query over the responses, grouped by unit and period."""
    responses = IkmResponse.objects.all()
    if period is not None:
        responses = responses.filter(period=period)
    if unit is not None:
        responses = responses.filter(unit=unit)
    rows = list(
        responses.values("unit", "period")
        .annotate(n=Count("pk"), **{f"t_{name}": Sum(name) for name in SCORE_FIELDS})
        .order_by("period", "unit")
    )
    units = Unit.objects.in_bulk({row["unit"] for row in rows})
    periods = IkmPeriod.objects.in_bulk({row["period"] for row in rows})
    bands = list(IkmGradeBand.objects.all())
    results = []
    for row in rows:
        nrr, index, converted = ikm_compute([row[f"t_{name}"] for name in SCORE_FIELDS], row["n"])
        results.append(
            IkmResult(
                unit=units[row["unit"]],
                period=periods[row["period"]],
                respondents=row["n"],
                nrr=[value.quantize(Decimal("0.01")) for value in nrr],
                index=index,
                converted=converted,
                band=band_for(converted, bands),
            )
        )
    results.sort(key=lambda r: (-r.period.starts_on.toordinal(), r.unit.name))
    return results


def ikm_elements() -> list[IkmElement]:
    return list(IkmElement.objects.order_by("number"))


def ikm_bands() -> list[IkmGradeBand]:
    return list(IkmGradeBand.objects.all())


def ikm_open_periods(day) -> list[IkmPeriod]:
    return list(IkmPeriod.objects.filter(starts_on__lte=day, ends_on__gte=day))
