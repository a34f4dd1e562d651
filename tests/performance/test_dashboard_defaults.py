"""The dashboard opens on the latest checkpoint that has data, its filter names its empty
choice, the charts speak the reader's language and have a phone size whose text stays 12 px or
more at a 390 px wide screen."""

import re

import pytest
from django.urls import reverse

from performance.charts import NARROW, distribution_chart
from tests.performance.factories import agreed_skp, checkpoint, cycle, final_review, team

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed_q1(supervisor):
    """2026 with a final Q1 review only: Q2 and Q3 are due (2026-12) but have no data."""
    the_cycle = cycle(2026)
    _boss, (member,) = team(supervisor, 1)
    final_review(agreed_skp(member, the_cycle, by=supervisor), checkpoint(the_cycle), by=supervisor)
    return checkpoint(the_cycle)


def test_it_opens_on_the_latest_checkpoint_with_reviews(page_cache_off, client_as, hr, reviewed_q1):
    response = client_as(hr).get(reverse("performance:dashboard"))
    html = response.content.decode()
    assert str(reviewed_q1) in html  # "Period 1, 2026", not an empty later period
    # the choice the reader makes is still theirs
    q2 = checkpoint(reviewed_q1.cycle, 2)
    response = client_as(hr).get(reverse("performance:dashboard"), {"checkpoint": q2.pk})
    assert f"{q2} · Review due" in response.content.decode()


def test_it_labels_the_empty_filter_choice(page_cache_off, client_as, hr, reviewed_q1):
    html = client_as(hr).get(reverse("performance:dashboard")).content.decode()
    select = re.search(r'<select name="checkpoint".*?</select>', html, re.S).group(0)
    first = re.search(r"<option[^>]*>([^<]*)</option>", select).group(1)
    assert first == "The latest checkpoint with reviews"
    assert "---------" not in select


def test_it_translates_the_empty_chart(client_as, hr, reviewed_q1, monkeypatch):
    from performance import charts

    q2 = checkpoint(reviewed_q1.cycle, 2)
    url = reverse("performance:dashboard_chart", args=["sector"])
    english = client_as(hr).get(url, {"checkpoint": q2.pk}, HTTP_ACCEPT_LANGUAGE="en")
    assert "No data" in english.content.decode()
    # The text goes through the catalogue (pygal's own default is English whatever the language).
    monkeypatch.setattr(charts, "_", lambda text: f"[{text}]")
    svg = client_as(hr).get(url, {"checkpoint": q2.pk}).content.decode()
    assert "[No data]" in svg


def _font_sizes(svg: str) -> list[float]:
    return [float(size) for size in re.findall(r"font-size:\s*([\d.]+)px", svg)]


def test_the_phone_chart_keeps_its_text_readable_at_390_px():
    labels = [f"Unit kerja nomor {n} dengan nama panjang" for n in range(25)]
    series = [("Baik", [n % 4 for n in range(25)]), ("Kurang", [1] * 25)]
    svg = distribution_chart(title="Predikat", labels=labels, series=series, narrow=True)
    width = float(re.search(r'<svg[^>]*viewBox="0 0 ([\d.]+) ', svg).group(1))
    assert width == NARROW
    # A 390 px screen shows the page 366 px wide: the chart is drawn no wider, so at most 1:1.
    scale = min(1.0, 366 / width)
    assert min(_font_sizes(svg)) * scale >= 12
    wide = distribution_chart(title="Predikat", labels=labels, series=series)
    assert min(_font_sizes(wide)) * (366 / 720) < 12  # why the phone needs its own size


def test_the_page_offers_the_phone_chart_on_small_screens(
    page_cache_off, client_as, hr, reviewed_q1
):
    html = client_as(hr).get(reverse("performance:dashboard")).content.decode()
    sources = re.findall(r'<source media="\(max-width: 575.98px\)" srcset="([^"]+)"', html)
    assert len(sources) == 2 and all("size=narrow" in s for s in sources)
    response = client_as(hr).get(sources[0].replace("&amp;", "&"))
    assert response.status_code == 200
    assert f'viewBox="0 0 {NARROW} ' in response.content.decode()
