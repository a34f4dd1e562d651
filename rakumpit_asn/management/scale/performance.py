"""A year of SKPs and reviews for the needs map's employees."""

# ruff: noqa: S311 (seeded generators make repeatable test data; nothing here is a secret)
from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from performance.defaults import rules_ensure
from performance.models import Checkpoint, Indicator, PredikatRule, Rating, Review, Skp
from performance.services.cycles import cycle_ensure
from rakumpit_asn.management.scale._base import Built, _bulk
from rakumpit_asn.management.scale.workforce import NEEDS_PREFIX
from workforce.models import (
    Employee,
)


@transaction.atomic
def reviews(*, year: int, unit_prefix: str = NEEDS_PREFIX, quiet: bool = False) -> Built:
    """For every employee of the units named `unit_prefix...`: an agreed SKP with two indicators
    in the year's cycle, and a finalised review at every checkpoint of the year (the periodic
    ones and the annual one), rated across the predikat matrix."""
    rules_ensure()
    cycle = cycle_ensure(year=year)
    employees = list(
        Employee.objects.filter(position__unit__name__startswith=unit_prefix).values_list(
            "pk", flat=True
        )
    )
    existing = Skp.objects.filter(cycle=cycle, employee_id__in=employees)
    if existing.exists():
        return Built(
            f"reviews {year}",
            False,
            {"skps": existing.count(), "reviews": Review.objects.filter(skp__in=existing).count()},
        )
    checkpoints = list(Checkpoint.objects.filter(cycle=cycle).order_by("period_end", "kind"))
    rule = {(r.hasil_kerja, r.perilaku): r.predikat for r in PredikatRule.objects.all()}
    rng = random.Random(year)
    # Mostly "meets", some "above", a few "below": a plausible spread over the matrix.
    ratings = [Rating.MEETS] * 7 + [Rating.ABOVE] * 2 + [Rating.BELOW]
    skps = _bulk(
        Skp,
        (Skp(employee_id=pk, cycle=cycle, status=Skp.Status.AGREED) for pk in employees),
        total=len(employees),
        desc=f"SKPs {year}",
        quiet=quiet,
    )
    _bulk(
        Indicator,
        (
            Indicator(skp=s, description=f"Layanan {k}", target="100", order=k)
            for s in skps
            for k in range(2)
        ),
        total=2 * len(skps),
        desc="indicators",
        quiet=quiet,
    )

    def review(skp, checkpoint):
        hasil, perilaku = rng.choice(ratings), rng.choice(ratings)
        finalised = timezone.make_aware(
            datetime.combine(checkpoint.due_date, time(10))
        ) - timedelta(days=rng.randint(1, 9))
        return Review(
            skp=skp,
            checkpoint=checkpoint,
            status=Review.Status.ACKNOWLEDGED,
            hasil_kerja=hasil,
            perilaku=perilaku,
            predikat=rule[(hasil, perilaku)],
            feedback="Pertahankan kinerja.",
            finalised_at=finalised,
            objection_deadline=checkpoint.due_date + timedelta(days=cycle.objection_window_days),
            acknowledged_at=finalised + timedelta(days=1),
        )

    total = len(skps) * len(checkpoints)
    _bulk(
        Review,
        (review(s, c) for c in checkpoints for s in skps),
        total=total,
        desc=f"reviews {year}",
        quiet=quiet,
    )
    return Built(f"reviews {year}", True, {"skps": len(skps), "reviews": total})


def cycle_checkpoint(year: int, kind: str = Checkpoint.Kind.ANNUAL) -> Checkpoint | None:
    return Checkpoint.objects.filter(cycle__year=year, kind=kind).order_by("-period_end").first()
