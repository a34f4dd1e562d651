"""Cycles and their checkpoints, and the predikat read from the matrix."""

import calendar
from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from performance.models import Checkpoint, Cycle, PredikatRule, Rating

MONTHS_PER_PERIOD = {
    Cycle.Frequency.MONTHLY: 1,
    Cycle.Frequency.QUARTERLY: 3,
    Cycle.Frequency.SEMESTER: 6,
}


class MatrixError(Exception):
    """A rating outside the allowed values, or a matrix without that cell."""


def predikat_for(*, hasil_kerja: str, perilaku: str) -> str:
    """The predikat of the matrix cell (docs/domain.md 4), read from the PredikatRule rows."""
    if hasil_kerja not in Rating.values or perilaku not in Rating.values:
        raise MatrixError(_("A rating must be above, meets or below expectation."))
    rule = PredikatRule.objects.filter(hasil_kerja=hasil_kerja, perilaku=perilaku).first()
    if rule is None:
        raise MatrixError(_("The predikat matrix has no cell for these ratings."))
    return rule.predikat


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


@transaction.atomic
def cycle_ensure(*, year: int, **settings) -> Cycle:
    """The cycle of the year, created with the default rules (or `settings`) when missing, and
    its checkpoints generated. Safe to call again."""
    defaults = {"skp_due_date": date(year, 1, 31), **settings}
    cycle, _created = Cycle.objects.get_or_create(year=year, defaults=defaults)
    cycle.full_clean()
    checkpoints_generate(cycle=cycle)
    return cycle


@transaction.atomic
def checkpoints_generate(*, cycle: Cycle) -> list[Checkpoint]:
    """One checkpoint per period of the cycle's frequency plus the annual one; each review is
    due `review_due_days` after its period ends. Existing checkpoints keep their dates (reviews
    point to them); a change of frequency before any review replaces them."""
    step = MONTHS_PER_PERIOD[cycle.frequency]
    periods = 12 // step
    existing = Checkpoint.objects.filter(cycle=cycle, kind=Checkpoint.Kind.PERIODIC)
    if existing.count() != periods and not existing.filter(reviews__isnull=False).exists():
        existing.delete()
    due_after = timedelta(days=cycle.review_due_days)
    for number in range(1, periods + 1):
        first_month = (number - 1) * step + 1
        end = _month_end(cycle.year, first_month + step - 1)
        Checkpoint.objects.get_or_create(
            cycle=cycle,
            kind=Checkpoint.Kind.PERIODIC,
            number=number,
            defaults={
                "period_start": date(cycle.year, first_month, 1),
                "period_end": end,
                "due_date": end + due_after,
            },
        )
    end = date(cycle.year, 12, 31)
    Checkpoint.objects.get_or_create(
        cycle=cycle,
        kind=Checkpoint.Kind.ANNUAL,
        number=1,
        defaults={
            "period_start": date(cycle.year, 1, 1),
            "period_end": end,
            "due_date": end + due_after,
        },
    )
    return list(cycle.checkpoints.all())
