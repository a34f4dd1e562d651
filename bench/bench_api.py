"""The open data API (/api/v1/, issue 20) on the scale data, against the floor (/healthz).
Targets: each list endpoint's cached GETs at >= 80 % of the floor's req/s, its uncached p95 under
100 ms, and a number of queries that does not grow with the rows it shows.

Usage: make bench (bench/run.py runs every bench_*.py), or this one alone with the Makefile's
BENCH_ENV (PostgreSQL and Redis are needed):
  DATABASE_URL=postgres://.../rakumpit_bench REDIS_URL=redis://127.0.0.1:6379/4 DEBUG=false \
      ALLOWED_HOSTS=127.0.0.1 SECRET_KEY=... SECURE_SSL_REDIRECT=false CELERY_BROKER_URL= \
      .venv/bin/python bench/run.py bench_api
BENCH_API_SECONDS (default 10) sets the load per endpoint, BENCH_API_REPEAT (default 30) the
uncached runs; gunicorn listens on bench/load.py's port (BENCH_LOAD_PORT, 8765). About 4
minutes once seeded.

1. Data: seed_scale's (each part skipped when it is there), plus what the API shows and
   seed_scale does not make: an announced CPNS period (50,000 applications across 200
   formations, ranked, its final result published: the biggest announcement), two IKM survey
   rounds (20 respondents for each unit of the needs map, one unit in 50 under the small-cell
   threshold) and a year of passed training for the PNS employees (one in four below the
   year's minimum JP).
2. Queries (Django test client, anonymous, the answer computed: COMPUTED_CACHE_SECONDS=0) at
   page_size 10 and at 1000: the same count at both means no query per row. And once more with
   the cache on, warm: a cached answer should cost none.
3. Uncached latency: the same request BENCH_API_REPEAT times in-process (the whole request:
   middleware, rate limit, query, JSON) with COMPUTED_CACHE_SECONDS=0; p50 and p95, with the
   share of the time spent in SQL.
4. Cached throughput: gunicorn as bench/load.py runs it (2 x cores + 1 sync workers, DEBUG off,
   CONN_MAX_AGE=60, the Redis cache) with the rate limit lifted
   (OPEN_DATA_RATE_PER_MINUTE=1000000); locust (bench/locustfile.py) with 20 users and no pause
   for BENCH_API_SECONDS per endpoint, the floor first, each URL again and again without
   If-None-Match (a full 200 from the cache); req/s and the ratio to the floor's.
5. bench/results/api.md and api.json.
"""

import csv
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.common import machine, write
from bench.load import PORT, WORKERS, _gunicorn, _wait_for, _warm

HERE = Path(__file__).resolve().parent
SECONDS = int(os.environ.get("BENCH_API_SECONDS", "10"))
REPEAT = int(os.environ.get("BENCH_API_REPEAT", "30"))
USERS = 20
RATIO_TARGET = 0.80
P95_TARGET_MS = 100
RATE = "1000000"  # requests a minute: every locust user comes from 127.0.0.1
FLOOR = "floor (/healthz)"

API_PERIOD = "Bench API: seleksi CPNS diumumkan"
API_PERIOD_YEAR = 2033  # one application per applicant and year: a year no other bench uses
IKM_PREFIX = "Bench API IKM "
IKM_RESPONDENTS = 20
PROGRAMME = "Bench API: pelatihan teknis"


# --- data -------------------------------------------------------------------------------------


def _announced_period():
    """A published CPNS period at scale, ranked, with its final result announced."""
    from rakumpit_asn.management import scale
    from recruitment.models import Announcement, ExamResult, SelectionPeriod
    from recruitment.services.ranking import rank_period

    period, _built = scale.recruitment_period(
        name=API_PERIOD,
        year=API_PERIOD_YEAR,
        code=f"A{API_PERIOD_YEAR % 100:02d}",
        formations=200,
        applications=50_000,
        exam_results=True,
        quiet=True,
    )
    if not ExamResult.objects.filter(application__period=period, ranked_at__isnull=False).exists():
        rank_period(period=period)
    SelectionPeriod.objects.filter(pk=period.pk).update(is_published=True)
    announcement, _ = Announcement.objects.get_or_create(
        period=period, kind=Announcement.Kind.FINAL
    )
    return announcement


def _ikm() -> None:
    from forums.models import IkmPeriod, IkmResponse
    from rakumpit_asn.management import scale
    from workforce.models import Unit

    if IkmPeriod.objects.filter(name__startswith=IKM_PREFIX).exists():
        return
    year = timezone.localdate().year - 1
    rounds = [
        IkmPeriod.objects.create(name=f"{IKM_PREFIX}{year} {half}", starts_on=starts, ends_on=ends)
        for half, starts, ends in (
            ("I", date(year, 1, 1), date(year, 6, 30)),
            ("II", date(year, 7, 1), date(year, 12, 31)),
        )
    ]
    respondents = scale.applicants(count=IKM_RESPONDENTS, quiet=True)
    units = list(Unit.objects.filter(name__startswith=scale.NEEDS_PREFIX).order_by("pk"))
    rows = []
    for p, ikm_period in enumerate(rounds):
        for u, unit in enumerate(units):
            # One unit in 50 has fewer respondents than the small-cell threshold.
            count = 3 if u % 50 == 0 else IKM_RESPONDENTS
            for r, respondent in enumerate(respondents[:count]):
                scores = {f"u{i}": 1 + (u + r + i + p) % 4 for i in range(1, 10)}
                rows.append(
                    IkmResponse(unit=unit, period=ikm_period, respondent=respondent, **scores)
                )
    IkmResponse.objects.bulk_create(rows, batch_size=5000)


def _training() -> None:
    from accounts.models import User
    from training.models import Enrolment, Programme, Session
    from workforce.models import AsnType, Employee

    if Programme.objects.filter(name=PROGRAMME).exists():
        return
    year = timezone.localdate().year
    programme = Programme.objects.create(
        name=PROGRAMME,
        kind=Programme.Kind.TECHNICAL,
        jp=10,
        mode=Programme.Mode.CLASSICAL,
        provider="BKPSDM Kota Palangka Raya",
    )
    sessions = [
        Session.objects.create(
            programme=programme,
            title=f"Batch {n + 1}",
            starts_on=date(year, 1 + 3 * n, 10),
            ends_on=date(year, 1 + 3 * n, 12),
            trainer="Pelatih",
            capacity=1000,
            enrolment_opens_on=date(year, 1 + 3 * n, 1),
            enrolment_closes_on=date(year, 1 + 3 * n, 9),
        )
        for n in range(3)
    ]
    by = User.objects.order_by("pk").first()
    employees = Employee.objects.filter(status=Employee.Status.ACTIVE, asn_type=AsnType.PNS)
    rows = [
        Enrolment(
            session=session,
            employee_id=pk,
            status=Enrolment.Status.ENROLLED,
            result=Enrolment.Result.PASSED,
            requested_by=by,
        )
        # 0, 1, 2 or 3 sessions of 10 JP: one in four below the default 20 JP minimum.
        for n, pk in enumerate(employees.order_by("pk").values_list("pk", flat=True))
        for session in sessions[: n % 4]
    ]
    Enrolment.objects.bulk_create(rows, batch_size=5000)


def _seed():
    from django.core.management import call_command

    from core.pagecache import cached_apps, invalidate

    call_command("seed_scale", force=True, quiet=True)
    announcement = _announced_period()
    _ikm()
    _training()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # Bulk inserts send no model signal: move every cached answer on ourselves.
    invalidate(*cached_apps())
    return announcement


def _data(announcement) -> dict:
    from forums.models import IkmResponse, Topic
    from recruitment.models import ExamResult, Formation
    from training.models import Enrolment
    from workforce.models import Employee, Position

    return {
        "formations": Formation.objects.count(),
        "announced results": ExamResult.objects.filter(
            application__period=announcement.period, ranked_at__isnull=False
        ).count(),
        "positions": Position.objects.count(),
        "employees": Employee.objects.count(),
        "training enrolments": Enrolment.objects.count(),
        "IKM responses": IkmResponse.objects.count(),
        "topics": Topic.objects.count(),
    }


def _endpoints(announcement) -> list[dict]:
    slugs = [
        "periods",
        "formations",
        "recruitment-statistics",
        "announcements",
        "staffing",
        "training-compliance",
        "ikm",
        "forum-accountability",
        "forum-topics",
    ]
    endpoints = [{"name": FLOOR, "path": "/healthz", "floor": True}]
    endpoints += [{"name": slug, "path": f"/api/v1/{slug}/"} for slug in slugs]
    endpoints.append(
        {
            "name": "announcement-results (final)",
            "path": f"/api/v1/announcements/{announcement.pk}/results/",
        }
    )
    for e in endpoints:
        e.setdefault("floor", False)
        e["cookie"] = ""
    return endpoints


# --- in-process: queries and uncached latency -------------------------------------------------


_CLIENTS: list[Client] = []


def _client() -> Client:
    """One test client for every request: a new one builds the middleware chain again on its
    first request (WhiteNoise alone scans every static file, about 200 ms)."""
    if not _CLIENTS:
        _CLIENTS.append(Client(HTTP_HOST="127.0.0.1"))
    return _CLIENTS[0]


def _queries(path: str, page_size: int) -> list[dict]:
    with CaptureQueriesContext(connection) as queries:
        response = _client().get(path, {"page_size": page_size})
    if response.status_code != 200:
        raise RuntimeError(f"{path}: {response.status_code} {response.content[:300]!r}")
    return queries.captured_queries


def _in_process(endpoint: dict) -> dict:
    path = endpoint["path"]
    if endpoint["floor"]:
        with CaptureQueriesContext(connection) as queries:
            _client().get(path)
        captured = queries.captured_queries
        small = large = len(captured)
    else:
        with override_settings(COMPUTED_CACHE_SECONDS=0):
            small = len(_queries(path, 10))
            large = len(_queries(path, 1000))
            captured = _queries(path, 100)
    with override_settings(COMPUTED_CACHE_SECONDS=0):
        for _ in range(2):
            _client().get(path)
        samples, sql_ms = [], []
        connection.queries_log.clear()
        for _ in range(REPEAT):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = _client().get(path)
                samples.append((time.perf_counter() - start) * 1000)
            sql_ms.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
    # The cache on: the first request computes and keeps, the second is answered from the cache.
    _client().get(path)
    with CaptureQueriesContext(connection) as queries:
        cached = _client().get(path)
    ordered = sorted(samples)
    return {
        "status": response.status_code,
        "bytes": len(response.content),
        "rows": response.json().get("count") if not endpoint["floor"] else None,
        "queries": len(captured),
        "queries_page_size_10": small,
        "queries_page_size_1000": large,
        "queries_cached": len(queries.captured_queries),
        "cached_status": cached.status_code,
        "uncached_p50_ms": round(statistics.median(samples), 1),
        "uncached_p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1),
        "uncached_sql_ms": round(statistics.median(sql_ms), 1),
        "slowest_queries": [
            {"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"][:400]}
            for q in sorted(captured, key=lambda q: -float(q["time"]))[:2]
        ],
    }


# --- through gunicorn: cached throughput ------------------------------------------------------


def _locust(base: str, endpoint: dict, folder: Path, index: int) -> dict:
    prefix = folder / f"api{index:02d}"
    env = {
        **os.environ,
        "BENCH_PATH": endpoint["path"],
        "BENCH_COOKIE": "",
        "BENCH_NAME": endpoint["name"],
        "BENCH_PACING": "0",
        "BENCH_PATHS": "",
    }
    with open(f"{prefix}.log", "w") as out:
        subprocess.run(
            [
                str(Path(sys.executable).parent / "locust"),
                *("-f", str(HERE / "locustfile.py"), "--headless"),
                *("--users", str(USERS), "--spawn-rate", str(USERS)),
                *("--run-time", f"{SECONDS}s", "--host", base, "--csv", str(prefix)),
                *("--only-summary", "--reset-stats", "--exit-code-on-error", "0"),
            ],
            env=env,
            check=True,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    with open(f"{prefix}_stats.csv", newline="") as f:
        row = next(r for r in csv.DictReader(f) if r["Name"] == "Aggregated")

    def ms(column):
        return float(row[column]) if row[column] not in ("", "N/A") else float("inf")

    return {
        "requests": int(row["Request Count"]),
        "errors": int(row["Failure Count"]),
        "rps": round(float(row["Requests/s"]), 1),
        "p50_ms": ms("50%"),
        "p95_ms": ms("95%"),
    }


def _load(endpoints: list[dict]) -> None:
    base = f"http://127.0.0.1:{PORT}"
    env = {
        **os.environ,
        "OPEN_DATA_RATE_PER_MINUTE": RATE,
        "COMPUTED_CACHE_SECONDS": os.environ.get("COMPUTED_CACHE_SECONDS") or "300",
    }
    connection.close()  # gunicorn's workers get their own connections
    server = _gunicorn(env)
    try:
        _wait_for(base + "/healthz")
        for e in endpoints:
            _warm(base, e, 2 * WORKERS)
        with tempfile.TemporaryDirectory() as folder:
            for i, e in enumerate(endpoints):
                e["load"] = _locust(base, e, Path(folder), i)
                print(f"cached load {e['name']}: {e['load']}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


# --- report -----------------------------------------------------------------------------------


def _verdict(e: dict) -> str:
    problems = []
    if e["load"]["errors"] or e["status"] != 200:
        problems.append("errors")
    if e["ratio_to_floor"] < RATIO_TARGET:
        problems.append(f"cached < {RATIO_TARGET:.0%} of floor")
    if e["uncached_p95_ms"] >= P95_TARGET_MS:
        problems.append(f"uncached p95 ≥ {P95_TARGET_MS} ms")
    if e["queries_page_size_10"] != e["queries_page_size_1000"]:
        problems.append("queries grow with the rows")
    if e["queries_cached"]:
        problems.append("cached answer queries")
    return "not met: " + ", ".join(problems) if problems else "met"


def _markdown(meta: dict, endpoints: list[dict]) -> str:
    lines = [
        "# Open data API (/api/v1/)",
        "",
        f"Machine: {meta['machine']}. gunicorn {meta['workers']} sync workers, DEBUG off, Redis "
        f"cache, OPEN_DATA_RATE_PER_MINUTE={RATE}; locust {USERS} users with no pause, "
        f"{meta['seconds']} s per endpoint, the same URL again and again (cached: a full 200 "
        f"from the cache, no If-None-Match). Uncached: {meta['repeat']} requests in-process "
        "(Django test client, COMPUTED_CACHE_SECONDS=0), one at a time.",
        "",
        f"Data: {', '.join(f'{v:,} {k}' for k, v in meta['data'].items())}.",
        "",
        f"Targets: cached req/s ≥ {RATIO_TARGET:.0%} of the floor's; uncached p95 < "
        f"{P95_TARGET_MS} ms; the same queries at page_size 10 and 1000; none for a cached "
        "answer. Default page (100 rows).",
        "",
        "| endpoint | rows | bytes | cached req/s | cached p95 ms | ratio to floor "
        "| uncached p50 ms | uncached p95 ms | of it SQL ms | queries (10 / 1000 rows) "
        "| cached queries | target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|",
    ]
    for e in endpoints:
        load = e["load"]
        rows = f"{e['rows']:,}" if e["rows"] is not None else ""
        lines.append(
            f"| {e['name']} | {rows} | {e['bytes']:,} | {load['rps']} | {load['p95_ms']:.0f} "
            f"| {e['ratio_to_floor']:.2f} | {e['uncached_p50_ms']} | {e['uncached_p95_ms']} "
            f"| {e['uncached_sql_ms']} | {e['queries']} ({e['queries_page_size_10']} / "
            f"{e['queries_page_size_1000']}) | {e['queries_cached']} "
            f"| {e.get('verdict', '')} |"
        )
    lines += ["", "## Slowest query of each endpoint (uncached, one request)", ""]
    for e in endpoints[1:]:
        top = e["slowest_queries"][0] if e["slowest_queries"] else None
        if top:
            lines.append(f"- {e['name']}: {top['ms']} ms, `{top['sql'][:220]}…`")
    lines.append("")
    return "\n".join(lines)


def run() -> None:
    if connection.vendor != "postgresql" or not settings.CACHES["default"]["BACKEND"].endswith(
        "RedisCache"
    ):
        raise SystemExit("bench_api needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL).")
    announcement = _seed()
    data = _data(announcement)
    endpoints = _endpoints(announcement)
    with override_settings(OPEN_DATA_RATE_PER_MINUTE=int(RATE)):
        for e in endpoints:
            e.update(_in_process(e))
            print(
                f"in-process {e['name']}: {e['queries']} queries, "
                f"uncached p95 {e['uncached_p95_ms']} ms"
            )
    _load(endpoints)
    floor_rps = endpoints[0]["load"]["rps"]
    for e in endpoints:
        e["ratio_to_floor"] = round(e["load"]["rps"] / floor_rps, 3) if floor_rps else 0
        if not e["floor"]:
            e["verdict"] = _verdict(e)
    meta = {
        "machine": machine(),
        "workers": WORKERS,
        "users": USERS,
        "seconds": SECONDS,
        "repeat": REPEAT,
        "data": data,
        "targets": {"ratio_to_floor": RATIO_TARGET, "uncached_p95_ms": P95_TARGET_MS},
    }
    results = [{k: v for k, v in e.items() if k != "cookie"} for e in endpoints]
    write("api", {**meta, "endpoints": results}, _markdown(meta, endpoints))


if __name__ == "__main__":
    sys.exit(subprocess.call([sys.executable, str(HERE / "run.py"), "bench_api"], cwd=HERE.parent))
