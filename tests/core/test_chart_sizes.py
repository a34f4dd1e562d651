"""The horizontal bar chart drawn at the width of its column (core.charts): on a phone it is 360
units wide with 14-unit text, a few round numbers on its value axis and names cut short."""

import re

import pytest

from core.charts import bar_chart_size, horizontal_bar_chart, value_ticks


@pytest.mark.parametrize(
    ("largest", "ticks"),
    [
        (0, [0, 1]),
        (1, [0, 1]),
        (4, [0, 1, 2, 3, 4]),
        (5, [0, 2, 4, 6]),
        (8, [0, 2, 4, 6, 8]),
        (9, [0, 5, 10]),
        (97, [0, 50, 100]),
        (100, [0, 50, 100]),
        (420, [0, 200, 400, 600]),
    ],
)
def test_it_puts_a_few_round_numbers_on_a_narrow_value_axis(largest, ticks):
    assert value_ticks(largest) == ticks


def _chart(size, labels=("Kesehatan", "Habaring Hurung Panjang Sekali")):
    return horizontal_bar_chart(
        title="Pegawai",
        labels=list(labels),
        series=[("Kebutuhan", [97, 3]), ("Ada", [84, 1]), ("Kurang", [13, 2])],
        size=size,
    )


def test_it_draws_the_phone_chart_at_the_phones_width_with_readable_text():
    svg = _chart("phone")
    assert 'viewBox="0 0 360 ' in svg
    sizes = {int(size) for size in re.findall(r"font-size:(\d+)px", svg)}
    # Every text the chart shows is 14 units or more (no_data's 64 is shown only when empty).
    assert min(sizes) == 14
    assert "Habaring Hurung…" in svg and "Panjang Sekali" not in svg
    axis = re.search(r'<g class="axis x">(.*?)</g></g>', svg).group(1)
    assert re.findall(r"<text[^>]*>(\d+)</text>", axis) == ["0", "50", "100"]


def test_it_keeps_the_desktop_chart_as_it_was():
    svg = _chart("full")
    assert 'viewBox="0 0 720 ' in svg
    assert "Habaring Hurung Panjang Sekali" in svg
    assert bar_chart_size(4, "full") == {"width": 720, "height": 370}
    assert bar_chart_size(4, "phone") == {"width": 360, "height": 418}


@pytest.mark.django_db
def test_the_needs_map_offers_each_chart_at_each_width(client_as, hr):
    client = client_as(hr)
    page = client.get("/workforce/needs/?year=2026").content.decode()
    for dimension in ("sector", "kelurahan"):
        for size in ("phone", "half", "full"):
            assert f"/workforce/needs/chart/{dimension}.svg?year=2026&amp;size={size}" in page
    phone = client.get("/workforce/needs/chart/sector.svg?year=2026&size=phone")
    assert phone.status_code == 200 and 'viewBox="0 0 360 ' in phone.content.decode()
    assert client.get("/workforce/needs/chart/sector.svg?size=poster").status_code == 404
