"""Excel downloads, built the same way by every app: write-only workbooks (memory stays flat
however many rows), text that a spreadsheet would run as a formula kept as text, and responses
that no cache keeps (they hold personal data)."""

from io import BytesIO

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these is a formula to a spreadsheet (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOLD = Font(bold=True)


def workbook() -> Workbook:
    return Workbook(write_only=True)


def sheet(book: Workbook, title: str, *, widths=(), freeze: str | None = None):
    """A new sheet; column widths and frozen panes must be set before any row is written."""
    new = book.create_sheet(str(title)[:31])
    for index, width in enumerate(widths, start=1):
        new.column_dimensions[get_column_letter(index)].width = width
    if freeze:
        new.freeze_panes = freeze
    return new


def cell(target, value, *, bold: bool = False, number_format: str | None = None):
    """A cell of a write-only sheet. Text that a spreadsheet would run as a formula is stored as
    text with Excel's quote prefix: the value stays exactly what the person typed, and Excel
    shows and edits it as text."""
    new = WriteOnlyCell(target, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        new.data_type = "s"  # openpyxl would store "=..." as a formula
        new.quotePrefix = True
    if bold:
        new.font = BOLD
    if number_format:
        new.number_format = number_format
    return new


def append(target, values, *, bold: bool = False, number_formats: dict | None = None) -> None:
    """Write one row; `number_formats`: {column index from 0: format}."""
    number_formats = number_formats or {}
    target.append(
        [
            cell(target, value, bold=bold, number_format=number_formats.get(index))
            for index, value in enumerate(values)
        ]
    )


def to_bytes(book: Workbook) -> bytes:
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def response(content: bytes, filename: str) -> HttpResponse:
    """The download: an attachment no shared or browser cache keeps (it holds personal data)."""
    return HttpResponse(
        content,
        content_type=XLSX,
        headers={
            "Content-Disposition": content_disposition_header(True, filename),
            "Cache-Control": "private, no-store",
        },
    )
