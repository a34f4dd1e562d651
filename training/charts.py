"""The HR overview's charts: PNS staff complete and short of the yearly JP minimum. In the
portal's chart style (core.charts), but drawn at a phone's width: the SVG scales with the page,
so a chart drawn 380 units wide keeps its text at 12 px or more on a 390 px screen (and grows on
a desktop). The page shows the same numbers in a table."""

import pygal
from pygal.style import Style

from core.charts import PORTAL_STYLE, chart_number, svg

WIDTH = 380
# Text sizes in SVG units; on a 390 px phone the chart is about 358 px wide (0.94 scale).
TRAINING_STYLE = Style(
    **{
        **{name: getattr(PORTAL_STYLE, name) for name in ("background", "plot_background")},
        "foreground": PORTAL_STYLE.foreground,
        "foreground_strong": PORTAL_STYLE.foreground_strong,
        "foreground_subtle": PORTAL_STYLE.foreground_subtle,
        "colors": PORTAL_STYLE.colors,
        "font_family": PORTAL_STYLE.font_family,
        "label_font_size": 14,
        "major_label_font_size": 14,
        "value_font_size": 14,
        "value_label_font_size": 14,
        "legend_font_size": 14,
        "title_font_size": 15,
        "no_data_font_size": 16,
        "tooltip_font_size": 14,
    }
)


def chart_height(rows: int) -> int:
    return max(220, 56 * rows + 120)


def shortfall_chart(
    *, title: str, rows, complete_label: str, short_label: str, no_data: str
) -> str:
    rows = list(rows)
    chart = pygal.HorizontalBar(
        style=TRAINING_STYLE,
        js=[],
        disable_xml_declaration=False,
        width=WIDTH,
        height=chart_height(len(rows)),
        legend_at_bottom=True,
        legend_at_bottom_columns=1,
        print_values=True,
        print_zeroes=True,
        show_y_guides=False,
        title=title,
        margin=8,
        truncate_label=18,
        truncate_legend=40,
        value_formatter=chart_number,
        no_data_text=no_data,
    )
    chart.x_labels = [row.label for row in rows]
    if rows:
        chart.add(complete_label, [row.complete for row in rows])
        chart.add(short_label, [row.short for row in rows])
    return svg(chart)
