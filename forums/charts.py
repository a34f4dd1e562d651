"""The IKM chart: a pygal SVG served as an image, with the numbers in a table on the page."""

import re

import pygal

from workforce.charts import PORTAL_STYLE


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
        truncate_label=50,
    )
    chart.x_labels = labels
    chart.add("IKM", values)
    return re.sub(r"<script.*?</script>", "", chart.render(is_unicode=True), flags=re.DOTALL)
