from django.db import transaction

from workforce.models import Kelurahan, PlanningYear, Sector
from workforce.reference import KELURAHAN, SECTORS


@transaction.atomic
def reference_data_ensure() -> None:
    """Create the seeded sectors and kelurahan when missing (the migration does it on a new
    database); never overwrite HR's edits."""
    for order, (slug, name, name_en) in enumerate(SECTORS, start=1):
        Sector.objects.get_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "order": order}
        )
    for slug, name in KELURAHAN:
        Kelurahan.objects.get_or_create(slug=slug, defaults={"name": name})


def planning_year_ensure(*, year: int) -> PlanningYear:
    """The planning year with its rule values; created with the docs/domain.md defaults if new."""
    planning_year, _ = PlanningYear.objects.get_or_create(year=year)
    return planning_year
