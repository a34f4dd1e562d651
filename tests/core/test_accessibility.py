"""The accessibility statement: public, in both languages, linked from every page's footer."""

import pytest
from django.urls import reverse

from core.views import ACCESSIBILITY_REVIEWED

pytestmark = pytest.mark.django_db

URL = reverse("accessibility")


def test_it_states_what_is_tested_the_limits_and_how_to_report(client):
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<h1 class="h3">Accessibility statement</h1>' in page
    for words in (
        "axe-core",
        "390 pixels",
        "Keyboard use",
        "Slow networks",
        "not fully tagged",
        "a table with the same numbers",
        'href="mailto:',
    ):
        assert words in page
    assert f"Last reviewed on {ACCESSIBILITY_REVIEWED.day} December 2026." in page


def test_it_speaks_indonesian_by_default(client):
    page = client.get(URL).content.decode()

    assert '<html lang="id">' in page
    assert "Desember 2026" in page  # the date of the last review, in Indonesian


def test_every_page_links_it_from_the_footer(client):
    footer = client.get(reverse("home")).content.decode().split("<footer")[1]
    assert f'href="{URL}"' in footer
    assert f'href="{reverse("recruitment:help_index")}"' in footer
