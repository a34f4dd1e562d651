"""The IKM chart: a pygal SVG served as an image, with the numbers in a table on the page."""

import pygal

from core.charts import PORTAL_STYLE, chart_number, svg


def ikm_bar_chart(*, title: str, labels: list[str], values: list[float]) -> str:
    chart = pygal.HorizontalBar(
        style=PORTAL_STYLE,
        js=[],
        width=720,
        height=max(220, 50 * len(labels) + 90),
        show_legend=False,
        print_values=True,
        show_y_guides=False,
        range=(0, 100),
        title=title,
        margin=12,
        value_formatter=chart_number,
        truncate_label=50,
    )
    chart.x_labels = labels
    chart.add("IKM", values)
    return svg(chart)
