"""Shared by the builders: what a builder did, and batched bulk inserts with a progress bar."""

from __future__ import annotations

from dataclasses import dataclass, field

from tqdm import tqdm

BATCH = 5_000


@dataclass
class Built:
    """What a builder did: `created` is False when its data was already there."""

    name: str
    created: bool
    counts: dict[str, int] = field(default_factory=dict)


def _bar(total: int, desc: str, quiet: bool):
    return tqdm(total=total, desc=desc, unit="row", disable=quiet, leave=False)


def _bulk(model, rows, *, total: int, desc: str, quiet: bool, **options) -> list:
    """bulk_create in batches of BATCH with a progress bar; returns the created objects (with
    their primary keys on PostgreSQL)."""
    created, pending = [], []
    with _bar(total, desc, quiet) as progress:
        for row in rows:
            pending.append(row)
            if len(pending) >= BATCH:
                created += model.objects.bulk_create(pending, **options)
                progress.update(len(pending))
                pending = []
        if pending:
            created += model.objects.bulk_create(pending, **options)
            progress.update(len(pending))
    return created
