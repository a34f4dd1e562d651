"""Server-side SVG charts (pygal), drawn in one style for the whole portal. Served as images, so
they read without JavaScript; every chart has the same numbers as an accessible table beside it
on the page. The apps draw their own charts with `PORTAL_STYLE` and `svg()`, or use the
horizontal bar chart here."""

import re

import pygal
from pygal.style import Style

from core.numbers import number

PORTAL_STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1f2937",
    foreground_strong="#111827",
    foreground_subtle="#6b7280",
    colors=("#0b6e4f", "#9ca3af", "#c2410c"),
    font_family="system-ui, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=13,
    title_font_size=15,
)


def chart_number(value) -> str:
    """pygal's `value_formatter`: a chart's values and value axis in the language's number style
    (1.234 and 76,61 in Bahasa Indonesia), as in the table beside it."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return number(value)


def svg(chart) -> str:
    """The chart's SVG without the small config <script> pygal always adds: the chart is an
    image, so the script would only trip the Content-Security-Policy when the SVG is opened on
    its own."""
    return re.sub(r"<script.*?</script>", "", chart.render(is_unicode=True), flags=re.DOTALL)


# An SVG shown as an <img> scales with its box, and its text with it: drawn 720 units wide in a
# 358 px phone column, 13 px text would read as 6.5 px. So the horizontal bar chart is drawn at
# the width of the column it lands in (the page offers each in a <picture> source: the phone's
# full width, half of a desktop row, or a tablet's full width), never scaled below 0.9, with
# text of 14 units: at least 12 px on a 390 px phone.
BAR_CHART_WIDTHS = {"phone": 360, "half": 480, "full": 720}
BAR_CHART_STYLE = PORTAL_STYLE.__class__(
    **{
        **PORTAL_STYLE.__dict__,
        "label_font_size": 14,
        "major_label_font_size": 14,
        "legend_font_size": 14,
        "value_font_size": 14,
        "value_label_font_size": 14,
        "tooltip_font_size": 14,
        "title_font_size": 16,
    }
)


def bar_chart_size(rows: int, size: str = "full", series: int = 3) -> dict:
    """The width and height a horizontal bar chart of `rows` rows is drawn at, for the page's
    <img>/<source> width and height attributes (so the page does not jump when it loads)."""
    width = BAR_CHART_WIDTHS[size]
    # A narrow chart puts its legend in one column: a line per series.
    legend = 0 if width >= BAR_CHART_WIDTHS["full"] else 24 * (series - 1)
    return {"width": width, "height": max(220, 70 * rows + 90 + legend)}


def bar_chart_sizes(rows: int, series: int = 3) -> dict:
    return {size: bar_chart_size(rows, size, series) for size in BAR_CHART_WIDTHS}


def value_ticks(largest: int, count: int = 4) -> list[int]:
    """At most `count` round steps (1, 2 or 5 times a power of ten) from 0 up to `largest` or just
    past it: 0, 20, 40, 60, 80, 100 for 97 would crowd a phone, so 0, 50, 100."""
    if largest <= 0:
        return [0, 1]
    steps = (m * 10**power for power in range(len(str(int(largest))) + 1) for m in (1, 2, 5))
    step = next(step for step in steps if step * count >= largest)
    return list(range(0, -(-int(largest) // step) * step + 1, step))


def _shortened(label: str, limit: int) -> str:
    """The label, or its first whole words within `limit` characters and an ellipsis."""
    if len(label) <= limit:
        return label
    cut = label[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip() + "…"


def horizontal_bar_chart(
    *, title: str, labels: list[str], series: list[tuple[str, list[int]]], size: str = "full"
) -> str:
    dimensions = bar_chart_size(len(labels), size, len(series))
    narrow = dimensions["width"] < BAR_CHART_WIDTHS["full"]
    chart = pygal.HorizontalBar(
        style=BAR_CHART_STYLE,
        js=[],  # no external script; the image never runs scripts anyway
        disable_xml_declaration=False,
        width=dimensions["width"],
        height=dimensions["height"],
        legend_at_bottom=True,
        legend_at_bottom_columns=1 if narrow else len(series),
        print_values=True,
        print_zeroes=True,
        show_y_guides=False,
        title=title,
        margin=8 if narrow else 12,
        truncate_label=40,
        truncate_legend=40,
        value_formatter=chart_number,
    )
    if narrow:
        # Room for a few numbers on the value axis, not one every ten.
        chart.y_labels = value_ticks(max((v for _n, values in series for v in values), default=0))
    # pygal does not shorten a horizontal chart's labels: on a phone a long name would squeeze
    # the bars and push the legend out of the picture (the table beside it has the full name).
    limit = 18 if dimensions["width"] <= BAR_CHART_WIDTHS["phone"] else 40
    chart.x_labels = [_shortened(label, limit) for label in labels]
    for name, values in series:
        chart.add(name, values)
    return svg(chart)
