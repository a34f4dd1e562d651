"""Shared helpers: timing with a median, a floor measured in the same run, and result files."""

import json
import platform
import statistics
import time
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext

RESULTS = Path(__file__).resolve().parent / "results"


def measure(fn, *, repeat: int, warmup: int = 2) -> dict:
    for _ in range(warmup):
        fn()
    samples = []
    # Django keeps the last 9,000 queries of a connection: once full, a capture sees none.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        for _ in range(repeat):
            start = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - start) * 1000)
    return {
        "median_ms": round(statistics.median(samples), 2),
        "p90_ms": round(sorted(samples)[int(len(samples) * 0.9) - 1], 2),
        "min_ms": round(min(samples), 2),
        "runs": repeat,
        "queries_per_run": len(queries.captured_queries) // repeat,
    }


def machine() -> dict:
    import os

    return {
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "database": connection.vendor,
    }


def write(name: str, payload: dict, markdown: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(payload, indent=2, default=str) + "\n")
    (RESULTS / f"{name}.md").write_text(markdown)
    print(markdown)


def biggest_formation(period):
    """The period's formation with the most applications (its pages are the largest), with
    their number as `n`."""
    from django.db.models import Count

    from recruitment.models import Formation

    return (
        Formation.objects.filter(period=period)
        .annotate(n=Count("applications"))
        .order_by("-n", "pk")
        .first()
    )
