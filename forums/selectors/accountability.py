"""The public accountability page: topics by status, and the median time to the first official
answer, per sector. Counted in Python from two small queries, so it reads the same on SQLite and
PostgreSQL."""

import statistics
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Q

from forums.models import Topic, Visibility
from workforce.models import Sector


@dataclass
class SectorAccount:
    sector: Sector
    by_status: dict[str, int] = field(default_factory=dict)
    total: int = 0
    answered: int = 0
    median_to_answer: timedelta | None = None

    @property
    def status_counts(self) -> list[tuple[str, int]]:
        """(label, count) of the statuses with topics, for the phone's one-line summary."""
        return [(Topic.Status(status).label, n) for status, n in self.by_status.items() if n]

    @property
    def median_days(self) -> float | None:
        if self.median_to_answer is None:
            return None
        return round(self.median_to_answer.total_seconds() / 86400, 1)


def accountability_by_sector() -> list[SectorAccount]:
    counts = {
        f"n_{status}": Count("forum_topics", filter=Q(forum_topics__status=status))
        for status in Topic.Status.values
    }
    sectors = Sector.objects.filter(
        forum_topics__visibility__in=[Visibility.PUBLIC, Visibility.HIDDEN]
    ).annotate(**counts)
    accounts = {}
    for sector in sectors.order_by("order", "name"):
        by_status = {status: getattr(sector, f"n_{status}") for status in Topic.Status.values}
        accounts[sector.pk] = SectorAccount(
            sector=sector, by_status=by_status, total=sum(by_status.values())
        )
    waits: dict[int, list[timedelta]] = {}
    answered = Topic.objects.filter(first_answer_at__isnull=False).exclude(
        visibility=Visibility.GRIEVANCE
    )
    for sector_id, created, answered_at in answered.values_list(
        "sector_id", "created_at", "first_answer_at"
    ):
        waits.setdefault(sector_id, []).append(answered_at - created)
    for sector_id, durations in waits.items():
        if sector_id in accounts:
            accounts[sector_id].answered = len(durations)
            accounts[sector_id].median_to_answer = statistics.median(sorted(durations))
    return list(accounts.values())
