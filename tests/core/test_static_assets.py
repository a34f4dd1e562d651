"""The built front end (issue 23: a small first load): the CSS that `make css` builds from
Bootstrap's Sass sources is there, no template or page links a static file that does not exist,
and a page loads htmx only where one of its forms uses it, and Bootstrap's JavaScript nowhere."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.factories import FormationFactory
from tests.forums.factories import TopicFactory

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
STATIC_TAG = re.compile(r"""\{%\s*static\s+['"]([^'"]+)['"]\s*%\}""")
LINKED = re.compile(r'(?:href|src)="/static/([^"]+)"')
HX_ATTRIBUTE = re.compile(r"\shx-[a-z]+=")
HTMX = "build/htmx.min.js"


def _built(name: str) -> Path:
    found = finders.find(name)
    assert found, f"static/{name} is missing: run `make css` (make run, test and bench do)"
    return Path(found)


def test_it_builds_the_css_with_the_classes_the_pages_use():
    css = _built("build/portal.css").read_text(encoding="utf-8")
    # A grid column, a badge tone from Python (recruitment's status), a crispy form field and its
    # error, a message level, a utility only a breakpoint uses and the skip link.
    for selector in [
        ".container",
        ".col-md-4",
        ".text-bg-success",
        ".form-control",
        ".is-invalid",
        ".alert-success",
        ".d-md-none",
        ".visually-hidden-focusable",
        ".page-link",
    ]:
        assert selector in css, selector
    # Purged: no component that needs Bootstrap's JavaScript, and far below the whole 232 KB.
    assert not re.search(r"\.(modal|dropdown-menu|carousel|offcanvas|tooltip|popover)[{,]", css)
    assert len(css) < 90_000


def test_no_template_names_a_missing_static_file():
    missing = {
        (str(path.relative_to(TEMPLATES)), name)
        for path in TEMPLATES.rglob("*.html")
        for name in STATIC_TAG.findall(path.read_text(encoding="utf-8"))
        if not finders.find(name)
    }
    assert not missing


def test_public_pages_link_only_existing_files_and_no_javascript_they_do_not_use(
    client, client_as, resident
):
    formation = FormationFactory()
    topic = TopicFactory()
    anonymous = [
        "/",
        reverse("recruitment:vacancy_list"),
        formation.get_absolute_url(),
        reverse("recruitment:statistics"),
        reverse("forums:topic_list"),
        topic.get_absolute_url(),
        reverse("account_login"),
    ]
    pages = [(url, client.get(url)) for url in anonymous]
    signed_in = client_as(resident)
    pages.append(("topic form", signed_in.get(reverse("forums:topic_create"))))
    for url, response in pages:
        assert response.status_code == 200, url
        html = response.content.decode()
        linked = LINKED.findall(html)
        assert "build/portal.css" in linked, url
        assert all(finders.find(name) for name in linked), (url, linked)
        assert not any("vendor/" in name or "bootstrap" in name for name in linked), url
        # htmx where, and only where, a form has hx- attributes.
        assert (HTMX in linked) == bool(HX_ATTRIBUTE.search(html)), url
    assert HTMX in LINKED.findall(pages[-1][1].content.decode())
