"""Concurrency under load: finalisations racing each other through gunicorn, on the scaled data.

Usage: make bench-concurrency (part of make bench), after bench/load.py seeded the database.

1. One applicant sends 200 "apply" requests at the same moment, then 200 "finalise" requests at
   the same moment: exactly one application must exist, finalised once (one registration
   number, one "submitted" event in its timeline).
2. 500 applicants, each with a draft on the same formation and every required document uploaded
   (real files with their SHA-256 recorded), finalise at the same moment: every application
   must be submitted exactly once, with its own registration number, and every document file
   must still be there and read back with its checksum. Their rate (finalisations a second) is
   the surge's target (SURGE_TARGET), and it is also given as a ratio to the floor: 500
   requests for /healthz released together in the same run, through the same clients.
3. The deadline surge as visitors see it: SURGE_RATE more applicants finalise at a steady
   SURGE_RATE a second (open loop: each request leaves at its time, whether the earlier ones
   have been answered or not) for SURGE_SECONDS, while READERS anonymous visitors read the
   vacancy list and a vacancy page; their p95 must stay under VACANCY_P95_MS. (During the
   all-at-once race of 2 their latency is reported, not checked: on one pool, --single-pool,
   the visitors' requests queue behind the 500 already waiting, which measures the queue.)

The requests go through gunicorn (2 x cores + 1 sync workers, production-like settings: DEBUG
off, CSRF checked, sessions as a sign-in leaves them) from 200 and 500 client threads released
together by a barrier. The visitors' requests go where nginx sends an anonymous GET of a public
page (docs/operations/deployment.md): to the Procfile's web-public pool, a second gunicorn of
PUBLIC_WORKERS sync workers on BENCH_PUBLIC_PORT (default the port after BENCH_LOAD_PORT), so
that they do not queue behind the finalisations; `--single-pool` sends them to the one gunicorn
with everything else, as before that pool existed (the comparison). BENCH_WRITES_NICE=N runs the
main gunicorn and the Celery worker N steps nicer, so that under contention the CPU goes to the
public pool first (as systemd's Nice= on those units would; measured: docs/performance.md).
Results: bench/results/concurrency.md and .json; exit status 1 when a check fails.
"""

import hashlib
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rakumpit_asn.settings")

from bench.load import PORT, WORKERS, _gunicorn, _wait_for  # noqa: E402

RACE_EMAIL = "bench-race-{n:04d}@example.org"
SAME_APPLICANT_REQUESTS = 200
APPLICANTS = 500
SURGE_TARGET = 60  # finalisations a second, with their documents (issue 23)
SURGE_RATE = int(os.environ.get("BENCH_SURGE_RATE", SURGE_TARGET))
SURGE_SECONDS = int(os.environ.get("BENCH_SURGE_SECONDS", "5"))
READERS = 2  # anonymous visitors reading vacancy pages during the surge, each a page at a time
READER_PAUSE_S = 0.05
VACANCY_P95_MS = 100
# The Procfile's web-public pool: the anonymous visitors' public pages (PUBLIC_WEB_CONCURRENCY).
PUBLIC_PORT = int(os.environ.get("BENCH_PUBLIC_PORT", PORT + 1))
PUBLIC_WORKERS = int(os.environ.get("BENCH_PUBLIC_WORKERS", "2"))
WRITES_NICE = int(os.environ.get("BENCH_WRITES_NICE", "0"))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _post(base: str, path: str, cookie: str, data: dict) -> int:
    from django.middleware.csrf import _get_new_csrf_string

    token = _get_new_csrf_string()  # the cookie's secret, sent back in the header as Django asks
    request = urllib.request.Request(  # noqa: S310 (our own server)
        base + path,
        data=urllib.parse.urlencode(data).encode(),
        headers={
            "Cookie": f"{cookie}; csrftoken={token}",
            "X-CSRFToken": token,
            "Content-Type": "application/x-www-form-urlencoded",
        },
        method="POST",
    )
    try:
        with _opener.open(request, timeout=120) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _get(base: str, path: str, cache: Counter | None = None) -> tuple[int, float]:
    """GET `path` as an anonymous visitor: its status and milliseconds; the page cache's answer
    (X-Page-Cache: hit, miss) counted in `cache`."""
    start = time.perf_counter()
    try:
        with _opener.open(base + path, timeout=120) as response:
            response.read()
            status = response.status
            if cache is not None:
                cache[response.headers.get("X-Page-Cache", "none")] += 1
    except urllib.error.HTTPError as exc:
        status = exc.code
    return status, (time.perf_counter() - start) * 1000


def _p(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * q))], 1)


class _Readers:
    """READERS threads reading `paths` in turn, each pausing READER_PAUSE_S between pages, from
    __enter__ to __exit__: their latencies and statuses. They run in a process of their own, as
    visitors are other machines: in this one, hundreds of client threads would hold the GIL."""

    def __init__(self, base: str, paths: list[str]):
        self.base, self.paths = base, paths
        context = multiprocessing.get_context("fork")
        self.stopping = context.Event()
        self.receiving, self.sending = context.Pipe(duplex=False)
        self.process = context.Process(target=self._process, daemon=True)
        self.samples: list[float] = []
        self.statuses: Counter = Counter()
        self.cache: Counter = Counter()

    def _process(self) -> None:
        threads = [threading.Thread(target=self._run, args=(n,)) for n in range(READERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.sending.send((self.samples, self.statuses, self.cache))

    def _run(self, n: int) -> None:
        i = n
        while not self.stopping.is_set():
            status, ms = _get(self.base, self.paths[i % len(self.paths)], self.cache)
            self.samples.append(ms)
            self.statuses[status] += 1
            i += 1
            self.stopping.wait(READER_PAUSE_S)

    def __enter__(self):
        self.process.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.samples, self.statuses, self.cache = self.receiving.recv()
        self.process.join()

    def summary(self) -> dict:
        return {
            "requests": len(self.samples),
            "p50_ms": _p(self.samples, 0.5),
            "p95_ms": _p(self.samples, 0.95),
            "max_ms": round(max(self.samples), 1) if self.samples else None,
            "statuses": dict(self.statuses),
            "page_cache": dict(self.cache),
        }


def _paced(rate: int, count: int, call) -> tuple[Counter, list[float], float]:
    """`count` calls leaving at a steady `rate` a second (open loop): their statuses, their
    latencies (ms) and the seconds from the first departure to the last answer."""
    start = time.perf_counter() + 0.2
    latencies: list[float] = []

    def one(index):
        delay = start + index / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        t0 = time.perf_counter()
        status = call(index)
        latencies.append((time.perf_counter() - t0) * 1000)
        return status

    with ThreadPoolExecutor(max_workers=count) as pool:
        statuses = Counter(pool.map(one, range(count)))
    return statuses, latencies, time.perf_counter() - start


def _together(count: int, call) -> Counter:
    """`count` calls from `count` threads, released at the same moment; their HTTP statuses."""
    barrier = threading.Barrier(count)

    def one(index):
        barrier.wait()
        return call(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return Counter(pool.map(one, range(count)))


def _formation():
    """An open formation of the scaled period that the race applicants are eligible for."""
    from rakumpit_asn.management.commands.seed_scale import SCALE_PERIOD
    from recruitment.models import Formation

    return (
        Formation.objects.select_related("period", "position")
        .filter(period__name=SCALE_PERIOD, category="umum", position__education_level="S1")
        .order_by("pk")
        .first()
    )


def _applicants(count: int):
    """`count` applicant accounts made for this benchmark, without any application (earlier runs'
    applications and files are removed first, so that every run starts alike)."""
    from datetime import date
    from decimal import Decimal

    from django.core.files.storage import default_storage

    from accounts.models import User
    from accounts.roles import Role
    from accounts.services import user_assign_roles
    from recruitment.models import ApplicantProfile, Application, Document

    emails = [RACE_EMAIL.format(n=n) for n in range(count)]
    old = Application.objects.filter(applicant__email__in=emails)
    for name in Document.objects.filter(application__in=old).values_list("file", flat=True):
        default_storage.delete(name)
    old.delete()
    users = []
    for n, email in enumerate(emails):
        user, created = User.objects.get_or_create(
            email=email, defaults={"full_name": f"Pelamar Serentak {n}", "password": "!"}
        )
        if created:
            user_assign_roles(user=user, roles=[Role.APPLICANT])
        if created or not ApplicantProfile.objects.filter(user=user).exists():
            ApplicantProfile.objects.create(
                user=user,
                nik=f"8{n:015d}",
                kk_number="6271040101090001",
                name_on_ktp=f"Pelamar Serentak {n}",
                birth_place="Palangka Raya",
                birth_date=date(1995, 1, 1),
                gender="M",
                address="Rakumpit",
                phone="0812",
                education_level="S1",
                institution="Universitas Palangka Raya",
                programme="Manajemen",
                gpa=Decimal("3.40"),
                graduation_year=2018,
                accreditation="baik",
            )
        users.append(user)
    return users


def _draft_with_documents(user, formation, application=None) -> dict:
    """A draft (`application`, or a new one) with every required document uploaded as a real
    file; their checksums."""
    import uuid

    from django.core.files.base import ContentFile

    from recruitment.models import Document, DocumentRequirement
    from recruitment.services.applications import application_start

    application = application or application_start(user=user, formation=formation)
    sums = {}
    for requirement in formation.required_documents.all():
        jpeg = requirement.file_format == DocumentRequirement.Format.JPEG
        extension = "jpg" if jpeg else "pdf"
        content = (b"\xff\xd8\xff" if jpeg else b"%PDF-1.4\n") + os.urandom(20_000)
        token = uuid.uuid4().hex
        document = Document(
            application=application,
            requirement=requirement,
            version=1,
            is_current=True,
            token=token,
            extension=extension,
            original_name=f"{requirement.slug}.{extension}",
            content_type="image/jpeg" if jpeg else "application/pdf",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )
        document.file.save(f"{token}.{extension}", ContentFile(content), save=False)
        document.save()
        sums[document.pk] = document.sha256
    return {"application": application.pk, "documents": sums}


def _check_documents(expected: dict[int, str]) -> list[str]:
    from recruitment.models import Document

    problems = []
    found = set()
    for document in Document.objects.filter(pk__in=expected):
        found.add(document.pk)
        with document.file.open("rb") as f:
            if hashlib.sha256(f.read()).hexdigest() != expected[document.pk]:
                problems.append(f"document {document.pk}: checksum differs")
    missing = set(expected) - found
    problems += [f"document {pk}: row missing" for pk in sorted(missing)]
    return problems


def _public_gunicorn(base_env: dict) -> subprocess.Popen:
    """The Procfile's web-public pool: the same application in a gunicorn of its own, on
    PUBLIC_PORT with PUBLIC_WORKERS sync workers."""
    return _gunicorn(base_env, port=PUBLIC_PORT, workers=PUBLIC_WORKERS)


def _worker(env: dict):
    """A Celery worker as the Procfile starts one (concurrency CELERY_CONCURRENCY, default 2)."""
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "rakumpit_asn",
            "worker",
            "--loglevel=WARNING",
            f"--concurrency={env.get('CELERY_CONCURRENCY', '2')}",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=HERE.parent,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _notified(ids: list[int], timeout: float) -> dict:
    """Wait (at most `timeout` s) until every application in `ids` has its "submitted" status
    message claimed (recruitment.StatusNotification, written with its outbox rows): how many
    have one, and how many still wait in the task outbox (core.QueuedTask, durable)."""
    from django.db import connection

    from core.models import QueuedTask
    from recruitment.models import StatusNotification

    deadline = time.monotonic() + timeout
    started = time.perf_counter()
    while True:
        done = StatusNotification.objects.filter(application_id__in=ids, status="submitted").count()
        if done == len(ids) or time.monotonic() > deadline:
            break
        connection.close()
        time.sleep(0.5)
    waiting = sum(
        1
        for args in QueuedTask.objects.filter(
            task="recruitment.tasks.send_status_email"
        ).values_list("args", flat=True)
        if args and args[0] in set(ids)
    )
    return {
        "notified": done,
        "waiting": waiting,
        "seconds": round(time.perf_counter() - started, 1),
    }


def _in_broker(url: str, ids: set) -> int:
    """How many status e-mail tasks for `ids` still wait in the broker's queue (Redis)."""
    import base64

    import redis

    count = 0
    for raw in redis.Redis.from_url(url).lrange("celery", 0, -1):
        message = json.loads(raw)
        if message.get("headers", {}).get("task") != "recruitment.tasks.send_status_email":
            continue
        args = json.loads(base64.b64decode(message["body"]))[0]
        count += bool(args) and args[0] in ids
    return count


def main() -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from bench.common import RESULTS, machine
    from rakumpit_asn.management import scale
    from recruitment.models import Application, ApplicationEvent
    from recruitment.selectors.eligibility import check_eligibility

    eager = "--eager" in sys.argv  # tasks in the web process (no broker), as `make run` has them
    single_pool = "--single-pool" in sys.argv  # the visitors' pages on the main gunicorn too
    formation = _formation()
    if formation is None:
        raise SystemExit("No scaled data: run make bench-load (or manage.py seed_scale) first.")
    surge_count = SURGE_RATE * SURGE_SECONDS
    started = time.perf_counter()
    users = _applicants(APPLICANTS + 1 + surge_count)
    eligibility = check_eligibility(users[0].applicant_profile, formation)
    if not eligibility.eligible:
        raise SystemExit(f"The race applicants cannot apply to {formation}: {eligibility.reasons}")
    single, racers, surgers = users[0], users[1 : APPLICANTS + 1], users[APPLICANTS + 1 :]
    drafts = [_draft_with_documents(user, formation) for user in racers]
    surge_drafts = [_draft_with_documents(user, formation) for user in surgers]
    cookies = {
        user.pk: f"{settings.SESSION_COOKIE_NAME}={scale.session_key_for(user)}" for user in users
    }
    vacancy_paths = [
        f"/recruitment/vacancies/?period={formation.period_id}&education_level=S1",
        formation.get_absolute_url(),
    ]
    setup_s = time.perf_counter() - started
    connection.close()

    base = f"http://127.0.0.1:{PORT}"
    env = dict(os.environ)
    if not eager:
        # The production topology (Procfile): a broker and a worker beside gunicorn, so what a
        # finalisation hands to a task runs there, not in the request.
        env["CELERY_BROKER_URL"] = env.get("BENCH_BROKER_URL") or env.get("REDIS_URL", "")
        if not env["CELERY_BROKER_URL"]:
            raise SystemExit("Set REDIS_URL (or BENCH_BROKER_URL) for the worker, or use --eager.")
    server = _gunicorn(env)
    public = None if single_pool else _public_gunicorn(env)
    public_base = base if single_pool else f"http://127.0.0.1:{PUBLIC_PORT}"
    pool = (
        f"web (the one gunicorn, {WORKERS} workers, --single-pool)"
        if single_pool
        else f"web-public (its own gunicorn, {PUBLIC_WORKERS} workers, port {PUBLIC_PORT})"
    )
    worker = None if eager else _worker(env)
    checks = []
    runs = {}
    try:
        _wait_for(base + "/healthz", timeout=300)  # five workers booting on a busy machine
        _wait_for(public_base + "/healthz", timeout=300)
        for group in filter(None, (server, worker)) if WRITES_NICE else ():
            os.setpriority(os.PRIO_PGRP, group.pid, WRITES_NICE)  # the processes of its session
        for path in vacancy_paths * 5:  # every worker has rendered them once
            _get(public_base, path)
        with _Readers(public_base, vacancy_paths) as quiet:
            time.sleep(2)
        t0 = time.perf_counter()
        floor_statuses = _together(APPLICANTS, lambda _i: _get(base, "/healthz")[0])
        floor_s = time.perf_counter() - t0
        runs["floor: 500 requests for /healthz at once"] = {
            "seconds": round(floor_s, 2),
            "per_second": round(APPLICANTS / floor_s, 1),
            "statuses": dict(floor_statuses),
        }

        apply_path = f"/recruitment/vacancies/{formation.pk}/apply/"
        t0 = time.perf_counter()
        apply_statuses = _together(
            SAME_APPLICANT_REQUESTS,
            lambda _i: _post(base, apply_path, cookies[single.pk], {"privacy_consent": "on"}),
        )
        runs["one applicant, 200 applications at once"] = {
            "seconds": round(time.perf_counter() - t0, 2),
            "statuses": dict(apply_statuses),
        }
        mine = list(Application.objects.filter(applicant=single, budget_year=formation.period.year))
        checks.append(
            ("200 simultaneous applications by one applicant leave one", len(mine) == 1, len(mine))
        )
        finalise_statuses = Counter()
        if len(mine) == 1:
            application = mine[0]
            _draft_with_documents(single, formation, application)
            path = f"/recruitment/applications/{application.pk}/finalise/"
            connection.close()
            t0 = time.perf_counter()
            finalise_statuses = _together(
                SAME_APPLICANT_REQUESTS,
                lambda _i: _post(base, path, cookies[single.pk], {"confirm": "on"}),
            )
            runs["one applicant, 200 finalisations at once"] = {
                "seconds": round(time.perf_counter() - t0, 2),
                "statuses": dict(finalise_statuses),
            }
            application.refresh_from_db()
            submitted_events = ApplicationEvent.objects.filter(
                application=application, status=Application.Status.SUBMITTED
            ).count()
            checks.append(
                (
                    "200 simultaneous finalisations finalise once",
                    application.status == Application.Status.SUBMITTED
                    and bool(application.registration_number)
                    and submitted_events == 1,
                    f"status {application.status}, {submitted_events} submitted event(s)",
                )
            )
        connection.close()

        with _Readers(public_base, vacancy_paths) as race_readers:
            t0 = time.perf_counter()
            race_statuses = _together(
                APPLICANTS,
                lambda i: _post(
                    base,
                    f"/recruitment/applications/{drafts[i]['application']}/finalise/",
                    cookies[racers[i].pk],
                    {"confirm": "on"},
                ),
            )
            race_s = time.perf_counter() - t0
        runs["500 applicants finalising at once"] = {
            "seconds": round(race_s, 2),
            "per_second": round(APPLICANTS / race_s, 1),
            "ratio_to_floor": round(floor_s / race_s, 3),
            "statuses": dict(race_statuses),
        }

        with _Readers(public_base, vacancy_paths) as surge_readers:
            surge_statuses, surge_latencies, surge_s = _paced(
                SURGE_RATE,
                surge_count,
                lambda i: _post(
                    base,
                    f"/recruitment/applications/{surge_drafts[i]['application']}/finalise/",
                    cookies[surgers[i].pk],
                    {"confirm": "on"},
                ),
            )
        runs[f"{surge_count} applicants finalising at {SURGE_RATE}/s"] = {
            "seconds": round(surge_s, 2),
            "per_second": round(surge_count / surge_s, 1),
            "p50_ms": _p(surge_latencies, 0.5),
            "p95_ms": _p(surge_latencies, 0.95),
            "statuses": dict(surge_statuses),
        }
        ids = [d["application"] for d in drafts + surge_drafts]
        notified = _notified(ids, timeout=180 if worker else 10)
    finally:
        for gunicorn in filter(None, (server, public)):
            os.killpg(gunicorn.pid, signal.SIGTERM)
        for gunicorn in filter(None, (server, public)):
            gunicorn.wait(timeout=30)
        if worker is not None:
            # Celery's warm shutdown: the main process alone, so that it lets its pool finish
            # the tasks it runs and gives back the ones it reserved (killing the pool's children
            # too would lose what they were running: acks_late cannot help a task whose worker
            # process is gone before it could be given back).
            os.kill(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=120)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=30)
    if worker is not None:
        in_broker = _in_broker(env["CELERY_BROKER_URL"], set(ids))
        notified = _notified(ids, timeout=0)
        notified["waiting"] += in_broker

    readers = {
        "quiet (before the races)": quiet.summary(),
        "during the 500 at once": race_readers.summary(),
        f"during the surge at {SURGE_RATE}/s": surge_readers.summary(),
    }
    rows = list(Application.objects.filter(pk__in=ids).values_list("status", "registration_number"))
    numbers = [n for _s, n in rows if n]
    per_application = Counter(
        ApplicationEvent.objects.filter(
            application_id__in=ids, status=Application.Status.SUBMITTED
        ).values_list("application_id", flat=True)
    )
    count = len(ids)
    checks.append(
        (
            f"{count} applicants finalising (500 at once, {surge_count} paced): "
            "each stored once, submitted once",
            len(rows) == count
            and all(s == Application.Status.SUBMITTED for s, _n in rows)
            and len(set(numbers)) == count
            and sorted(per_application.values()) == [1] * count,
            f"{len(rows)} applications, {sum(s == 'submitted' for s, _n in rows)} submitted, "
            f"{len(set(numbers))} distinct registration numbers",
        )
    )
    expected = {pk: sha for d in drafts + surge_drafts for pk, sha in d["documents"].items()}
    problems = _check_documents(expected)
    checks.append(
        (
            f"every document of the {count} is there and reads back with its checksum",
            not problems,
            f"{len(expected)} documents, {len(problems)} problem(s) {problems[:3]}",
        )
    )
    server_errors = sum(
        n
        for statuses in (apply_statuses, finalise_statuses, race_statuses, surge_statuses)
        for status, n in statuses.items()
        if status >= 500
    )
    checks.append(("no server errors", server_errors == 0, server_errors))
    checks.append(
        (
            "every finalisation's status message is queued or waits in the outbox (none lost)",
            notified["notified"] + notified["waiting"] == count,
            f"{notified['notified']} queued, {notified['waiting']} waiting "
            f"({notified['seconds']} s after the surge)",
        )
    )
    rate = APPLICANTS / race_s
    checks.append(
        (
            f"500 at once: at least {SURGE_TARGET} finalisations a second",
            rate >= SURGE_TARGET,
            f"{rate:.1f}/s",
        )
    )
    surge_p95 = readers[f"during the surge at {SURGE_RATE}/s"]["p95_ms"]
    checks.append(
        (
            f"vacancy pages during the surge at {SURGE_RATE}/s: p95 under {VACANCY_P95_MS} ms",
            surge_p95 is not None and surge_p95 < VACANCY_P95_MS,
            f"p95 {surge_p95} ms",
        )
    )

    result = {
        "machine": machine(),
        "workers": WORKERS,
        "tasks": "in the web process (--eager)" if eager else "broker and a Celery worker",
        "vacancy_pages_pool": pool,
        "writes_nice": WRITES_NICE,
        "formation": str(formation),
        "setup_seconds": round(setup_s, 1),
        "runs": runs,
        "vacancy_pages": readers,
        "checks": [{"check": c, "passed": ok, "detail": str(d)} for c, ok, d in checks],
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "concurrency.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [
        "# Concurrency under load (gunicorn)",
        "",
        f"Machine: {result['machine']}. gunicorn {WORKERS} sync workers, DEBUG off; tasks: "
        f"{result['tasks']}; main pool and worker at nice {WRITES_NICE}; the clients are threads "
        "released together by a barrier (the surge: leaving at a steady rate). Formation: "
        + result["formation"]
        + ".",
        "",
        "| run | seconds | per second | ratio to floor | p50 ms | p95 ms | HTTP statuses |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, run in runs.items():
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(run["statuses"].items()))
        lines.append(
            f"| {name} | {run['seconds']} | {run.get('per_second', '')} "
            f"| {run.get('ratio_to_floor', '')} | {run.get('p50_ms', '')} "
            f"| {run.get('p95_ms', '')} | {statuses} |"
        )
    lines += [
        "",
        f"Vacancy list and vacancy page, {READERS} anonymous visitors each pausing "
        f"{READER_PAUSE_S * 1000:.0f} ms between pages, served by {pool}:",
        "",
        "| when | requests | p50 ms | p95 ms | max ms | HTTP statuses | page cache |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for name, r in readers.items():
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(r["statuses"].items()))
        cache = ", ".join(f"{k}: {v}" for k, v in sorted(r["page_cache"].items()))
        lines.append(
            f"| {name} | {r['requests']} | {r['p50_ms']} | {r['p95_ms']} | {r['max_ms']} "
            f"| {statuses} | {cache} |"
        )
    lines += ["", "| check | result | detail |", "|---|---|---|"]
    for c in result["checks"]:
        lines.append(f"| {c['check']} | {'passed' if c['passed'] else 'FAILED'} | {c['detail']} |")
    (RESULTS / "concurrency.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0 if all(c["passed"] for c in result["checks"]) else 1


if __name__ == "__main__":
    sys.exit(main())
