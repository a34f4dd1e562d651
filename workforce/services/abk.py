"""The workload analysis (ABK): saving a sheet without losing anybody's edits."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from workforce.models import AbkSheet, AbkTask, PlanningYear, Position


class AbkConflict(Exception):
    """Somebody saved the sheet after this user opened it."""


@dataclass(frozen=True)
class TaskInput:
    description: str
    output_unit: str
    yearly_volume: int
    standard_minutes: Decimal


@transaction.atomic
def abk_sheet_save(
    *,
    position: Position,
    planning_year: PlanningYear,
    expected_version: int | None,
    tasks: list[TaskInput],
    user,
) -> AbkSheet:
    """Replace the tasks of a position's sheet for the year.

    `expected_version` is the version the user's form was opened at (None for a new sheet). The
    conditional UPDATE claims the sheet only if nobody saved in between; otherwise AbkConflict,
    and nothing is written.
    """
    if expected_version is None:
        sheet, created = AbkSheet.objects.get_or_create(
            position=position, planning_year=planning_year, defaults={"updated_by": user}
        )
        if not created:
            raise AbkConflict(_("Someone else created this sheet while you were editing it."))
    else:
        claimed = AbkSheet.objects.filter(
            position=position, planning_year=planning_year, version=expected_version
        ).update(version=F("version") + 1, updated_by=user)
        if claimed != 1:
            raise AbkConflict(_("Someone else saved this sheet while you were editing it."))
        sheet = AbkSheet.objects.get(position=position, planning_year=planning_year)
    sheet.save(update_fields=["updated_at"])
    sheet.tasks.all().delete()
    objects = [
        AbkTask(
            sheet=sheet,
            description=task.description,
            output_unit=task.output_unit,
            yearly_volume=task.yearly_volume,
            standard_minutes=task.standard_minutes,
        )
        for task in tasks
    ]
    for obj in objects:
        obj.full_clean(exclude=["sheet"])
    AbkTask.objects.bulk_create(objects)
    return sheet


# Workloads are kept in hundredths of a minute (AbkTask.standard_minutes has two decimals, the
# volume is whole) and the threshold has two decimals, so the rounding rule is exact in integers.
HUNDREDTHS = 100


def hundredths(minutes: Decimal) -> int:
    """Minutes as a whole number of hundredths of a minute; ValueError if they are not."""
    scaled = Decimal(minutes) * HUNDREDTHS
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{minutes} is not a whole number of hundredths of a minute")
    return int(scaled)


def abk_threshold_hundredths(*, effective_minutes: int, threshold: Decimal) -> int:
    """threshold x WKE in hundredths of a minute (exact: the threshold has two decimals)."""
    return hundredths(Decimal(threshold) * effective_minutes)


def abk_required_staff(
    *, workload_minutes: Decimal, effective_minutes: int, threshold: Decimal
) -> tuple[Decimal, int]:
    """The need as a fraction of people and the rounded need, by the year's rule: a remainder of
    workload / WKE at or above threshold x WKE rounds up, below it down, and any workload needs at
    least one person. Computed in integers (hundredths of a minute), exactly as the database does
    in selectors.needs.needs_positions.

    The fraction is cut (not rounded) to two decimals, the places it is shown with: the rule
    applied to it then gives the rounded need beside it (1.4999… is 1.49, never 1.50 beside 1)."""
    shown, rounded = abk_required_hundredths(
        hundredths(workload_minutes),
        wke=effective_minutes * HUNDREDTHS,
        threshold_part=abk_threshold_hundredths(
            effective_minutes=effective_minutes, threshold=threshold
        ),
    )
    return Decimal(shown).scaleb(-2), rounded


def abk_required_hundredths(workload: int, *, wke: int, threshold_part: int) -> tuple[int, int]:
    """The rule of abk_required_staff on integers: a workload and WKE in hundredths of a minute,
    threshold x WKE as abk_threshold_hundredths gives it. Returns the need in hundredths of a
    person (cut, not rounded) and the rounded need. For the needs map's thousands of rows, which
    read their workloads as such integers (selectors.needs.needs_rows)."""
    if workload <= 0:
        return 0, 0
    whole, remainder = divmod(workload, wke)
    rounded = whole + (1 if remainder >= threshold_part else 0)
    # whole people and the first two decimals of the remainder, in hundredths of a person
    return whole * HUNDREDTHS + remainder * HUNDREDTHS // wke, max(1, rounded)
