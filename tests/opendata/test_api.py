"""The public API (/api/v1/) and the downloads (/data/) of issue 20: the small-cell rule at its
edge (worked out by hand), bad input as problem+json and never a 500, conditional GETs, the rate
limit, CORS, constant query counts at two sizes, the OpenAPI schema and docs, the documented
examples, and the downloads and the catalogue.

The data is built once for the module (`world`), in one outer transaction rolled back at the
end; each test runs in a savepoint inside it. The outer block counts as the test case's own, so
a write inside a test moves the page cache's generations as a commit would (tests/conftest.py)."""

import csv
import datetime as dt
import html
import io
import json
import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from drf_spectacular.validation import validate_schema

from forums.models import Comment, IkmPeriod, IkmResponse, Topic, Visibility
from opendata.datasets import all_datasets
from opendata.datasets import get as get_dataset
from recruitment.models import Announcement, Application, ApplicationEvent, ExamResult, Milestone
from tests.factories import (
    ApplicationFactory,
    EmployeeFactory,
    FormationFactory,
    PlanningYearFactory,
    PositionFactory,
    SelectionPeriodFactory,
    UnitFactory,
    UserFactory,
    abk_with_minutes,
)
from training.models import TrainingYearRule
from workforce.models import AsnType, Employee, Kelurahan

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

PROBLEM = "application/problem+json"
PROBLEM_KEYS = {"type", "title", "status", "detail"}
DOC = Path(django_settings.BASE_DIR) / "docs" / "opendata.md"
YEAR = timezone.localdate().year
MIN_JP = 20  # this year's rule, set by the world


# --- the data, once for the module ------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        # A write inside a test counts as committed when the test's own block ends (the
        # conftest's page-cache fixture looks for the test case's blocks by this mark).
        outer._from_testcase = True
        try:
            data = _build_world()
            connection.check_constraints()
            yield data
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _pns(position, count, **kwargs):
    return [EmployeeFactory(position=position, **kwargs) for _ in range(count)]


def _ikm(unit, period, scores):
    """One response per entry of `scores`, each giving that score to all nine elements."""
    for score in scores:
        IkmResponse.objects.create(
            unit=unit,
            period=period,
            respondent=UserFactory(verified=False),
            **{f"u{n}": score for n in range(1, 10)},
        )


def _build_world():
    """Units of 4, 5 and 0 employees (each needing 6 by its ABK); a unit of 4 active PNS beside
    an active PPPK and a retired PNS (5 current staff, 4 active PNS); IKM answered by 4 and by 5
    residents; one published period with a formation, its administrative announcement (3 rows)
    and its final one (2 ranked); a public topic with an official answer, a hidden one."""
    year = PlanningYearFactory(year=YEAR)
    TrainingYearRule.objects.update_or_create(year=YEAR, defaults={"pns_min_jp": MIN_JP})
    u4, u5, u0 = (UnitFactory(name=f"Pustu {n}") for n in ("Empat", "Lima", "Nol"))
    ut = UnitFactory(name="Puskesmas Campuran")
    p4, p5, p0, pt = (PositionFactory(unit=unit) for unit in (u4, u5, u0, ut))
    for position in (p4, p5, p0):
        abk_with_minutes(position, year, [year.effective_minutes] * 6)
    _pns(p4, 4)
    _pns(p5, 5)
    _pns(pt, 4)
    _pns(pt, 1, asn_type=AsnType.PPPK)
    _pns(pt, 1, status=Employee.Status.RETIRED)

    ikm_period = IkmPeriod.objects.create(
        name="Semester uji", starts_on=dt.date(YEAR, 1, 1), ends_on=dt.date(YEAR, 6, 30)
    )
    _ikm(u4, ikm_period, [4, 4, 3, 3])
    _ikm(u5, ikm_period, [4, 4, 4, 3, 3])

    period = SelectionPeriodFactory(name="Seleksi uji API", year=YEAR, documents=False)
    formation = FormationFactory(period=period, position=p5, quota=2, required=[])
    applications = [
        ApplicationFactory(
            formation=formation,
            status=Application.Status.SUBMITTED,
            submitted_at=timezone.now(),
        )
        for _ in range(3)
    ]
    admin = Announcement.objects.create(period=period, kind=Announcement.Kind.ADMIN)
    for application, code in zip(applications, ("MS", "MS", "TMS"), strict=True):
        ApplicationEvent.objects.create(
            application=application, status=Milestone.ADMIN_RESULT, note=code
        )
    final = Announcement.objects.create(period=period, kind=Announcement.Kind.FINAL)
    for rank, application in enumerate(applications[:2], start=1):
        ExamResult.objects.create(
            application=application,
            skd_total=400 - rank,
            skb=Decimal("80.5"),
            final_score=Decimal("75.25") - rank,
            final_rank=rank,
            final_code="P",
            ranked_at=timezone.now(),
        )

    author = UserFactory(verified=False)
    topic = _topic(author, u5, "Antrean puskesmas panjang")
    _topic(author, u5, "Disembunyikan", visibility=Visibility.HIDDEN)
    return SimpleNamespace(
        year=year,
        units={"u4": u4, "u5": u5, "u0": u0, "ut": ut},
        positions={"p4": p4, "p5": p5, "p0": p0},
        ikm_period=ikm_period,
        period=period,
        formation=formation,
        admin=admin,
        final=final,
        topic=topic,
        author=author,
    )


def _topic(author, unit, title, visibility=Visibility.PUBLIC):
    created = timezone.now() - dt.timedelta(days=3)
    topic = Topic.objects.create(
        title=title,
        body="Mohon ditambah loket.",
        author=author,
        sector=unit.sector,
        kelurahan=unit.kelurahan,
        unit=unit,
        visibility=visibility,
        created_at=created,
        first_answer_at=created + dt.timedelta(days=2),
        status=Topic.Status.ANSWERED,
    )
    Comment.objects.create(
        topic=topic,
        author=author,
        body="Loket ketiga dibuka bulan depan.",
        is_official=True,
        created_at=created + dt.timedelta(days=2),
    )
    return topic


def _results(client, url) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return response.json()["results"]


def _by_code(rows, level="unit"):
    return {row["code"]: row for row in rows if row["level"] == level}


# --- 2. the small-cell rule at its edge ------------------------------------------------------


class TestSmallCells:
    @pytest.fixture(autouse=True)
    def _threshold(self, settings):
        settings.OPEN_DATA_MIN_CELL = 5

    def test_it_hides_a_unit_of_four_staff_and_everything_computed_from_it(self, world, client):
        rows = _by_code(_results(client, "/api/v1/staffing/?level=unit"))
        unit = world.units["u4"]
        assert rows[str(unit.pk)] == {
            "planning_year": YEAR,
            "level": "unit",
            "code": str(unit.pk),
            "name": "Pustu Empat",
            "sector": "kesehatan",
            "kelurahan": "mungku-baru",
            "positions": 1,
            "required": 6,
            "current": None,
            "gap": None,
            "shortage": None,
            "surplus": None,
            "retiring": None,
            "suppressed": True,
        }

    def test_it_shows_a_unit_of_five_staff_and_a_unit_of_none(self, world, client):
        rows = _by_code(_results(client, "/api/v1/staffing/?level=unit"))
        five, none = rows[str(world.units["u5"].pk)], rows[str(world.units["u0"].pk)]
        assert (five["required"], five["current"], five["gap"], five["shortage"]) == (6, 5, 1, 1)
        assert (five["surplus"], five["retiring"], five["suppressed"]) == (0, 0, False)
        assert (none["required"], none["current"], none["gap"], none["shortage"]) == (6, 0, 6, 6)
        assert (none["retiring"], none["suppressed"]) == (0, False)
        # The second half of the rule: the sector's row (14) minus the units shown would give
        # the hidden 4 back, so the smallest other count above zero in the sector is hidden
        # too: 5 in "Puskesmas Campuran" (it sorts before "Pustu Lima", also 5).
        mixed = rows[str(world.units["ut"].pk)]
        assert (mixed["current"], mixed["gap"], mixed["suppressed"]) == (None, None, True)
        # Four active PNS, an active PPPK and a retired PNS: five current staff, so the
        # sector's row counts 4 + 5 + 0 + 5.
        sector = _by_code(_results(client, "/api/v1/staffing/"), "sector")["kesehatan"]
        assert (sector["current"], sector["suppressed"]) == (14, False)

    def test_it_hides_four_active_pns_and_shows_five_in_training_compliance(self, world, client):
        rows = _by_code(_results(client, f"/api/v1/training-compliance/?level=unit&year={YEAR}"))
        hidden = (None, None, None, None, None, True)
        for key in ("u4", "ut"):  # ut: the PPPK and the retired PNS do not count
            row = rows[str(world.units[key].pk)]
            assert (
                row["pns_employees"],
                row["complete"],
                row["short"],
                row["missing_jp"],
                row["compliant_share"],
                row["suppressed"],
            ) == hidden, key
        five = rows[str(world.units["u5"].pk)]
        assert five == {
            "year": YEAR,
            "min_jp": MIN_JP,
            "level": "unit",
            "code": str(world.units["u5"].pk),
            "name": "Pustu Lima",
            "sector": "kesehatan",
            "pns_employees": 5,
            "complete": 0,
            "short": 5,
            "missing_jp": 5 * MIN_JP,
            "compliant_share": 0.0,
            "suppressed": False,
        }
        assert str(world.units["u0"].pk) not in rows  # nobody there: no row

    def test_it_shows_no_ikm_score_of_four_respondents_and_every_score_of_five(self, world, client):
        rows = {
            row["unit_id"]: row
            for row in _results(client, f"/api/v1/ikm/?period={world.ikm_period.pk}")
        }
        four = rows[world.units["u4"].pk]
        assert four["respondents"] is None and four["suppressed"] is True
        scores = [f"nrr_{i}" for i in range(1, 10)] + ["index", "converted", "grade"]
        assert {name: four[name] for name in scores} == dict.fromkeys(scores)
        five = rows[world.units["u5"].pk]
        # Each element: (4 + 4 + 4 + 3 + 3) / 5 = 3.6; the index 3.6; x 25 = 90: grade A.
        assert five["respondents"] == 5 and five["suppressed"] is False
        assert [five[f"nrr_{i}"] for i in range(1, 10)] == [3.6] * 9
        assert (five["index"], five["converted"], five["grade"]) == (3.6, 90.0, "A")

    def test_a_hidden_count_cannot_be_worked_out_from_the_totals(self, world, client):
        rows = _results(client, "/api/v1/staffing/")
        sector = _by_code(rows, "sector")["kesehatan"]
        shown = [r["current"] for r in _by_code(rows).values() if r["sector"] == "kesehatan"]
        hidden = shown.count(None)
        assert hidden != 1 or sector["current"] is None, (sector["current"], shown)

    def test_a_suppressed_count_is_an_empty_cell_in_the_csv(self, world, client):
        response = client.get("/data/staffing.csv?level=unit")
        rows = {
            row["code"]: row
            for row in csv.DictReader(io.StringIO(_body(response).decode("utf-8-sig")))
        }
        row = rows[str(world.units["u4"].pk)]
        assert (row["current"], row["gap"], row["suppressed"]) == ("", "", "true")


# --- 3. bad input: 400, 404 and 405 in problem+json, never a 500 ------------------------------


def _assert_problem(response, status):
    where = response.request["PATH_INFO"], response.request.get("QUERY_STRING", "")[:100]
    assert response.status_code == status, (where, response.status_code, response.content[:300])
    assert response["Content-Type"] == PROBLEM, where
    body = json.loads(response.content)
    assert set(body) >= PROBLEM_KEYS, body
    assert body["status"] == status
    assert body["type"].startswith("https://") and body["title"] and body["detail"]
    return body


BAD_QUERIES = [
    ("/api/v1/periods/?colour=red", "colour"),
    ("/api/v1/periods/?period=abc", "period"),
    ("/api/v1/periods/?year=-1", "year"),
    ("/api/v1/periods/?page=0", "page"),
    ("/api/v1/periods/?page=99999", "page"),
    ("/api/v1/periods/?page_size=5000", "page_size"),
    ("/api/v1/periods/?page_size=0", "page_size"),
    ("/api/v1/periods/?year=2026&year=2025", "year"),
    ("/api/v1/periods/?lang=fr", "lang"),
    ("/api/v1/staffing/?level=planet", "level"),
    ("/api/v1/formations/?sector=<script>", "sector"),
    ("/api/v1/announcement-results/", "announcement"),
    ("/api/v1/announcements/1/?page=2", "page"),
    ("/data/staffing.csv?page=2", "page"),
    ("/data/announcement-results.json", "announcement"),
]


def test_it_answers_a_bad_query_with_400_naming_the_parameter(client):
    for url, parameter in BAD_QUERIES:
        body = _assert_problem(client.get(url), 400)
        assert body["errors"].get(parameter), (url, body)
        assert parameter in body["detail"], (url, body)


UNKNOWN = [
    "/api/v1/periods/999999/",
    "/api/v1/formations/999999/",
    "/api/v1/announcements/999999/",
    "/api/v1/forum-topics/999999/",
    "/api/v1/periods/99999999999999999999/",
    "/api/v1/periods/abc/",
    "/api/v1/nope/",
    "/api/v1/periods/1/extra/",
    "/data/nope.csv",
]


def test_it_answers_an_unknown_id_or_address_with_404(client):
    for url in UNKNOWN:
        _assert_problem(client.get(url), 404)


def test_it_hides_an_unpublished_or_hidden_row_behind_404(world, client):
    from recruitment.models import SelectionPeriod

    SelectionPeriod.objects.filter(pk=world.period.pk).update(is_published=False)
    _assert_problem(client.get(f"/api/v1/periods/{world.period.pk}/"), 404)
    hidden = Topic.objects.get(title="Disembunyikan")
    _assert_problem(client.get(f"/api/v1/forum-topics/{hidden.pk}/"), 404)


def test_it_answers_the_results_of_an_unknown_announcement_with_404(client):
    _assert_problem(client.get("/api/v1/announcements/999999/results/"), 404)


def test_it_only_reads(client):
    for url in ("/api/v1/periods/", "/api/v1/periods/1/", "/data/periods.csv"):
        for method in ("post", "put", "patch", "delete"):
            response = getattr(client, method)(url, data="{}", content_type="application/json")
            _assert_problem(response, 405)
            assert "GET" in response["Allow"] and "POST" not in response["Allow"], url


ODD_VALUES = [
    "%00",
    "-1",
    "1e3",
    "%D9%A1%D9%A2",  # Arabic-Indic digits
    "%EF%BC%92",  # a full-width 2
    "x" * 3000,
    "9" * 30,
    "%ff%fe",
]
MORE_ODD_VALUES = [
    "0",
    "1.5",
    "999999999",
    "%F0%9F%98%80",
    "%27%20OR%201%3D1--",
    "a%0Ab",
    "%20",
    "[]",
]


def test_odd_values_never_cause_a_500(world, client, settings):
    """Every filter of every dataset, and the pages, with odd values (and more of them on one
    dataset, and odd names): 200, or a 400/404 in problem+json, never a 500."""
    settings.OPEN_DATA_RATE_PER_MINUTE = 100_000
    statuses = set()

    def check(url):
        response = client.get(url)
        statuses.add(response.status_code)
        if response.status_code != 200:
            _assert_problem(response, response.status_code)

    for dataset in all_datasets():
        base = (
            f"/api/v1/announcements/{world.admin.pk}/results/"
            if dataset.slug == "announcement-results"
            else f"/api/v1/{dataset.slug}/"
        )
        names = [f.name for f in dataset.filters if f.name not in ("announcement", "year")]
        for name in [*names, "page_size"]:
            for value in ODD_VALUES:
                check(f"{base}?{name}={value}")
    for name in ("period", "year", "page", "page_size", "lang", "%00", "x" * 300, "a[]"):
        for value in ODD_VALUES + MORE_ODD_VALUES:
            check(f"/api/v1/periods/?{name}={value}")
    check("/api/v1/periods/?page=1&page=1")
    check("/data/formations.csv?unit=%00")
    for path in ("/api/v1/periods/-1/", "/api/v1/periods/" + "9" * 5000 + "/", "/data/x.csv"):
        statuses.add(client.get(path).status_code)
    assert statuses <= {200, 400, 404}, statuses
    assert {200, 400} <= statuses


def test_a_year_past_9999_is_a_bad_query(client):
    for slug in ("forum-topics", "forum-accountability", "training-compliance", "staffing"):
        body = _assert_problem(client.get(f"/api/v1/{slug}/?year=10000"), 400)
        assert "year" in body["errors"], slug


# --- 4. conditional GETs ---------------------------------------------------------------------


def test_it_answers_304_without_a_query_and_a_new_etag_after_a_change(world, client):
    url = "/api/v1/staffing/?level=unit"
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and modified.endswith("GMT")
    assert "Accept-Language" in first["Vary"]
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
        since = client.get(url, HTTP_IF_MODIFIED_SINCE=modified)
    assert (again.status_code, since.status_code) == (304, 304)
    assert again["ETag"] == etag and again.content == b""
    assert len(queries) == 0, [q["sql"] for q in queries]

    unit = world.units["u0"]
    unit.name = "Pustu Nol Baru"
    unit.save()  # committed, as far as the page cache can tell

    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert _by_code(changed.json()["results"])[str(unit.pk)]["name"] == "Pustu Nol Baru"


def test_the_etag_depends_on_the_language_and_the_query(world, client):
    tags = {
        client.get(url)["ETag"]
        for url in (
            "/api/v1/training-compliance/?level=sector",
            "/api/v1/training-compliance/?level=sector&lang=en",
            "/api/v1/training-compliance/?level=unit",
        )
    }
    assert len(tags) == 3


def test_a_download_is_validated_too(world, client):
    first = client.get("/data/formations.csv")
    assert first["ETag"] and first["Last-Modified"]
    assert client.get("/data/formations.csv", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


# --- 5. the rate limit -----------------------------------------------------------------------


def test_it_limits_an_address_with_429_and_retry_after(client, settings):
    settings.OPEN_DATA_RATE_PER_MINUTE = 3
    for _ in range(3):
        assert client.get("/api/v1/periods/").status_code == 200
    limited = client.get("/data/periods.csv")  # the downloads count with the API
    body = _assert_problem(limited, 429)
    wait = int(limited["Retry-After"])
    assert 0 < wait <= 60
    assert body["retry_after"] == wait and str(wait) in body["detail"]
    # Another address is not limited.
    assert client.get("/api/v1/periods/", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_a_made_up_forwarded_address_does_not_escape_the_limit(client, settings):
    """Without a trusted proxy (BEHIND_TLS_PROXY off), X-Forwarded-For comes from the client."""
    settings.OPEN_DATA_RATE_PER_MINUTE = 3
    settings.BEHIND_TLS_PROXY = False
    for n in range(3):
        client.get("/api/v1/periods/", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}")
    limited = client.get("/api/v1/periods/", HTTP_X_FORWARDED_FOR="10.9.9.99")
    assert limited.status_code == 429


def test_behind_the_tls_proxy_the_address_it_appends_is_limited(client, settings):
    """The proxy appends the real address last; what the client put before it is not trusted."""
    settings.OPEN_DATA_RATE_PER_MINUTE = 3
    settings.BEHIND_TLS_PROXY = True
    for n in range(3):
        assert client.get("/api/v1/periods/", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 203.0.113.7")
    assert client.get("/api/v1/periods/", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    assert client.get("/api/v1/periods/", HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 200


# --- 6. CORS ---------------------------------------------------------------------------------

ORIGIN = "https://example.org"


def test_any_origin_may_read_the_api_and_the_downloads(client):
    for url in ("/api/v1/periods/", "/data/periods.json", "/data/catalog.jsonld"):
        response = client.get(url, HTTP_ORIGIN=ORIGIN)
        assert response["Access-Control-Allow-Origin"] == "*", url
        assert "Access-Control-Allow-Credentials" not in response
    exposed = client.get("/api/v1/periods/", HTTP_ORIGIN=ORIGIN)["Access-Control-Expose-Headers"]
    assert {"etag", "retry-after"} <= {h.strip().lower() for h in exposed.split(",")}


def test_a_preflight_for_post_is_not_allowed(client):
    response = client.options(
        "/api/v1/periods/",
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    allowed = {m.strip() for m in response.get("Access-Control-Allow-Methods", "").split(",")}
    assert "POST" not in allowed and "GET" in allowed


def test_a_page_outside_the_api_gets_no_cors_header(client):
    response = client.get("/", HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


# --- 7. constant queries at two sizes ----------------------------------------------------------


def _list_urls(world):
    urls = {
        f"/api/v1/{d.slug}/": d.slug for d in all_datasets() if d.slug != "announcement-results"
    }
    urls[f"/api/v1/announcements/{world.admin.pk}/results/"] = "results (admin)"
    urls[f"/api/v1/announcements/{world.final.pk}/results/"] = "results (final)"
    urls[f"/api/v1/training-compliance/?year={YEAR}"] = "training-compliance"
    return urls


def _query_counts(client, urls) -> dict[str, tuple[int, int]]:
    counts = {}
    for url in urls:
        client.get(url)  # warm up what is read once per process
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = (len(queries), response.json()["count"])
    return counts


def _grow(world, n=12):
    """n more of everything each dataset lists."""
    kelurahan = list(Kelurahan.objects.order_by("pk"))
    pppk = SelectionPeriodFactory(year=YEAR, documents=False)
    ikm_users = [UserFactory(verified=False) for _ in range(n)]
    for i in range(n):
        unit = UnitFactory(kelurahan=kelurahan[i % len(kelurahan)])
        position = PositionFactory(unit=unit)
        abk_with_minutes(position, world.year, [world.year.effective_minutes])
        EmployeeFactory(position=position)
        IkmResponse.objects.create(
            unit=unit,
            period=world.ikm_period,
            respondent=ikm_users[i],
            **{f"u{k}": 3 for k in range(1, 10)},
        )
        _topic(world.author, unit, f"Topik {i}")
        formation = FormationFactory(period=world.period, position=position, required=[])
        application = ApplicationFactory(formation=formation)
        ApplicationEvent.objects.create(
            application=application, status=Milestone.ADMIN_RESULT, note="MS"
        )
        ExamResult.objects.create(application=application, final_rank=1, ranked_at=timezone.now())
        FormationFactory(period=pppk, position=position, required=[])
    for _ in range(3):
        Announcement.objects.create(
            period=SelectionPeriodFactory(documents=False), kind=Announcement.Kind.ADMIN
        )


def test_each_list_answers_with_the_same_queries_at_two_sizes(world, client, page_cache_off):
    urls = _list_urls(world)
    small = _query_counts(client, urls)
    _grow(world)
    large = _query_counts(client, urls)
    for url, slug in urls.items():
        (before, rows_before), (after, rows_after) = small[url], large[url]
        assert rows_after > rows_before >= 1, (slug, rows_before, rows_after)
        assert after == before, (
            f"{slug}: {before} queries for {rows_before} rows, {after} for {rows_after}"
        )


# --- 8. the schema, the docs and the documented examples -------------------------------------


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_schema_is_valid_openapi_3_in_both_languages(client, lang):
    response = client.get(f"/api/v1/schema/?format=json&lang={lang}")
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for dataset in all_datasets():
        assert any(path.startswith(f"/api/v1/{dataset.slug}/") for path in paths) or (
            dataset.slug == "announcement-results"
        ), dataset.slug
    assert "/api/v1/announcements/{announcement}/results/" in paths
    # In the language asked for, once translated (the msgid otherwise).
    with translation.override(lang):
        title = str(get_dataset("periods").title)
    assert paths["/api/v1/periods/"]["get"]["summary"] == title


def test_the_docs_page_uses_only_local_static_files(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    text = response.content.decode()
    assets = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', text)
    assert len(assets) >= 4, assets
    for asset in map(html.unescape, assets):
        assert not re.match(r"^(https?:)?//", asset), asset
        path = asset.split("?")[0]
        if path == "/api/v1/docs/":  # the split view's script: served by the view itself
            script = client.get(asset)
            assert script.status_code == 200
            assert "javascript" in script["Content-Type"]
            continue
        assert path.startswith(django_settings.STATIC_URL), asset
        assert finders.find(path.removeprefix(django_settings.STATIC_URL)), asset
    assert "<script>" not in text and "style=" not in text  # the CSP allows neither


def _documented_examples() -> list[str]:
    return re.findall(r"`GET (/(?:api/v1|data)/[^`\s]*)`", DOC.read_text(encoding="utf-8"))


def test_every_documented_example_works(world, client):
    if not DOC.exists():
        pytest.skip(f"{DOC} is not written yet: its examples cannot be run")
    examples = _documented_examples()
    assert len(examples) >= 5, examples
    for url in examples:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])


# --- 9. the downloads and the catalogue ------------------------------------------------------


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _download_query(world, dataset) -> str:
    return f"?announcement={world.admin.pk}" if dataset.slug == "announcement-results" else ""


def test_each_csv_has_a_bom_and_the_dataset_fields_as_header(world, client):
    for dataset in all_datasets():
        query = _download_query(world, dataset)
        response = client.get(f"/data/{dataset.slug}.csv{query}")
        assert response.status_code == 200, dataset.slug
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith("attachment; filename=")
        body = _body(response)
        assert body.startswith(b"\xef\xbb\xbf"), dataset.slug
        header, *rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        assert header == dataset.field_names(), dataset.slug
        assert all(len(row) == len(header) for row in rows)
        api = f"/api/v1/{dataset.slug}/{query}"
        assert len(rows) == client.get(api).json()["count"], dataset.slug


def test_each_json_download_has_the_licence_and_the_api_rows(world, client):
    for dataset in all_datasets():
        query = _download_query(world, dataset)
        response = client.get(f"/data/{dataset.slug}.json{query}")
        assert response.status_code == 200, dataset.slug
        data = json.loads(_body(response))
        assert data["licence"] == "CC BY 4.0" and data["dataset"] == dataset.slug
        assert data["licence_url"] == django_settings.OPEN_DATA_LICENCE_URL
        api = client.get(f"/api/v1/{dataset.slug}/{query}").json()["results"]
        assert len(data["rows"]) == len(api), dataset.slug
        assert [list(row) for row in data["rows"]] == [list(row) for row in api], dataset.slug


def test_a_json_download_writes_numbers_as_the_api_does(world, client):
    data = json.loads(_body(client.get(f"/data/ikm.json?period={world.ikm_period.pk}")))
    api = client.get(f"/api/v1/ikm/?period={world.ikm_period.pk}").json()["results"]
    assert data["rows"] == api


def test_the_catalogue_lists_every_dataset_with_its_dcat_metadata(world, client):
    response = client.get("/data/")
    assert response.status_code == 200
    text = response.content.decode()
    for dataset in all_datasets():
        assert f"/data/{dataset.slug}.csv" in text and f"/data/{dataset.slug}.json" in text
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
    assert len(scripts) == 1
    for catalogue in (json.loads(scripts[0]), client.get("/data/catalog.jsonld").json()):
        assert catalogue["@type"] == "dcat:Catalog"
        entries = catalogue["dcat:dataset"]
        assert [e["@type"] for e in entries] == ["dcat:Dataset"] * len(all_datasets())
        assert [e["dct:identifier"] for e in entries] == [d.slug for d in all_datasets()]
        for entry in entries:
            formats = [d["dct:format"] for d in entry["dcat:distribution"]]
            assert formats == ["CSV", "JSON", "API"], entry["dct:identifier"]
            assert entry["dct:license"]["@id"] == django_settings.OPEN_DATA_LICENCE_URL
    assert client.get("/data/catalog.jsonld")["Content-Type"] == "application/ld+json"
