"""What the forums tell other apps (registered in ForumsConfig.ready)."""

from django.urls import reverse
from django.utils.translation import ngettext

from forums.selectors.staffing import open_expectations_by_unit
from workforce.extensions import UnitNote
from workforce.models import Unit


def unit_expectation_notes(unit_ids) -> dict[int, UnitNote]:
    """Open residents' expectations per unit, for the workforce needs map and unit page."""
    expectations = open_expectations_by_unit(unit_ids)
    units = Unit.objects.in_bulk(list(expectations))
    notes = {}
    for unit_id, found in expectations.items():
        unit = units[unit_id]
        query = f"?sector={unit.sector_id}&kelurahan={unit.kelurahan_id}"
        notes[unit_id] = UnitNote(
            count=found.count,
            label=ngettext(
                "%(count)s open residents' expectation",
                "%(count)s open residents' expectations",
                found.count,
            )
            % {"count": found.count},
            url=reverse("forums:topic_list") + query,
            items=[
                (title, reverse("forums:topic_detail", args=[pk]))
                for title, pk in zip(found.themes, found.topic_ids, strict=False)
            ],
        )
    return notes
