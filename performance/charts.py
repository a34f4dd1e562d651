"""The predikat distribution as a server-side SVG (pygal), served as an image; the page shows
the same numbers in a table."""

import pygal

from core.charts import PORTAL_STYLE, chart_number, svg


def distribution_chart(
    *, title: str, labels: list[str], series: list[tuple[str, list[int]]]
) -> str:
    style = PORTAL_STYLE.__class__(
        **{
            **PORTAL_STYLE.__dict__,
            "colors": ("#0b6e4f", "#4d9078", "#d97706", "#c2410c", "#7f1d1d"),
        }
    )
    chart = pygal.StackedBar(
        style=style,
        js=[],
        width=720,
        height=max(260, 40 * len(labels) + 160),
        legend_at_bottom=True,
        legend_at_bottom_columns=3,
        print_values=False,
        title=title,
        margin=12,
        value_formatter=chart_number,
        truncate_label=24,
        x_label_rotation=20,
    )
    chart.x_labels = labels
    for name, values in series:
        chart.add(name, values)
    return svg(chart)
