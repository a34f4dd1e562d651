"""Every page's cold time on the scale data (issue 23: "no cold page over 150 ms in-process on the
scale data, cache empty ... a benchmark lists every page's cold time").

Data: `seed_scale` (200 formations, 50,000 applicants, 20,000 employees, 20,000 topics with
200,000 comments, a year of reviews) and, on top of it, `seed_demo` (one account per role, with
links of its own: applications, reviews, topics, enrolments), in a database of the bench's own
(`<DATABASE_URL's name>_pages`: the other benchmarks add their data to the shared one). The
bench seeds what is missing; seed_scale skips the parts already there.

Pages: for each persona (anonymous and the demo accounts applicant, resident, employee,
supervisor, hr, verifier, moderator, signed in with a session as a real sign-in leaves it, the
TOTP step included for staff: rakumpit_asn.management.scale.session_key_for), a breadth-first
crawl with Django's test client from "/" and the persona's landing page, two links deep:
same-site links only, never /admin/, /api/, static files, sign-out or language links, and only
what answers a GET with a 200 text/html page. One path is kept per persona and URL name (the
first found, at most ATTEMPTS paths tried per name). To these come the pages whose cost grows
with the data, at their largest, as bench/load.py names them: the vacancy page of the formation
with the most applications, the topic with the most comments, HR's application list of that
formation, the needs map and the review dashboard.

Cold time: before each measured request the cache is emptied (cache.clear() on the bench's own
Redis database), so no page, fragment, computed result or session comes from it: every request
runs its queries and renders its template. The process is warm (the crawl rendered each page
once: templates compiled, URLs resolved). RUNS requests per page: median and max ms, and the
queries of one request (the median over the runs). The floor, GET /healthz through the same
middleware, is measured the same way in the same run, before and after the pages (its median
over both). The table lists the pages slowest first, with the ratio to the floor and whether the
median is over TARGET_MS.
"""

import contextlib
import statistics
import time
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve, reverse

from accounts.demo import demo_email
from accounts.models import User
from accounts.navigation import landing_url
from bench.common import biggest_formation, machine, write
from forums.models import Topic
from rakumpit_asn.management import scale
from rakumpit_asn.management.commands.seed_scale import SCALE_PERIOD
from recruitment.models import Formation, SelectionPeriod
from workforce.models import PlanningYear
from workforce.selectors import proposals as selectors_proposals

PERSONAS = ("applicant", "resident", "employee", "supervisor", "hr", "verifier", "moderator")
ANONYMOUS = "anonymous"
DEPTH = 2  # links followed from the start pages
ATTEMPTS = 3  # paths tried per (persona, URL name) before giving the name up
RUNS = 5
TARGET_MS = 150  # issue 23: no cold page over 150 ms
HOST = "127.0.0.1"
SKIP_PREFIXES = ("/admin/", "/api/", "/static/", "/media/", "/i18n/")
SKIP_NAMES = {"account_logout", "set_language", "healthz", "metrics"}
FLOOR = "/healthz"


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href") and "hreflang" not in attrs:
            self.hrefs.append(attrs["href"])


def _links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    out = []
    for href in parser.hrefs:
        href, _ = urldefrag(href)
        parts = urlsplit(href)
        if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", HOST):
            continue
        if not parts.path.startswith("/") or parts.path.startswith(SKIP_PREFIXES):
            continue
        if "lang=" in parts.query or "language=" in parts.query:
            continue
        out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def _url_name(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


def _is_page(response) -> bool:
    return response.status_code == 200 and response.get("Content-Type", "").startswith("text/html")


@contextlib.contextmanager
def _own_database():
    """Switch the default connection to a database of this bench's own, `<DATABASE_URL's
    name>_pages`, created and migrated when missing, and back at the end. The pages are
    measured on the scale data and the demo accounts only: the other benchmarks of `make
    bench` add their own periods, registers and responses to the shared database (four
    periods of 50,000 applications, 40,000 employees, 20,000 IKM responses after one run),
    and the pages listing them would be measured on whatever ran before."""
    database = settings.DATABASES["default"]
    shared = database["NAME"]
    own = f"{shared}_pages"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [own])
        missing = cursor.fetchone() is None
        if missing:
            cursor.execute(f'CREATE DATABASE "{own}"')

    def switch(name):
        # Nothing read from one database may serve the other: the shared Redis (pages,
        # sessions, values) and Django's in-process content types.
        connection.close()
        database["NAME"] = connection.settings_dict["NAME"] = name
        cache.clear()
        ContentType.objects.clear_cache()

    switch(own)
    try:
        call_command("migrate", verbosity=0)
        yield own
    finally:
        switch(shared)


def _seed() -> dict:
    """The scale data (seed_scale skips what is there) and the demo accounts when missing,
    then the table statistics and visibility maps autovacuum keeps in production (this
    machine's PostgreSQL runs without it)."""
    call_command("seed_scale", force=True, quiet=True)
    if not User.objects.filter(email=demo_email("hr")).exists():
        print("Seeding the demo data on top of the scale data...")
        call_command("seed_demo", force=True, verbosity=0)
    users = {key: User.objects.get(email=demo_email(key)) for key in PERSONAS}
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    return users


def _client(user) -> Client:
    client = Client(HTTP_HOST=HOST)
    if user is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = scale.session_key_for(user)
    return client


def _crawl(persona: str, client: Client, user) -> dict[str, str]:
    """{url name: path}: breadth-first from "/" and the landing page, DEPTH links deep."""
    starts = ["/"]
    if user is not None:
        starts.append(landing_url(user) or reverse(settings.LOGIN_REDIRECT_URL))
    found: dict[str, str] = {}
    tried: dict[str, int] = {}
    seen = set()
    queue = deque((path, 0) for path in starts)
    while queue:
        path, depth = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        name = _url_name(path)
        if name is None or name in SKIP_NAMES or name in found:
            continue
        if tried.get(name, 0) >= ATTEMPTS:
            continue
        tried[name] = tried.get(name, 0) + 1
        response = client.get(path)
        if not _is_page(response):
            continue
        found[name] = path
        if depth < DEPTH:
            queue.extend((link, depth + 1) for link in _links(response.content.decode()))
    print(f"  {persona}: {len(found)} pages ({len(seen)} links seen)")
    return found


def _scale_pages(users: dict) -> list[tuple[str, str, str]]:
    """(label, persona, path) of the pages that grow with the data, at their largest."""
    period = SelectionPeriod.objects.get(name=SCALE_PERIOD)
    formation = biggest_formation(period)
    topic = Topic.objects.order_by("-comment_count", "pk").first()
    checkpoint = scale.cycle_checkpoint(period.year - 1)
    # The sector with the most positions short of staff: its proposal form is the longest.
    short = selectors_proposals.proposal_candidates(PlanningYear.objects.get(year=period.year))
    sectors = selectors_proposals.proposal_sectors(short)
    widest = max(sectors, key=lambda entry: entry["positions"])
    return [
        (
            f"vacancy page ({formation.n:,} applications)",
            ANONYMOUS,
            formation.get_absolute_url(),
        ),
        (f"topic page ({topic.comment_count:,} comments)", ANONYMOUS, topic.get_absolute_url()),
        (
            f"HR: application list ({formation.n:,} applications)",
            "hr",
            reverse("recruitment:hr_application_list", args=[formation.pk]),
        ),
        ("HR: needs map", "hr", f"/workforce/needs/?year={period.year}"),
        ("HR: review dashboard", "hr", f"/performance/dashboard/?checkpoint={checkpoint.pk}"),
        (
            f"HR: new proposal, one sector ({widest['positions']} positions short)",
            "hr",
            f"/workforce/proposals/new/?year={period.year}&sector={widest['sector'].pk}",
        ),
    ]


def _cold(client: Client, path: str, runs: int = RUNS) -> dict:
    samples, queries = [], []
    for _ in range(runs):
        cache.clear()
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(path)
            samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        queries.append(len(captured.captured_queries))
    return {
        "samples_ms": [round(s, 2) for s in samples],
        "median_ms": round(statistics.median(samples), 2),
        "max_ms": round(max(samples), 2),
        "queries": int(statistics.median(queries)),
    }


def run() -> None:
    with _own_database() as name:
        print(f"Pages on the database {name} (the scale data and the demo accounts)")
        _run()


def _run() -> None:
    started = time.perf_counter()
    print("Seeding (skipped where the data is there)...")
    users = _seed()
    personas = {ANONYMOUS: None, **users}
    clients = {persona: _client(user) for persona, user in personas.items()}
    print(f"Crawling {DEPTH} links deep from / and each persona's landing page...")
    pages = []  # (label, persona, path)
    for persona, user in personas.items():
        for name, path in _crawl(persona, clients[persona], user).items():
            pages.append((name, persona, path))
    for label, persona, path in _scale_pages(users):
        clients[persona].get(path)  # warm, as the crawled pages are
        pages.append((f"{_url_name(path)}: {label}", persona, path))
    print(f"Timing {len(pages)} pages cold, {RUNS} runs each...")
    floor_client = clients[ANONYMOUS]
    floor_before = _cold(floor_client, FLOOR)
    rows = []
    for label, persona, path in pages:
        result = _cold(clients[persona], path)
        rows.append({"page": label, "persona": persona, "path": path, **result})
    floor_after = _cold(floor_client, FLOOR)
    floor_samples = floor_before["samples_ms"] + floor_after["samples_ms"]
    floor = {
        "median_ms": round(statistics.median(floor_samples), 2),
        "max_ms": max(floor_samples),
        "queries": floor_before["queries"],
        "before": floor_before,
        "after": floor_after,
    }
    for row in rows:
        row["ratio_to_floor"] = round(row["median_ms"] / floor["median_ms"], 1)
        row["over_target"] = row["median_ms"] > TARGET_MS
    rows.sort(key=lambda row: -row["median_ms"])
    over = [row for row in rows if row["over_target"]]
    elapsed = round(time.perf_counter() - started, 1)
    counts = {
        "formations": Formation.objects.count(),
        "topics": Topic.objects.count(),
        "users": User.objects.count(),
    }
    lines = [
        "# Cold pages benchmark",
        "",
        f"Every page a persona reaches within {DEPTH} links of / and their landing page, plus "
        f"the scale pages; the cache emptied before each request; median and max of {RUNS} "
        f"runs; floor: GET {FLOOR} measured the same way ({floor['median_ms']} ms median, "
        f"{floor['queries']} queries). Data: {counts}. Machine: {machine()}. Bench run time: "
        f"{elapsed} s.",
        "",
        f"**{len(rows)} pages, {len(over)} over {TARGET_MS} ms.**",
        "",
        f"| page (url name) | persona | path | median ms | max ms | queries | ratio to floor "
        f"| over {TARGET_MS} ms |",
        "|---|---|---|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['page']} | {row['persona']} | `{row['path']}` | {row['median_ms']} "
            f"| {row['max_ms']} | {row['queries']} | {row['ratio_to_floor']}× "
            f"| {'yes' if row['over_target'] else 'no'} |"
        )
    payload = {
        "data": counts,
        "machine": machine(),
        "runs": RUNS,
        "target_ms": TARGET_MS,
        "floor": floor,
        "pages": len(rows),
        "over_target": len(over),
        "run_time_s": elapsed,
        "results": rows,
    }
    write("pages", payload, "\n".join(lines) + "\n")
