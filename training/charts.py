"""The HR dashboard's chart: PNS staff complete and short of the yearly JP minimum. Drawn with
the portal's pygal helper, so every chart of the portal looks the same; the page shows the same
numbers in a table."""

from core.charts import horizontal_bar_chart


def shortfall_chart(*, title: str, rows, complete_label: str, short_label: str) -> str:
    return horizontal_bar_chart(
        title=title,
        labels=[row.label for row in rows],
        series=[
            (complete_label, [row.complete for row in rows]),
            (short_label, [row.short for row in rows]),
        ],
    )
