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


def abk_required_staff(
    *, workload_minutes: Decimal, effective_minutes: int, threshold: Decimal
) -> tuple[Decimal, int]:
    """The exact need (a fraction of people) and the rounded need, by the year's rule: a fraction
    at or above the threshold rounds up, below it down, and any workload needs at least one."""
    if workload_minutes <= 0:
        return Decimal(0), 0
    workload = Decimal(workload_minutes)
    exact = workload / Decimal(effective_minutes)
    # Compare the remainder exactly (no rounding of the fraction), as the database does.
    whole = int(workload // effective_minutes)
    remainder = workload - whole * effective_minutes
    rounded = whole + (1 if remainder >= threshold * effective_minutes else 0)
    return exact, max(1, rounded)
