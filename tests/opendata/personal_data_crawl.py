"""No personal data in the open data (issue 20, docs/opendata.md): with the demo data, every value
of every personal field of the database is looked for in everything the open data serves (every
page of every dataset, every detail, every download in CSV and JSON, the catalogue and its DCAT
metadata, in both languages), and none may appear.

The personal values: for every model of the portal, the fields the kernel recognises as personal
(`core.personaldata.personal_fields`) and the fields its app declared (`declarations()`): text of
five characters or more and dates (ISO), plus every account's e-mail and full name. Registration
numbers are not personal: they are what the public announcement shows.

The tests run in tests/test_permission_matrix.py, which imports them, on the demo that module
seeds once (in one outer transaction rolled back at the end): this file is named so that pytest
does not collect it a second time. The crawl is one test; a second one shows that the same search
finds a planted name."""

import csv
import html
import io
import json
import re
from bisect import bisect_right
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.db import models
from django.test import Client

from core.personaldata import declarations, personal_fields
from opendata.datasets import all_datasets

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

LANGUAGES = ("id", "en")
MIN_LENGTH = 5
DETAILS = {  # dataset slug -> the model whose ids its detail address takes
    "periods": "recruitment.SelectionPeriod",
    "formations": "recruitment.Formation",
    "announcements": "recruitment.Announcement",
    "forum-topics": "forums.Topic",
}
# Values of a personal field that are also public words, each with why it may appear. Keep it
# short: every entry is a value the crawl no longer looks for.
NOT_IDENTIFYING = {
    # A city: the birth place of many applicants, and the publisher's address in the catalogue.
    "palangka raya": "a city name (birth place), part of the publisher's name",
}


@pytest.fixture
def open_client(settings):
    settings.OPEN_DATA_RATE_PER_MINUTE = 1_000_000  # the crawl makes hundreds of requests
    return Client()


# --- what is personal -------------------------------------------------------------------------


def _project_models() -> Iterable[type[models.Model]]:
    base = Path(django_settings.BASE_DIR).resolve()
    for app_config in apps.get_app_configs():
        path = Path(app_config.path).resolve()
        if path.is_relative_to(base) and ".venv" not in path.parts:
            yield from app_config.get_models()


def _personal_field_names(model) -> set[str]:
    names = set(personal_fields(model))
    declaration = declarations().get(model._meta.label)
    if declaration is not None:
        names.update(declaration.fields)
    return names


def personal_values() -> dict[str, str]:
    """Every personal value in the database, casefolded -> where it comes from ("model.field")."""
    from accounts.models import User
    from recruitment.models import Application

    found: dict[str, str] = {}

    def add(value, where):
        if isinstance(value, str):
            text = value.strip()
            if len(text) >= MIN_LENGTH:
                found.setdefault(text.casefold(), where)

    for model in _project_models():
        for name in sorted(_personal_field_names(model)):
            field = model._meta.get_field(name)
            if not field.concrete or field.is_relation:
                continue  # links to accounts and persons are ids, never text
            where = f"{model._meta.label}.{name}"
            values = model._base_manager.exclude(**{f"{name}__isnull": True}).values_list(
                name, flat=True
            )
            if isinstance(field, models.DateTimeField):
                continue
            if isinstance(field, models.DateField):
                for value in values.distinct():
                    found.setdefault(value.isoformat(), where)
            elif isinstance(field, models.CharField | models.TextField | models.FileField):
                for value in values.distinct():
                    add(value, where)
    for email, full_name in User.objects.values_list("email", "full_name"):
        add(email, "accounts.User.email")
        add(full_name, "accounts.User.full_name")
    for number in Application.objects.values_list("registration_number", flat=True):
        if number:
            found.pop(number.casefold(), None)  # public: the announcements show them
    for value in NOT_IDENTIFYING:
        found.pop(value, None)
    return found


# --- what the open data serves ------------------------------------------------------------------

LD_JSON = re.compile(r'<script[^>]*type="application/ld\+json"[^>]*>(.*?)</script>', re.S)


def _strings(data) -> Iterable[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield str(key)
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)


def searchable(content_type: str, text: str) -> str:
    """The text a reader (or a program) gets from an answer: the raw text, plus its strings
    decoded (JSON escapes, CSV quoting, HTML entities), casefolded."""
    parts = [text]
    if "json" in content_type:
        parts += _strings(json.loads(text))
    elif "csv" in content_type:
        for row in csv.reader(io.StringIO(text)):
            for cell in row:
                parts.append(cell)
                if cell.startswith(("[", "{")):
                    parts += _strings(json.loads(cell))
    elif "html" in content_type:
        parts.append(html.unescape(text))
        for script in LD_JSON.findall(text):
            parts += _strings(json.loads(html.unescape(script)))
    return "\n".join(parts).casefold()


def find_leaks(values: dict[str, str], pages: dict[str, str]) -> list[str]:
    """Each personal value found in a page: "value (model.field) at url". One pass per value
    over all the pages joined (separated by a character no value holds)."""
    urls, starts, chunks, offset = [], [], [], 0
    for url, text in pages.items():
        urls.append(url)
        starts.append(offset)
        chunks.append(text)
        offset += len(text) + 1
    joined = "\x00".join(chunks)
    leaks = []
    for value, where in values.items():
        at = joined.find(value)
        if at != -1:
            leaks.append(f"{value!r} ({where}) at {urls[bisect_right(starts, at) - 1]}")
    return sorted(leaks)


class Crawler:
    def __init__(self, client: Client):
        self.client = client
        self.pages: dict[str, str] = {}

    def get(self, url: str, lang: str, *, allow=(200,)):
        response = self.client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
        assert response.status_code in allow, (url, lang, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8")
        content_type = response.get("Content-Type", "")
        if response.status_code == 200:
            self.pages[f"{url} [{lang}]"] = searchable(content_type, text)
        return response.status_code, content_type, text

    def every_page(self, url: str, lang: str) -> list[dict]:
        """Every row of a list, following `next` (1,000 rows a page)."""
        separator = "&" if "?" in url else "?"
        address = f"{url}{separator}page_size=1000&lang={lang}"
        rows = []
        while address:
            _status, _type, text = self.get(address, lang)
            data = json.loads(text)
            rows += data["results"]
            following = data["next"]
            address = None
            if following:
                parts = urlsplit(following)
                address = f"{parts.path}?{parts.query}"
        return rows

    def download(self, slug: str, lang: str, query: str = ""):
        for extension in ("csv", "json"):
            url = f"/data/{slug}.{extension}?lang={lang}" + (f"&{query}" if query else "")
            self.get(url, lang)


def crawl(client: Client) -> tuple[dict[str, str], dict[str, int]]:
    """(url -> searchable text, dataset -> rows seen) over everything the open data serves."""
    from recruitment.models import Announcement

    crawler = Crawler(client)
    rows_seen: dict[str, int] = {}
    announcement_ids = sorted(Announcement.objects.values_list("pk", flat=True))
    for lang in LANGUAGES:
        for dataset in all_datasets():
            slug = dataset.slug
            if slug == "announcement-results":
                for pk in announcement_ids:
                    nested = crawler.every_page(f"/api/v1/announcements/{pk}/results/", lang)
                    flat = crawler.every_page(f"/api/v1/{slug}/?announcement={pk}", lang)
                    assert nested == flat, pk
                    rows_seen[slug] = rows_seen.get(slug, 0) + len(flat)
                    crawler.download(slug, lang, f"announcement={pk}")
                continue
            rows = crawler.every_page(f"/api/v1/{slug}/", lang)
            rows_seen[slug] = len(rows)
            crawler.download(slug, lang)
            if slug in DETAILS:
                listed = {row["id"] for row in rows}
                model = apps.get_model(DETAILS[slug])
                for pk in model._base_manager.values_list("pk", flat=True):
                    status, _type, _text = crawler.get(
                        f"/api/v1/{slug}/{pk}/?lang={lang}", lang, allow=(200, 404)
                    )
                    assert status == (200 if pk in listed else 404), (slug, pk, status)
        crawler.get("/data/", lang)
        crawler.get("/data/catalog.jsonld", lang)
    return crawler.pages, rows_seen


# --- the tests --------------------------------------------------------------------------------


def test_it_serves_no_personal_value_anywhere(demo, open_client):
    values = personal_values()
    # The search has something to look for: the demo's people, their NIP, NIK and birth dates.
    kinds = set(values.values())
    for expected in (
        "accounts.User.email",
        "accounts.User.full_name",
        "workforce.Employee.full_name",
        "workforce.Employee.nip",
        "workforce.Employee.birth_date",
        "recruitment.ApplicantProfile.nik",
    ):
        assert expected in kinds, expected

    pages, rows_seen = crawl(open_client)

    # The crawl saw the data: every dataset has rows in the demo (a crawl of empty lists would
    # prove nothing), and it read each list, detail and download in both languages.
    assert all(rows_seen.values()), rows_seen
    assert set(rows_seen) == {d.slug for d in all_datasets()}
    assert len(pages) > 100, len(pages)
    assert find_leaks(values, pages) == []


def test_the_same_search_finds_a_planted_name(demo, open_client):
    """The crawl can fail: an employee's full name written into a public topic's title (what a
    resident might do) is found by the same search, naming the value and the address."""
    from forums.models import Topic, Visibility
    from workforce.models import Employee

    employee = Employee.objects.exclude(full_name="").order_by("pk").first()
    topic = Topic.objects.filter(visibility=Visibility.PUBLIC).order_by("pk").first()
    topic.title = f"Pelayanan oleh {employee.full_name} sangat baik"
    topic.save(update_fields=["title"])

    crawler = Crawler(open_client)
    crawler.get(f"/api/v1/forum-topics/{topic.pk}/?lang=id", "id")
    crawler.download("forum-topics", "id")
    values = personal_values()
    name = employee.full_name.casefold()
    for url, text in crawler.pages.items():
        leaks = find_leaks(values, {url: text})
        assert any(leak.startswith(repr(name)) and leak.endswith(f" at {url}") for leak in leaks)
    assert len(crawler.pages) == 3  # the detail, the CSV and the JSON
