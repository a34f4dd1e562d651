"""Concurrency under load: finalisations racing each other through gunicorn, on the scaled data.

Usage: make bench-concurrency (part of make bench), after bench/load.py seeded the database.

1. One applicant sends 200 "apply" requests at the same moment, then 200 "finalise" requests at
   the same moment: exactly one application must exist, finalised once (one registration
   number, one "submitted" event in its timeline).
2. 500 applicants, each with a draft on the same formation and every required document uploaded
   (real files with their SHA-256 recorded), finalise at the same moment: every application
   must be submitted exactly once, with its own registration number, and every document file
   must still be there and read back with its checksum.

The requests go through gunicorn (2 x cores + 1 sync workers, production-like settings: DEBUG
off, CSRF checked, sessions as a sign-in leaves them) from 200 and 500 client threads released
together by a barrier. Results: bench/results/concurrency.md and .json; exit status 1 when a
check fails.
"""

import hashlib
import json
import os
import signal
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


def main() -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from bench.common import RESULTS, machine
    from rakumpit_asn.management import scale
    from recruitment.models import Application, ApplicationEvent
    from recruitment.selectors.eligibility import check_eligibility

    formation = _formation()
    if formation is None:
        raise SystemExit("No scaled data: run make bench-load (or manage.py seed_scale) first.")
    started = time.perf_counter()
    users = _applicants(APPLICANTS + 1)
    eligibility = check_eligibility(users[0].applicant_profile, formation)
    if not eligibility.eligible:
        raise SystemExit(f"The race applicants cannot apply to {formation}: {eligibility.reasons}")
    single, racers = users[0], users[1:]
    drafts = [_draft_with_documents(user, formation) for user in racers]
    cookies = {
        user.pk: f"{settings.SESSION_COOKIE_NAME}={scale.session_key_for(user)}" for user in users
    }
    setup_s = time.perf_counter() - started
    connection.close()

    base = f"http://127.0.0.1:{PORT}"
    server = _gunicorn(dict(os.environ))
    checks = []
    try:
        _wait_for(base + "/healthz")
        apply_path = f"/recruitment/vacancies/{formation.pk}/apply/"
        t0 = time.perf_counter()
        apply_statuses = _together(
            SAME_APPLICANT_REQUESTS,
            lambda _i: _post(base, apply_path, cookies[single.pk], {"privacy_consent": "on"}),
        )
        apply_s = time.perf_counter() - t0
        mine = list(Application.objects.filter(applicant=single, budget_year=formation.period.year))
        checks.append(
            ("200 simultaneous applications by one applicant leave one", len(mine) == 1, len(mine))
        )
        finalise_statuses = Counter()
        finalise_s = 0.0
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
            finalise_s = time.perf_counter() - t0
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
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    ids = [d["application"] for d in drafts]
    rows = list(Application.objects.filter(pk__in=ids).values_list("status", "registration_number"))
    numbers = [n for _s, n in rows if n]
    per_application = Counter(
        ApplicationEvent.objects.filter(
            application_id__in=ids, status=Application.Status.SUBMITTED
        ).values_list("application_id", flat=True)
    )
    checks.append(
        (
            "500 applicants finalising at once: each stored once, submitted once",
            len(rows) == APPLICANTS
            and all(s == Application.Status.SUBMITTED for s, _n in rows)
            and len(set(numbers)) == APPLICANTS
            and sorted(per_application.values()) == [1] * APPLICANTS,
            f"{len(rows)} applications, {sum(s == 'submitted' for s, _n in rows)} submitted, "
            f"{len(set(numbers))} distinct registration numbers",
        )
    )
    expected = {pk: sha for d in drafts for pk, sha in d["documents"].items()}
    problems = _check_documents(expected)
    checks.append(
        (
            "every document of the 500 is there and reads back with its checksum",
            not problems,
            f"{len(expected)} documents, {len(problems)} problem(s) {problems[:3]}",
        )
    )
    server_errors = sum(
        n
        for statuses in (apply_statuses, finalise_statuses, race_statuses)
        for status, n in statuses.items()
        if status >= 500
    )
    checks.append(("no server errors", server_errors == 0, server_errors))

    result = {
        "machine": machine(),
        "workers": WORKERS,
        "formation": str(formation),
        "setup_seconds": round(setup_s, 1),
        "runs": {
            "one applicant, 200 applications at once": {
                "seconds": round(apply_s, 2),
                "statuses": dict(apply_statuses),
            },
            "one applicant, 200 finalisations at once": {
                "seconds": round(finalise_s, 2),
                "statuses": dict(finalise_statuses),
            },
            "500 applicants finalising at once": {
                "seconds": round(race_s, 2),
                "statuses": dict(race_statuses),
            },
        },
        "checks": [{"check": c, "passed": ok, "detail": str(d)} for c, ok, d in checks],
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "concurrency.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [
        "# Concurrency under load (gunicorn)",
        "",
        f"Machine: {result['machine']}. gunicorn {WORKERS} sync workers, DEBUG off; the clients "
        "are threads released together by a barrier. Formation: " + result["formation"] + ".",
        "",
        "| run | seconds | HTTP statuses |",
        "|---|---:|---|",
    ]
    for name, run in result["runs"].items():
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(run["statuses"].items()))
        lines.append(f"| {name} | {run['seconds']} | {statuses} |")
    lines += ["", "| check | result | detail |", "|---|---|---|"]
    for c in result["checks"]:
        lines.append(f"| {c['check']} | {'passed' if c['passed'] else 'FAILED'} | {c['detail']} |")
    (RESULTS / "concurrency.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0 if all(c["passed"] for c in result["checks"]) else 1


if __name__ == "__main__":
    sys.exit(main())
