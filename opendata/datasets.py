"""The open datasets: what each one holds, its fields and filters, and how its rows are read.

One definition per dataset serves the API (/api/v1/<slug>/), the downloads (/data/<slug>.csv and
.json), the catalogue page and its DCAT metadata, and the OpenAPI schema, so they cannot drift
apart. The rows come from the domain apps' own selectors where one exists (the public pages read
the same ones) and from opendata.selectors otherwise.

No personal data, by construction (docs/opendata.md): a dataset's rows are aggregates or what a
public page already shows (anonymised results by registration number); no row carries a name,
NIK, NIP, e-mail address, birth date or a link to an account; and every count of persons is
passed through `small_cells` before it leaves.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # string, integer, number, boolean, date, date-time, array
    description: str
    nullable: bool = False


@dataclass(frozen=True)
class Filter:
    name: str
    type: str  # integer, code (a slug), choice
    description: str
    choices: tuple[str, ...] = ()
    required: bool = False
    maximum: int = 999_999_999  # the largest whole number an integer filter takes


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    description: str
    fields: tuple[Field, ...]
    filters: tuple[Filter, ...]
    # The apps whose changes change the rows: their page-cache generations key the cached
    # answers, the ETag and the Last-Modified time.
    apps: tuple[str, ...]
    rows: Callable  # rows(filters: dict) -> list[dict] | LazyRows
    keywords: tuple[str, ...] = ()
    # The public page that shows the same figures (a URL name), linked from the catalogue.
    page: str = ""
    # Which of the fields count persons (small_cells suppresses them); "suppressed" says so.
    person_counts: tuple[str, ...] = ()

    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]


@dataclass
class LazyRows:
    """Rows read a page at a time from a queryset: `to_row` turns one object into a row. The
    API counts and slices in the database; a download reads them in chunks."""

    queryset: object
    to_row: Callable
    prefetch: Callable | None = None  # prefetch(objects) before to_row, for the page's objects

    def count(self) -> int:
        return self.queryset.count()

    def slice(self, start: int, stop: int) -> list[dict]:
        objects = list(self.queryset[start:stop])
        if self.prefetch is not None:
            self.prefetch(objects)
        return [self.to_row(o) for o in objects]

    def iterate(self, chunk: int = 2000):
        start = 0
        while True:
            rows = self.slice(start, start + chunk)
            yield from rows
            if len(rows) < chunk:
                return
            start += chunk


def min_cell() -> int:
    return settings.OPEN_DATA_MIN_CELL


def small_cells(row: dict, counts: tuple[str, ...], *, derived: dict | None = None) -> dict:
    """The small-cell rule: a count of persons from 1 to OPEN_DATA_MIN_CELL - 1 could point to a
    person (a unit with one employee, one retiring), so it is replaced by null, and so is every
    value derived from it (`derived`: count -> the fields computed from it, e.g. the gap from the
    current staff). Zero stays: it points to nobody. `suppressed` says whether any was."""
    threshold = min_cell()
    hidden = set()
    for name in counts:
        value = row.get(name)
        if value is not None and 0 < value < threshold:
            hidden.add(name)
            hidden.update((derived or {}).get(name, ()))
    for name in hidden:
        row[name] = None
    row["suppressed"] = bool(hidden)
    return row


def _hide(row: dict, name: str, derived: dict) -> None:
    row[name] = None
    for other in derived.get(name, ()):
        row[other] = None
    row["suppressed"] = True


def complementary(groups, counts: tuple[str, ...], *, derived: dict | None = None) -> None:
    """The second half of the small-cell rule: a hidden count must not come back by
    subtraction. Each group is a set of rows that add up to a total someone can read (a sector's
    units add up to the sector's row; the sectors, or the kelurahan, to the whole district).
    Where exactly one row of a group hides a count, the smallest other one above zero is hidden
    too (its derived figures with it), until no group has a lone hidden count."""
    derived = derived or {}
    changed = True
    while changed:
        changed = False
        for group in groups:
            for name in counts:
                hidden = [row for row in group if row.get(name) is None]
                shown = [row for row in group if row.get(name) is not None]
                if len(hidden) == 1 and shown:
                    # The smallest count above zero: a hidden zero would narrow the hidden
                    # count to a range from zero, a hidden positive one widens it.
                    smallest = min(
                        shown, key=lambda row: (row[name] == 0, row[name], str(row.get("name")))
                    )
                    _hide(smallest, name, derived)
                    changed = True


SUPPRESSED = Field(
    "suppressed",
    "boolean",
    _("True when a count of fewer than the threshold of persons was left out (null)."),
)

_registry: dict[str, Dataset] = {}


def register_all(datasets) -> None:
    """The catalogue's datasets, in its order (OpendataConfig.ready())."""
    for dataset in datasets:
        if dataset.slug in _registry and _registry[dataset.slug] is not dataset:
            raise ValueError(f"dataset {dataset.slug} registered twice")
        _registry[dataset.slug] = dataset


def all_datasets() -> list[Dataset]:
    return list(_registry.values())


def get(slug: str) -> Dataset | None:
    return _registry.get(slug)


__all__ = [
    "SUPPRESSED",
    "Dataset",
    "Field",
    "Filter",
    "LazyRows",
    "all_datasets",
    "complementary",
    "get",
    "register_all",
    "small_cells",
]
