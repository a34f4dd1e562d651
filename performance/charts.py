"""The predikat distribution as a server-side SVG (pygal), served as an image; the page shows
the same numbers in a table.

The chart scales with the page, so its text shrinks with it: a 720-unit-wide chart shown on a
390 px phone would print 13-unit labels at about 6 px. The page therefore asks for a narrow
chart (`narrow=True`, drawn 340 units wide, horizontal bars so long unit names fit) on small
screens; it is shown at its own width there, so its text stays at 13 px or more."""

import pygal
from django.utils.translation import gettext as _

from core.charts import PORTAL_STYLE, chart_number, svg

WIDE, NARROW = 720, 340


# Up to this many columns stand upright on a desktop; more become horizontal bars.
WIDE_COLUMNS_MAX = 6


def distribution_chart(
    *, title: str, labels: list[str], series: list[tuple[str, list[int]]], narrow: bool = False
) -> str:
    style = PORTAL_STYLE.__class__(
        **{
            **PORTAL_STYLE.__dict__,
            "colors": ("#0b6e4f", "#4d9078", "#d97706", "#c2410c", "#7f1d1d"),
            "no_data_font_size": 16,
            # every text the SVG's stylesheet sizes, so none falls under 12 px on a phone
            "value_font_size": 13,
            "value_label_font_size": 13,
            "tooltip_font_size": 13,
        }
    )
    options = {
        "style": style,
        "js": [],
        "legend_at_bottom": True,
        "print_values": False,
        "title": title,
        "margin": 12,
        "value_formatter": chart_number,
        "no_data_text": _("No data"),
    }
    if narrow:
        chart = pygal.HorizontalStackedBar(
            width=NARROW,
            height=max(300, 34 * len(labels) + 260),
            legend_at_bottom_columns=1,
            truncate_label=16,
            truncate_legend=40,
            **options,
        )
    elif len(labels) > WIDE_COLUMNS_MAX:
        # Many units: their names read along the bars, not slanted over each other.
        chart = pygal.HorizontalStackedBar(
            width=WIDE,
            height=max(300, 30 * len(labels) + 250),
            legend_at_bottom_columns=3,
            truncate_label=30,
            truncate_legend=40,
            **options,
        )
    else:
        chart = pygal.StackedBar(
            width=WIDE,
            height=max(260, 40 * len(labels) + 200),
            legend_at_bottom_columns=3,
            truncate_label=24,
            x_label_rotation=20,
            **options,
        )
    if isinstance(chart, pygal.HorizontalStackedBar):
        # pygal draws the first label at the bottom: reversed, the list reads top-down as the
        # table beside it does.
        labels = labels[::-1]
        series = [(name, values[::-1]) for name, values in series]
    chart.x_labels = labels
    for name, values in series:
        chart.add(name, values)
    return svg(chart)
