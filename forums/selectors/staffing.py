"""What residents expect, per unit and per sector, for the workforce needs map: the number of open
expectations (public topics not yet acted upon) and their main themes (the titles of the most
supported ones). One query each; workforce calls these, forums never imports workforce views."""

from dataclasses import dataclass, field

from forums.models import Topic, Visibility

OPEN_STATUSES = (Topic.Status.RECEIVED, Topic.Status.UNDER_REVIEW, Topic.Status.ANSWERED)
THEMES = 3


@dataclass
class Expectations:
    count: int = 0
    supports: int = 0
    themes: list[str] = field(default_factory=list)
    topic_ids: list[int] = field(default_factory=list)


def _open_topics():
    return Topic.objects.filter(visibility=Visibility.PUBLIC, status__in=OPEN_STATUSES).order_by(
        "-support_count", "-created_at", "-pk"
    )


def _group(rows) -> dict[int, Expectations]:
    result: dict[int, Expectations] = {}
    for key, pk, title, supports in rows:
        entry = result.setdefault(key, Expectations())
        entry.count += 1
        entry.supports += supports
        if len(entry.themes) < THEMES:
            entry.themes.append(title)
            entry.topic_ids.append(pk)
    return result


def open_expectations_by_unit(unit_ids) -> dict[int, Expectations]:
    """{unit id: Expectations} for the units given; units without open topics are left out."""
    rows = (
        _open_topics()
        .filter(unit_id__in=list(unit_ids))
        .values_list("unit_id", "pk", "title", "support_count")
    )
    return _group(rows)


def open_expectations_by_sector() -> dict[int, Expectations]:
    """{sector id: Expectations} over all open public topics."""
    return _group(_open_topics().values_list("sector_id", "pk", "title", "support_count"))
