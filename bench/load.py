"""Load test: gunicorn with production-like settings on the scaled data, driven by locust.

Usage: make bench (after the in-process benchmarks) or make bench-load (this alone). It uses
DATABASE_URL (the Makefile points it at rakumpit_bench) with DEBUG off.

1. `manage.py seed_scale --force` (skipped part by part when the data is there).
2. Benchmark users and their session cookies, made here as a sign-in would make them: an
   applicant, and an HR officer with a TOTP authenticator whose session has recorded both the
   password and the TOTP step (the staff two-factor rule, accounts.middleware).
3. Once per endpoint, in-process with Django's test client: status, queries per request, the
   response size, and each query's time (the two slowest get EXPLAIN (ANALYZE, BUFFERS)).
4. gunicorn on 127.0.0.1 (2 x cores + 1 sync workers, CONN_MAX_AGE=60, cached templates since
   DEBUG is off) and, from a separate process, locust: 20 users for BENCH_LOAD_SECONDS (default
   20) per endpoint, one endpoint at a time. The floor (GET /healthz) and the public pages run
   with no pause between requests: their target is throughput, a ratio to the floor's req/s.
   The signed-in pages run twice: 20 users who each pause 0.5 to 1.5 s between pages (their
   latency target: 20 people at work at once, each faster than anyone reads), then with no
   pause (their capacity: req/s and latency with 20 requests always in flight, a queue in
   which even the floor waits about 100 ms on two cores). The applicant's status page runs
   twice too: repeated (what a refreshing applicant gets, from the cache) and "uncached", an
   HR session reading another of UNCACHED_PAGES applications on each request (what a page
   costs right after its applicant's own upload moved its generation on).
5. The public pages again with the public page cache switched off (a second gunicorn with
   PUBLIC_PAGE_CACHE_SECONDS=0; the computed-value cache, COMPUTED_CACHE_SECONDS, stays as it
   is: it keeps values, not pages, and the public pages read none of it): the floor and every
   public page, each as a ratio to this run's floor (measured before the first page and after
   each one: each page against the mean of the two around it). Target: the same half of the
   floor (the page cache accelerates the public pages, it does not carry them). In-process
   too: the median of UNCACHED_REPEAT requests, each rendered afresh.
6. bench/results/load.md and load.json.

/healthz is the floor: a `never_cache` JSON view through the whole middleware stack whose only
work is one `SELECT 1` on the (persistent) connection; the bench runs without REDIS_URL or a
broker, so it checks nothing else.
"""

import csv
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rakumpit_asn.settings")

PORT = int(os.environ.get("BENCH_LOAD_PORT", "8765"))
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "20"))
USERS = int(os.environ.get("BENCH_LOAD_USERS", "20"))
WORKERS = 2 * (os.cpu_count() or 1) + 1
FLOOR = "floor (/healthz)"
PUBLIC_TARGET = 0.5  # public pages: at least half the floor's req/s
P95_TARGET_MS = 150  # logged-in pages, at USERS concurrent users who pause PACING_S between pages
PACING_S = 1.0  # on average: 0.5 to 1.5 s at random (bench/locustfile.py)
FIRST_LOAD_KB = 100  # a public page's first load, compressed, with its CSS, JS and images
UNCACHED_PAGES = 5000  # application pages read at random, so that nearly every read is a miss
LATER_VIEW_KB = 30  # a later view: the HTML only (static files are cached under hashed names)
UNCACHED_REPEAT = 7  # in-process requests per public page with the page cache off (median)


def _session_cookie(user) -> str:
    from django.conf import settings

    from rakumpit_asn.management import scale

    return f"{settings.SESSION_COOKIE_NAME}={scale.session_key_for(user)}"


def _endpoints() -> list[dict]:
    """(name, path, cookie, public?) for every endpoint, on the data seed_scale made."""

    from accounts.models import User
    from accounts.roles import Role
    from accounts.services import user_assign_roles
    from bench.common import biggest_formation
    from forums.models import Topic
    from rakumpit_asn.management import scale
    from rakumpit_asn.management.commands.seed_scale import SCALE_PERIOD
    from recruitment.models import Application, SelectionPeriod
    from workforce.models import Sector

    period = SelectionPeriod.objects.get(name=SCALE_PERIOD)
    formation = biggest_formation(period)
    sector = Sector.objects.filter(units__positions__formations__period=period).first()
    topic = (
        Topic.objects.filter(title__startswith=scale.FORUM_PREFIX, comment_count__gte=10)
        .order_by("comment_count", "pk")
        .first()
    )
    applicant = User.objects.get(email=scale.APPLICANT_EMAIL.format(n=1))
    user_assign_roles(user=applicant, roles=[Role.APPLICANT])
    application = Application.objects.get(applicant=applicant, period=period)
    hr, _ = User.objects.get_or_create(
        email="bench-load-hr@example.org", defaults={"full_name": "HR Bench"}
    )
    user_assign_roles(user=hr, roles=[Role.HR])
    checkpoint = scale.cycle_checkpoint(period.year - 1)
    applicant_cookie = _session_cookie(applicant)
    hr_cookie = _session_cookie(hr)
    public = [
        (FLOOR, "/healthz"),
        ("home", "/"),
        (
            "vacancy list, filtered",
            f"/recruitment/vacancies/?period={period.pk}&sector={sector.pk}&education_level=S1",
        ),
        ("vacancy page", formation.get_absolute_url()),
        ("public statistics", "/recruitment/statistics/"),
        ("forum list", "/forums/"),
        (f"topic page ({topic.comment_count} comments)", topic.get_absolute_url()),
    ]
    # Application pages seen once each: at the deadline an applicant's own upload or
    # finalisation moves their page's generation on, so the next view renders it afresh. HR may
    # read every application; each request reads another one of UNCACHED_PAGES.
    others = Application.objects.filter(period=period).exclude(pk=application.pk).order_by("?")
    others = [a.get_absolute_url() for a in others.only("pk")[:UNCACHED_PAGES]]
    signed_in = [
        ("applicant: application status", application.get_absolute_url(), applicant_cookie),
        (
            f"application page, uncached (another of {len(others):,} each request)",
            others,
            hr_cookie,
        ),
        (
            f"HR: application list ({formation.n} applications)",
            f"/recruitment/hr/formations/{formation.pk}/applications/",
            hr_cookie,
        ),
        ("HR: needs map", f"/workforce/needs/?year={period.year}", hr_cookie),
        (
            "HR: review dashboard",
            f"/performance/dashboard/?checkpoint={checkpoint.pk}",
            hr_cookie,
        ),
    ]
    return [{"name": n, "path": p, "cookie": "", "public": True} for n, p in public] + [
        {"name": n, "path": p, "cookie": c, "public": False}
        if isinstance(p, str)
        else {"name": n, "path": p[0], "paths": p, "cookie": c, "public": False}
        for n, p, c in signed_in
    ]


def _in_process(endpoint: dict) -> dict:
    """One warm request, then one measured: status, queries, bytes, and the queries' SQL."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", HTTP_COOKIE=endpoint["cookie"])
    client.get(endpoint["path"])
    # A page seen once (`paths`): measured on another path than the warm one, not from the cache.
    measured = endpoint["paths"][-1] if endpoint.get("paths") else endpoint["path"]
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get(measured)
        elapsed = (time.perf_counter() - start) * 1000
    return {
        "status": response.status_code,
        "queries": len(queries.captured_queries),
        "bytes": len(response.content),
        "in_process_ms": round(elapsed, 1),
        "sql": [(float(q["time"]), q["sql"]) for q in queries.captured_queries],
        "slowest_queries": [
            {"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"][:600]}
            for q in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]
        ],
    }


def _in_process_uncached(endpoint: dict) -> dict:
    """A public page rendered afresh (PUBLIC_PAGE_CACHE_SECONDS=0): queries and the median of
    UNCACHED_REPEAT requests after one warm request."""
    import statistics

    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    samples = []
    with override_settings(PUBLIC_PAGE_CACHE_SECONDS=0):
        client.get(endpoint["path"])
        for _ in range(UNCACHED_REPEAT):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(endpoint["path"])
                samples.append((time.perf_counter() - start) * 1000)
    return {
        "status": response.status_code,
        "queries": len(queries.captured_queries),
        "bytes": len(response.content),
        "in_process_ms": round(statistics.median(samples), 1),
    }


def _explain(sql: str) -> str:
    from django.db import connection

    # A server-side cursor (QuerySet.iterator) shows as DECLARE ... FOR SELECT: explain the SELECT.
    sql = re.sub(r'^DECLARE "[^"]+" NO SCROLL CURSOR WITH(OUT)? HOLD FOR ', "", sql)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def _wait_for(url: str, timeout: float = 180) -> None:
    # A worker's first request imports what the URLs need: tens of seconds on a busy machine.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            wait = max(1, deadline - time.monotonic())
            with urllib.request.urlopen(url, timeout=wait) as response:  # noqa: S310 (our own)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer {url} within {timeout} s")


def _warm(base: str, endpoint: dict, count: int) -> None:
    """Every worker renders each page a few times before timing (template and URL caches)."""
    request = urllib.request.Request(  # noqa: S310 (our own server)
        base + endpoint["path"], headers={"Cookie": endpoint["cookie"]}
    )
    for _ in range(count):
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (our own)
            response.read()


def _locust(base: str, endpoint: dict, folder: Path, index: int, pacing: float = 0) -> dict:
    prefix = folder / f"e{index:02d}-{pacing:g}"
    paths = ""
    if endpoint.get("paths"):
        paths = str(folder / f"e{index:02d}-paths.txt")
        Path(paths).write_text("\n".join(endpoint["paths"]) + "\n")
    env = {
        **os.environ,
        "BENCH_PATH": endpoint["path"],
        "BENCH_COOKIE": endpoint["cookie"],
        "BENCH_NAME": endpoint["name"],
        "BENCH_PACING": str(pacing),
        "BENCH_PATHS": paths,
    }
    log = folder / f"e{index:02d}-{pacing:g}.log"
    with open(log, "w") as out:
        subprocess.run(
            [
                str(Path(sys.executable).parent / "locust"),
                "-f",
                str(HERE / "locustfile.py"),
                "--headless",
                "--users",
                str(USERS),
                "--spawn-rate",
                str(USERS),
                "--run-time",
                f"{SECONDS}s",
                "--host",
                base,
                "--csv",
                str(prefix),
                "--only-summary",
                # Statistics from the moment every user is running: not the first second, in
                # which the users start one after another.
                "--reset-stats",
                "--exit-code-on-error",
                "0",
            ],
            env=env,
            check=True,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    with open(f"{prefix}_stats.csv", newline="") as f:
        row = next(r for r in csv.DictReader(f) if r["Name"] == "Aggregated")

    def ms(column):
        # "N/A" when no request finished in the time (a page slower than the run).
        return float(row[column]) if row[column] not in ("", "N/A") else float("inf")

    return {
        "requests": int(row["Request Count"]),
        "errors": int(row["Failure Count"]),
        "rps": round(float(row["Requests/s"]), 1),
        "p50_ms": ms("50%"),
        "p95_ms": ms("95%"),
        "p99_ms": ms("99%"),
        "avg_bytes": round(float(row["Average Content Size"])),
    }


def _gunicorn(base_env: dict, *, port: int = PORT, workers: int = WORKERS) -> subprocess.Popen:
    """gunicorn with the portal on 127.0.0.1:`port` (the main pool unless told; bench/
    concurrency.py starts the Procfile's web-public pool with it too)."""
    env = {**base_env, "CONN_MAX_AGE": base_env.get("CONN_MAX_AGE", "60")}
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "rakumpit_asn.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )


_ASSET = re.compile(r'(?:href|src)="(/static/[^"]+)"')


def _page_weight(base: str, path: str) -> dict:
    """What a phone downloads, compressed: the HTML gzipped as a front proxy would send it
    (level 6), plus every static file the page links (CSS, JS, images, fonts referenced in the
    HTML) as WhiteNoise serves it to a browser that accepts gzip. Static files have hashed names
    and far-future cache headers, so a later view costs the HTML only."""
    import gzip

    with urllib.request.urlopen(base + path, timeout=60) as response:  # noqa: S310 (our own)
        html = response.read()
    html_gz = len(gzip.compress(html, compresslevel=6))
    assets = 0
    urls = sorted(set(_ASSET.findall(html.decode("utf-8", "replace"))))
    for url in urls:
        request = urllib.request.Request(  # noqa: S310 (our own server)
            base + url, headers={"Accept-Encoding": "gzip"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (our own)
            assets += len(response.read())
    return {
        "html_gzip_kb": round(html_gz / 1024, 1),
        "assets": len(urls),
        "first_load_kb": round((html_gz + assets) / 1024, 1),
        "later_view_kb": round(html_gz / 1024, 1),
    }


def _verdict(endpoint: dict, floor_rps: float) -> str:
    load = endpoint["load"]
    problems = []
    if not load["requests"]:
        problems.append(f"no response finished within the {SECONDS} s run")
    if load["errors"] or endpoint.get("capacity", {}).get("errors") or endpoint["status"] != 200:
        problems.append("errors")
    if endpoint["public"] and endpoint["name"] != FLOOR and load["rps"] < PUBLIC_TARGET * floor_rps:
        problems.append(f"< {PUBLIC_TARGET:.0%} of floor")
    if not endpoint["public"] and load["requests"] and load["p95_ms"] >= P95_TARGET_MS:
        problems.append(f"p95 ≥ {P95_TARGET_MS} ms")
    weight = endpoint.get("weight")
    if weight and weight["first_load_kb"] > FIRST_LOAD_KB:
        problems.append(f"first load > {FIRST_LOAD_KB} KB")
    if weight and weight["later_view_kb"] > LATER_VIEW_KB:
        problems.append(f"later view > {LATER_VIEW_KB} KB")
    return "not met: " + ", ".join(problems) if problems else "met"


def _uncached_verdict(row: dict, floor_rps: float) -> str:
    load = row["load"]
    problems = []
    if not load["requests"]:
        problems.append(f"no response finished within the {SECONDS} s run")
    if load["errors"] or row["status"] != 200:
        problems.append("errors")
    if row["name"] != FLOOR and load["rps"] < PUBLIC_TARGET * floor_rps:
        problems.append(f"< {PUBLIC_TARGET:.0%} of floor")
    return "not met: " + ", ".join(problems) if problems else "met"


def _markdown_uncached(meta: dict, rows: list[dict]) -> list[str]:
    lines = [
        "",
        "## Public pages with the page cache off",
        "",
        "A second gunicorn, the same workers, with PUBLIC_PAGE_CACHE_SECONDS=0: every public "
        "page is rendered for each request (queries and template). The computed-value cache "
        f"(COMPUTED_CACHE_SECONDS={meta['page_cache_off']['computed_cache_seconds']}) stays as "
        "it is: it keeps values, not pages. The floor runs again before the first page and "
        "after each one (the machine is shared and its load moves: here "
        f"{min(r['rps'] for r in rows[0]['runs'])} to {max(r['rps'] for r in rows[0]['runs'])} "
        "req/s); each page's ratio is to the mean of the two floor runs around it, target "
        f"≥ {PUBLIC_TARGET:.0%}. In-process: the median of {UNCACHED_REPEAT} requests, each "
        "rendered afresh (Django's test client, one at a time).",
        "",
        "| endpoint | req/s | floor req/s around it | ratio to floor | p50 ms | p95 ms | p99 ms "
        "| errors | queries | bytes | in-process ms | target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        load = row["load"]
        if row["name"] == FLOOR:  # its first run; the mean of all its runs beside it
            load = {**load, "rps": row["floor_rps"]}
        lines.append(
            f"| {row['name']} | {load['rps']} | {row['floor_rps']} | {row['ratio_to_floor']:.2f} "
            f"| {load['p50_ms']:.0f} | {load['p95_ms']:.0f} | {load['p99_ms']:.0f} "
            f"| {load['errors']}/{load['requests']} | {row['queries']} | {row['bytes']:,} "
            f"| {row['in_process_ms']:.1f} | {row['verdict']} |"
        )
    return lines


def _markdown(meta: dict, endpoints: list[dict], explains: list[dict], uncached: list[dict]) -> str:
    floor_rps = endpoints[0]["load"]["rps"]
    lines = [
        "# Load test (gunicorn + locust)",
        "",
        f"Machine: {meta['machine']}. gunicorn {meta['workers']} sync workers, DEBUG off, "
        f"CONN_MAX_AGE={meta['conn_max_age']}; locust {meta['users']} users, "
        f"{meta['seconds']} s per endpoint and run, on the same machine. Public pages and the "
        f"floor: no pause between requests. Signed-in pages: each user pauses "
        f"{meta['pacing_s'] / 2:g} to {meta['pacing_s'] * 3 / 2:g} s at random after each page, "
        f"then again with no pause (capacity, below).",
        "",
        f"Data: {', '.join(f'{v:,} {k}' for k, v in meta['data'].items())}.",
        "",
        f"Targets: public pages ≥ {PUBLIC_TARGET:.0%} of the floor's req/s; signed-in pages "
        f"p95 < {P95_TARGET_MS} ms with {meta['users']} users pausing {meta['pacing_s']:g} s "
        f"on average between pages; no errors; a public page's first load ≤ {FIRST_LOAD_KB} KB "
        f"compressed with its static files, a later view ≤ {LATER_VIEW_KB} KB.",
        "",
        "| endpoint | req/s | p50 ms | p95 ms | p99 ms | errors | queries | bytes "
        "| 1 request in-process ms | ratio to floor | target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for e in endpoints:
        load = e["load"]
        # Signed-in pages: the ratio of their capacity (the paced run's req/s is the pacing's).
        ratio = (e.get("capacity") or load)["rps"] / floor_rps if floor_rps else 0
        lines.append(
            f"| {e['name']} | {load['rps']} | {load['p50_ms']:.0f} | {load['p95_ms']:.0f} "
            f"| {load['p99_ms']:.0f} | {load['errors']}/{load['requests']} | {e['queries']} "
            f"| {e['bytes']:,} | {e['in_process_ms']:.0f} | {ratio:.2f} | {e['verdict']} |"
        )
    lines += [
        "",
        f"## Capacity of the signed-in pages ({meta['users']} users, no pause)",
        "",
        "Every user sends the next request as soon as the last one is answered, so "
        f"{meta['users']} requests are always queued at the server: the latency is mostly "
        "waiting in that queue (the floor's own p50 above is the same wait for a `SELECT 1`).",
        "",
        "| endpoint | req/s | p50 ms | p95 ms | p99 ms | errors | ratio to floor |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for e in endpoints:
        cap = e.get("capacity")
        if cap:
            ratio = cap["rps"] / floor_rps if floor_rps else 0
            lines.append(
                f"| {e['name']} | {cap['rps']} | {cap['p50_ms']:.0f} | {cap['p95_ms']:.0f} "
                f"| {cap['p99_ms']:.0f} | {cap['errors']}/{cap['requests']} | {ratio:.2f} |"
            )
    lines += [
        "",
        "## Page weight of the public pages (compressed)",
        "",
        "| page | HTML (gzip) KB | static files | first load KB | later view KB |",
        "|---|---:|---:|---:|---:|",
    ]
    for e in endpoints:
        w = e.get("weight")
        if w:
            lines.append(
                f"| {e['name']} | {w['html_gzip_kb']} | {w['assets']} | {w['first_load_kb']} "
                f"| {w['later_view_kb']} |"
            )
    lines += _markdown_uncached(meta, uncached)
    lines += ["", "## Slowest query of each endpoint (in-process, one request)", ""]
    for e in endpoints:
        top = e["slowest_queries"][0] if e["slowest_queries"] else None
        if top:
            lines.append(f"- {e['name']}: {top['ms']} ms, `{top['sql'][:220]}…`")
    lines += ["", "## The two slowest queries (EXPLAIN (ANALYZE, BUFFERS))", ""]
    for item in explains:
        lines += [
            f"### {item['endpoint']}: {item['ms']:.1f} ms in-process",
            "",
            "```sql",
            item["sql"],
            "```",
            "",
            "```",
            item["plan"],
            "```",
            "",
        ]
    return "\n".join(lines) + "\n"


def create_database() -> None:
    """Create DATABASE_URL's database when it is missing (make bench on a fresh machine)."""
    import psycopg

    from rakumpit_asn.env import env_db

    db = env_db("DATABASE_URL", "")
    if not db.get("ENGINE", "").endswith("postgresql"):
        raise SystemExit("The benchmarks need PostgreSQL: set DATABASE_URL=postgres://...")
    params = {
        k: v
        for k, v in {
            "host": db.get("HOST"),
            "port": db.get("PORT"),
            "user": db.get("USER"),
            "password": db.get("PASSWORD"),
        }.items()
        if v
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        if not conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]
        ).fetchone():
            conn.execute(f'CREATE DATABASE "{db["NAME"]}"')
            print(f"Created the database {db['NAME']}.")


def main() -> int:
    if "--create-database" in sys.argv:
        create_database()
        return 0
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from bench.common import RESULTS, machine
    from forums.models import Comment, Topic
    from performance.models import Review
    from recruitment.models import Application, Document, Formation
    from workforce.models import Employee

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("seed_scale", force=True)
    with connection.cursor() as cursor:
        # The in-process benchmarks (bench/run.py) bulk-inserted too: plan on fresh statistics,
        # and with the visibility map autovacuum keeps in production (this machine's PostgreSQL
        # runs without it): a count then reads the index alone, not a heap block per row.
        cursor.execute("VACUUM (ANALYZE)")
    endpoints = _endpoints()
    for e in endpoints:
        e.update(_in_process(e))
        print(f"in-process {e['name']}: {e['status']}, {e['queries']} queries, {e['bytes']} B")
    uncached = [
        {"name": e["name"], "path": e["path"], "cookie": "", **_in_process_uncached(e)}
        for e in endpoints
        if e["public"]
    ]
    for row in uncached:
        print(f"in-process, page cache off, {row['name']}: {row['in_process_ms']} ms")
    slowest = sorted(
        ((ms, sql, e["name"]) for e in endpoints for ms, sql in e["sql"]), reverse=True
    )[:2]
    explains = [
        {"endpoint": name, "ms": ms * 1000, "sql": sql, "plan": _explain(sql)}
        for ms, sql, name in slowest
    ]
    data = {
        "formations": Formation.objects.count(),
        "applications": Application.objects.count(),
        "documents": Document.objects.count(),
        "employees": Employee.objects.count(),
        "reviews": Review.objects.count(),
        "topics": Topic.objects.count(),
        "comments": Comment.objects.count(),
    }
    connection.close()  # gunicorn's workers get their own connections

    base = f"http://127.0.0.1:{PORT}"
    server = _gunicorn(dict(os.environ))
    try:
        _wait_for(base + "/healthz")
        for e in endpoints:
            _warm(base, e, 2 * WORKERS)
            if e["public"] and e["name"] != FLOOR:
                e["weight"] = _page_weight(base, e["path"])
        with tempfile.TemporaryDirectory() as folder:
            for i, e in enumerate(endpoints):
                if e["public"]:
                    e["load"] = _locust(base, e, Path(folder), i)
                else:
                    e["load"] = _locust(base, e, Path(folder), i, pacing=PACING_S)
                    e["capacity"] = _locust(base, e, Path(folder), i)
                    print(f"capacity {e['name']}: {e['capacity']}")
                print(f"load {e['name']}: {e['load']}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    # The public pages again, rendered for every request (see the docstring, step 5).
    server = _gunicorn({**os.environ, "PUBLIC_PAGE_CACHE_SECONDS": "0"})
    try:
        _wait_for(base + "/healthz")
        for row in uncached:
            _warm(base, row, 2 * WORKERS)
        with tempfile.TemporaryDirectory() as folder:
            # The floor before and after each page: on a shared machine the load of other work
            # moves during the run (the floor's req/s moved by half within one run), so each
            # page is compared with the mean of the two floors around it.
            floor = uncached[0]
            floor["runs"] = [_locust(base, floor, Path(folder), 0)]
            for i, row in enumerate(uncached[1:], start=1):
                row["load"] = _locust(base, row, Path(folder), i)
                floor["runs"].append(_locust(base, floor, Path(folder), 0))
                row["floor_rps"] = round(
                    (floor["runs"][-2]["rps"] + floor["runs"][-1]["rps"]) / 2, 1
                )
                print(
                    f"load, page cache off, {row['name']}: {row['load']}, floor {row['floor_rps']}"
                )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    floor["load"] = floor["runs"][0]
    floor["floor_rps"] = round(sum(r["rps"] for r in floor["runs"]) / len(floor["runs"]), 1)
    for row in uncached:
        ratio = row["load"]["rps"] / row["floor_rps"] if row["floor_rps"] else 0
        row["ratio_to_floor"] = 1.0 if row is floor else round(ratio, 3)
        row["verdict"] = _uncached_verdict(row, row["floor_rps"])

    floor_rps = endpoints[0]["load"]["rps"]
    for e in endpoints:
        rps = (e.get("capacity") or e["load"])["rps"]
        e["ratio_to_floor"] = round(rps / floor_rps, 3) if floor_rps else 0
        e["verdict"] = _verdict(e, floor_rps)
    meta = {
        "machine": machine(),
        "workers": WORKERS,
        "conn_max_age": os.environ.get("CONN_MAX_AGE", "60"),
        "users": USERS,
        "pacing_s": PACING_S,
        "seconds": SECONDS,
        "data": data,
        "page_cache_off": {
            "public_page_cache_seconds": 0,
            "computed_cache_seconds": settings.COMPUTED_CACHE_SECONDS,
        },
    }
    results = [
        {k: v for k, v in e.items() if k not in {"sql", "cookie", "paths"}} for e in endpoints
    ]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "load.json").write_text(
        json.dumps(
            {
                **meta,
                "endpoints": results,
                "page_cache_off_endpoints": [
                    {k: v for k, v in row.items() if k != "cookie"} for row in uncached
                ],
                "explain": explains,
            },
            indent=2,
        )
        + "\n"
    )
    markdown = _markdown(meta, endpoints, explains, uncached)
    (RESULTS / "load.md").write_text(markdown)
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
