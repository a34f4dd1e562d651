"""Extension points. Apps that build on workforce (the forums, for residents' expectations) add
what they know about units here, so workforce pages can show it without importing them:
dependencies keep pointing one way."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass
class UnitNote:
    """Something another app knows about a unit, ready to show: a count, a label, a link, and a
    few linked items (e.g. the most supported residents' topics)."""

    count: int
    label: str
    url: str
    items: list[tuple[str, str]] = field(default_factory=list)  # (text, url)


UnitNoteProvider = Callable[[Iterable[int]], dict[int, UnitNote]]
_providers: list[UnitNoteProvider] = []


def register_unit_notes(provider: UnitNoteProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def unit_notes(unit_ids: Iterable[int]) -> dict[int, list[UnitNote]]:
    """{unit id: notes from every registered provider}; one call per provider."""
    ids = list(unit_ids)
    notes: dict[int, list[UnitNote]] = {}
    for provider in _providers:
        for unit_id, note in provider(ids).items():
            notes.setdefault(unit_id, []).append(note)
    return notes


# Places still open in running selections, per position (recruitment: formation quotas minus
# the appointments made), with the page-cache generations that move them on.
PlacesProvider = Callable[[Iterable[int]], dict[int, int]]
_places: list[tuple[PlacesProvider, tuple[str, ...]]] = []


def register_places_in_selection(provider: PlacesProvider, *, generations: tuple[str, ...]):
    if all(provider is not known for known, _labels in _places):
        _places.append((provider, tuple(generations)))


def places_in_selection(position_ids: Iterable[int]) -> dict[int, int]:
    """{position id: places open in selections}, summed over the providers; one call each."""
    ids = list(position_ids)
    places: dict[int, int] = {}
    for provider, _labels in _places:
        for position_id, count in provider(ids).items():
            places[position_id] = places.get(position_id, 0) + count
    return places


def places_generations() -> tuple[str, ...]:
    """The page-cache generations a page showing places_in_selection must also follow."""
    return tuple(label for _provider, labels in _places for label in labels)
