"""IKM results per unit and period (PermenPANRB 14/2017, docs/domain.md 5):

    NRR per element = total score / number of responses
    IKM             = Σ NRR × 1/(number of elements)      (1–4)
    IKM unit        = IKM × 25                            (25–100)

and the grade from the bands in the database (IkmGradeBand, seeded by migration).

Each value is computed as an exact fraction, Σ totals / (elements × respondents), and rounded
once, half up, for display: step-by-step decimal division (1/9 is not exact) could round a value
that is exactly x.xx5 down, and so show the grade below."""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum

from forums.models import SCORE_FIELDS, IkmElement, IkmGradeBand, IkmPeriod, IkmResponse
from workforce.models import Unit

MAX_SCORE = 4
# The converted scale runs to 100: IKM (1–4) × 100/4 = × 25.
CONVERSION = Fraction(100, MAX_SCORE)
NRR_PLACES = 2
INDEX_PLACES = 4
CONVERTED_PLACES = 2


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


def round_half_up(value: Fraction, places: int) -> Decimal:
    """An exact (non-negative) value rounded once, half up, to the given number of decimals,
    in integers: no inexact division on the way."""
    scaled = value * 10**places
    whole, remainder = divmod(scaled.numerator, scaled.denominator)
    if 2 * remainder >= scaled.denominator:
        whole += 1
    return Decimal(whole).scaleb(-places)


def ikm_compute(totals: list[int], respondents: int) -> tuple[list[Decimal], Decimal, Decimal]:
    """(NRR per element, IKM on 1–4, IKM × 25 on 25–100) from the per-element totals: the NRR
    to two decimals, the IKM to four, the converted value to two, each rounded once, half up,
    from the exact fraction."""
    if respondents <= 0:
        raise ValueError("no responses")
    index = Fraction(sum(totals), len(totals) * respondents)  # Σ (total / n) × 1/elements
    return (
        [round_half_up(Fraction(total, respondents), NRR_PLACES) for total in totals],
        round_half_up(index, INDEX_PLACES),
        round_half_up(index * CONVERSION, CONVERTED_PLACES),
    )


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
                nrr=nrr,
                index=index,
                converted=converted,
                band=band_for(converted, bands),
            )
        )
    results.sort(key=lambda r: (-r.period.starts_on.toordinal(), r.unit.name))
    return results


def ikm_result_periods() -> QuerySet[IkmPeriod]:
    """The periods with at least one response, the newest first: the results page's choices."""
    return IkmPeriod.objects.filter(
        Exists(IkmResponse.objects.filter(period=OuterRef("pk")))
    ).order_by("-starts_on", "-pk")


def ikm_elements() -> list[IkmElement]:
    return list(IkmElement.objects.order_by("number"))


def ikm_bands() -> list[IkmGradeBand]:
    return list(IkmGradeBand.objects.all())


def ikm_open_periods(day) -> list[IkmPeriod]:
    return list(IkmPeriod.objects.filter(starts_on__lte=day, ends_on__gte=day))
