"""The "Today" page: what waits for a signed-in member of staff (or an employee, or a
supervisor), gathered from every app that has work for them.

Each app registers its sections from its AppConfig.ready() (`register`), naming the roles that
see them and a provider: a function of the user returning the `Task`s that wait for that person
right now. The accounts app holds the registry because it knows the roles; like the navigation
it names no other app. A provider must run a fixed number of queries whatever the amount of
data (the page's query count is tested at two sizes): aggregate, do not loop over rows. It
returns every task (bounded by PROVIDER_CAP rows, a safety net); the page shows the first
SHOWN_LIMIT and counts the rest ("and 12 more", linking to the section's own list).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from accounts.roles import has_role


@dataclass(frozen=True)
class Task:
    """One line of a section: "12 applications to screen — Analis SDM", with its link."""

    label: str
    url: str
    count: int | None = None
    # When it is due (an aware datetime, shown in WIB) and since when it has waited.
    due: datetime | None = None
    waiting_since: datetime | None = None
    detail: str = ""

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < timezone.now()


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    roles: tuple
    provider: object  # callable(user) -> list[Task]
    # Said when nothing waits ("No applications wait for screening.").
    empty: str
    # A link to the whole list ("All screening"), shown beside the title.
    more_url_name: str = ""
    more_label: str = ""
    order: int = 100
    # A secondary section (my drafts) is left out when nothing waits in it.
    hide_when_empty: bool = False

    def visible_to(self, user) -> bool:
        return has_role(user, *self.roles)


# Lines one section shows; the rest are counted and reached through the section's own list.
SHOWN_LIMIT = 8
# The most rows a provider reads for one section.
PROVIDER_CAP = 200


@dataclass
class Shown:
    section: Section
    tasks: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(task.count if task.count is not None else 1 for task in self.tasks)

    @property
    def first(self) -> list:
        return self.tasks[:SHOWN_LIMIT]

    @property
    def more(self) -> int:
        return max(0, len(self.tasks) - SHOWN_LIMIT)


_sections: list[Section] = []


def register(*sections: Section) -> None:
    for section in sections:
        if all(existing.key != section.key for existing in _sections):
            _sections.append(section)
    _sections.sort(key=lambda item: (item.order, item.key))


def sections() -> tuple[Section, ...]:
    return tuple(_sections)


def sections_for(user) -> tuple[Section, ...]:
    return tuple(section for section in _sections if section.visible_to(user))


def has_today(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(sections_for(user))


def today_for(user) -> list[Shown]:
    """Every section this person may see, each with what waits in it now; the sections with
    work first."""
    shown = [Shown(section, list(section.provider(user))) for section in sections_for(user)]
    shown = [item for item in shown if item.tasks or not item.section.hide_when_empty]
    # What waits first (in the registered order), the sections with nothing in them after: on a
    # phone the empty ones would push the work below the fold.
    return sorted(shown, key=lambda item: not item.tasks)
