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


def horizontal_bar_chart(
    *, title: str, labels: list[str], series: list[tuple[str, list[int]]]
) -> str:
    chart = pygal.HorizontalBar(
        style=PORTAL_STYLE,
        js=[],  # no external script; the image never runs scripts anyway
        disable_xml_declaration=False,
        width=720,
        height=max(220, 70 * len(labels) + 90),
        legend_at_bottom=True,
        legend_at_bottom_columns=len(series),
        print_values=True,
        print_zeroes=True,
        show_y_guides=False,
        title=title,
        margin=12,
        truncate_label=40,
        value_formatter=chart_number,
    )
    chart.x_labels = labels
    for name, values in series:
        chart.add(name, values)
    return svg(chart)
