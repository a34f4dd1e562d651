"""The report's two files: the PDF (core.pdf: WeasyPrint, fetching nothing; each chart a pygal SVG
put into the page as a `data:` URI) and the XLSX (openpyxl: a sheet per section with its table
and a native chart, so the city's staff can reuse the numbers)."""

import base64
import io
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.charts import horizontal_bar_chart
from core.pdf import render_pdf
from opendata.report.cells import HIDDEN, PROTECTED, is_hidden, shown
from opendata.report.sections import Section, sections


def chart_uri(section: Section) -> str:
    """The section's chart as an SVG `data:` URI, or "" when it has nothing to draw."""
    values = [v for _name, series in section.chart_series for v in series if v is not None]
    if not section.chart_labels or not values:
        return ""
    svg = horizontal_bar_chart(
        title=section.chart_title,
        labels=section.chart_labels,
        series=section.chart_series,
        size="full",
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def report_pdf(report, figures: dict) -> bytes:
    drawn = [{"section": section, "chart": chart_uri(section)} for section in sections(figures)]
    return render_pdf(
        "pdf/leadership_report.html",
        {
            "report": report,
            "figures": figures,
            "as_of": date.fromisoformat(figures["as_of"]),
            "sections": drawn,
        },
    )


# --- XLSX -----------------------------------------------------------------------------------


def _sheet_title(name: str) -> str:
    # Excel's limits: 31 characters, none of []:*?/\
    return "".join(c for c in name if c not in "[]:*?/\\")[:31]


def _write(sheet, row: int, column: int, value):
    if is_hidden(value):
        value = str(shown(value))
    target = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@")):
        # A unit or period name is text, never a formula (CSV/Excel injection).
        target.data_type = "s"
    return target


def report_xlsx(report, figures: dict) -> bytes:
    book = Workbook()
    book.remove(book.active)
    cover = book.create_sheet(_sheet_title(pgettext("a document", "Report")))
    cover["A1"] = _("Leadership report")
    cover["A1"].font = Font(bold=True, size=14)
    _write(cover, 2, 1, report.subject)
    cover["A3"] = _("Data as of %(date)s") % {
        "date": date_format(date.fromisoformat(figures["as_of"]), "j F Y")
    }
    cover["A4"] = _(
        "Aggregates only, no names. A count of persons from 1 to %(below)s in a unit is shown "
        "as %(cell)s; %(protected)s hides a count that would give one back."
    ) % {"below": figures["min_cell"] - 1, "cell": shown(HIDDEN), "protected": shown(PROTECTED)}
    for section in sections(figures):
        sheet = book.create_sheet(_sheet_title(section.sheet))
        sheet["A1"] = section.title
        sheet["A1"].font = Font(bold=True, size=13)
        _write(sheet, 2, 1, section.reading)
        row = 4
        chart_table = None
        for table in section.tables:
            _write(sheet, row, 1, table.caption).font = Font(bold=True)
            row += 1
            for column, name in enumerate(table.columns, start=1):
                _write(sheet, row, column, name).font = Font(bold=True)
            header = row
            for values in [*table.rows, *([table.total] if table.total else [])]:
                row += 1
                for column, value in enumerate(values, start=1):
                    _write(sheet, row, column, value)
            if chart_table is None and table.rows:
                chart_table = (table, header, header + len(table.rows))
            row += 2
        sheet.column_dimensions["A"].width = 48
        for column in range(2, 12):
            sheet.column_dimensions[get_column_letter(column)].width = 16
        if chart_table is not None:
            _add_chart(sheet, section, *chart_table, anchor_row=row + 1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _add_chart(sheet, section: Section, table, header: int, last: int, *, anchor_row: int):
    """A bar chart of the first table's numeric columns (a hidden cell, "<5", is text: Excel
    leaves its bar out)."""
    numeric = [
        column
        for column in range(2, len(table.columns) + 1)
        if table.format_of(column - 1) in ("count", "value", "d1", "d2")
        and any(isinstance(row[column - 1], int | float) for row in table.rows)
    ]
    if not numeric:
        return
    chart = BarChart()
    chart.type = "bar"
    chart.title = section.chart_title
    chart.height = max(7.5, 0.8 * (last - header) + 3)
    chart.width = 18
    for column in numeric:
        chart.add_data(
            Reference(sheet, min_col=column, min_row=header, max_row=last), titles_from_data=True
        )
    chart.set_categories(Reference(sheet, min_col=1, min_row=header + 1, max_row=last))
    sheet.add_chart(chart, f"A{anchor_row}")
