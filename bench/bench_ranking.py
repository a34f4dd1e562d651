"""The ranking of a CPNS period with 50,000 applications across 200 formations (issue: scores
and ranking). Target: `rank_period` under 5 s on PostgreSQL on the 2-core CI machine.

Cases, in the same run:
- floor: a plain SELECT of the same 50,000 result rows (the least any ranking must read);
- re-rank: `rank_period` when nothing changed (reads, ranks, writes every row, no decision);
- first rank: `rank_period` after the codes were cleared (outside the timing), so every final
  code changes and 50,000 decisions are written: the worst case.
"""

import statistics
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.common import machine, measure, write
from rakumpit_asn.management import scale
from recruitment.models import Application, ExamResult, Formation, SelectionPeriod
from recruitment.services.ranking import rank_period

APPLICATIONS = 50_000
FORMATIONS = 200
NAME = "Bench ranking CPNS"


def _seed() -> SelectionPeriod:
    period, _built = scale.recruitment_period(
        name=NAME,
        year=2031,
        code="B31",
        formations=FORMATIONS,
        applications=APPLICATIONS,
        exam_results=True,
    )
    return period


def _first_rank(period, repeat: int) -> dict:
    samples, queries_per_run = [], 0
    for _ in range(repeat):
        ExamResult.objects.filter(application__period=period).update(final_code="")
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            rank_period(period=period)
            samples.append((time.perf_counter() - start) * 1000)
        queries_per_run = len(queries.captured_queries)
    return {
        "median_ms": round(statistics.median(samples), 2),
        "min_ms": round(min(samples), 2),
        "runs": repeat,
        "queries_per_run": queries_per_run,
    }


def run() -> None:
    print("Seeding the ranking data (once)...")
    period = _seed()
    counts = {
        "applications": Application.objects.filter(period=period).count(),
        "formations": Formation.objects.filter(period=period).count(),
    }

    def floor():
        list(
            ExamResult.objects.filter(application__period=period).values_list(
                "pk", "twk", "tiu", "tkp", "skb"
            )
        )

    def rerank():
        rank_period(period=period)

    results = {
        "floor (SELECT of the same rows)": measure(floor, repeat=7),
        "rank_period, nothing changed": measure(rerank, repeat=5, warmup=1),
        "rank_period, every code new (50k decisions)": _first_rank(period, repeat=3),
    }
    base = results["floor (SELECT of the same rows)"]["median_ms"]
    lines = [
        "# Ranking benchmark",
        "",
        f"Data: {counts}. Machine: {machine()}.",
        "",
        "| case | median s | queries | ratio to floor |",
        "|---|---:|---:|---:|",
    ]
    for name, r in results.items():
        ratio = r["median_ms"] / base if base else 0
        lines.append(
            f"| {name} | {r['median_ms'] / 1000:.2f} | {r['queries_per_run']} | {ratio:.1f}× |"
        )
    payload = {"data": counts, "machine": machine(), "results": results}
    write("ranking", payload, "\n".join(lines) + "\n")
