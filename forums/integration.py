"""What the forums tell other apps (registered in ForumsConfig.ready), and what other apps tell
the forums: the apps above (recruitment) register here, so forums never imports them."""

from collections.abc import Callable, Iterable

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


# What a discussion outcome went on to inform elsewhere (recruitment: the formations whose
# criteria it shaped): {outcome id: [(text, url)]}, one query per provider.
OutcomeLinkProvider = Callable[[list[int]], dict[int, list[tuple[str, str]]]]
_outcome_links: list[OutcomeLinkProvider] = []


def register_outcome_links(provider: OutcomeLinkProvider) -> None:
    if provider not in _outcome_links:
        _outcome_links.append(provider)


def outcome_links(outcome_ids: Iterable[int]) -> dict[int, list[tuple[str, str]]]:
    """{outcome id: links from every registered provider}, for a session page."""
    ids = list(outcome_ids)
    links: dict[int, list[tuple[str, str]]] = {}
    if not ids:
        return links
    for provider in _outcome_links:
        for outcome_id, found in provider(ids).items():
            links.setdefault(outcome_id, []).extend(found)
    return links
