"""Reading an uploaded score file (CSV UTF-8 or Excel .xlsx) into a header and rows, within
limits that keep a hostile or mistaken file from exhausting the server:

- the upload itself: 10 MB;
- an .xlsx is a zip: the uncompressed sizes its directory declares must add up to 50 MB at most,
  checked before openpyxl opens it (zipfile never inflates an entry past its declared size);
- its XML is parsed by openpyxl through defusedxml (a dependency), which refuses entity tricks;
- rows: the caller's limit (the period's finalised applications + 100), counted as the file is
  read, empty rows included, so that reading stops at the first row too many;
- columns: 20.
"""

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass
from itertools import chain

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from recruitment.services.score_rules import ScoreError

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_ZIP_ENTRIES = 1000
MAX_COLUMNS = 20
ROWS_SLACK = 100  # the header, a title line or two, empty rows


@dataclass
class FileTable:
    header: list[str]
    rows: list[tuple[int, list]]  # (row number in the file, cells)


def _normalise_header(cell) -> str:
    return str(cell or "").strip().lower().replace(" ", "_").replace("-", "_")


def _too_many_rows(max_rows: int) -> ScoreError:
    applications = max(0, max_rows - ROWS_SLACK)
    return ScoreError(
        ngettext(
            "The file has more than %(limit)s rows, but this period has only %(count)s finalised "
            "application. Check that this is the right file and delete the empty rows at its end.",
            "The file has more than %(limit)s rows, but this period has only %(count)s finalised "
            "applications. Check that this is the right file and delete the empty rows at its end.",
            applications,
        )
        % {"limit": max_rows, "count": applications}
    )


def _too_many_columns() -> ScoreError:
    return ScoreError(
        _(
            "The file has more than %(limit)s columns. Keep only the score columns and upload it "
            "again."
        )
        % {"limit": MAX_COLUMNS}
    )


class _Collector:
    """Keeps the non-empty rows and refuses, as they come, a row too many or a column too many."""

    def __init__(self, max_rows: int | None):
        self.max_rows = max_rows
        self.seen = 0
        self.rows: list[tuple[int, list]] = []

    def add(self, number: int, cells) -> None:
        self.seen += 1
        if self.max_rows is not None and self.seen > self.max_rows:
            raise _too_many_rows(self.max_rows)
        cells = ["" if cell is None else cell for cell in cells]
        filled = [index for index, cell in enumerate(cells) if str(cell).strip()]
        if not filled:
            return
        if filled[-1] >= MAX_COLUMNS:
            raise _too_many_columns()
        self.rows.append((number, cells[: filled[-1] + 1]))

    def table(self) -> FileTable:
        if not self.rows:
            return FileTable([], [])
        return FileTable([_normalise_header(c) for c in self.rows[0][1]], self.rows[1:])


def _decoded_lines(data: bytes):
    """The file's lines as text, decoded one at a time: an undecodable byte is reported with
    its line, and nothing is decoded twice."""
    for number, line in enumerate(io.BytesIO(data), start=1):
        if number == 1 and line.startswith(codecs.BOM_UTF8):
            line = line[len(codecs.BOM_UTF8) :]
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ScoreError(
                _(
                    "The file is not UTF-8 encoded (unreadable byte on line %(line)s). Save it "
                    "as “CSV UTF-8” and upload it again; the portal does not guess encodings."
                )
                % {"line": number}
            ) from error


def _read_csv(data: bytes, max_rows: int | None) -> FileTable:
    lines = _decoded_lines(data)
    head = []
    for line in lines:  # up to the first non-empty line, which sets the delimiter
        head.append(line)
        if line.strip():
            break
    first = head[-1] if head else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    collector = _Collector(max_rows)
    try:
        for number, cells in enumerate(csv.reader(chain(head, lines), delimiter=delimiter), 1):
            collector.add(number, cells)
    except csv.Error as error:
        raise ScoreError(
            _("The CSV file cannot be read (%(problem)s). Save it again as “CSV UTF-8”.")
            % {"problem": str(error)[:100]}
        ) from error
    return collector.table()


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ScoreError(_("The Excel file cannot be read. Save it again as .xlsx.")) from error
    unpacked = sum(entry.file_size for entry in entries)
    if len(entries) > MAX_ZIP_ENTRIES or unpacked > MAX_UNCOMPRESSED_BYTES:
        raise ScoreError(
            _(
                "The Excel file unpacks to more than %(limit)s MB. Keep only the sheet with the "
                "scores, save it again and upload it."
            )
            % {"limit": MAX_UNCOMPRESSED_BYTES // (1024 * 1024)}
        )


def _read_xlsx(data: bytes, max_rows: int | None) -> FileTable:
    from openpyxl import load_workbook

    _check_zip(data)
    collector = _Collector(max_rows)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            # The declared size, when the sheet has one, refuses a huge sheet before reading it.
            if (sheet.max_column or 0) > MAX_COLUMNS:
                raise _too_many_columns()
            if max_rows is not None and (sheet.max_row or 0) > max_rows:
                raise _too_many_rows(max_rows)
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                collector.add(number, cells)
        finally:
            workbook.close()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError, IndexError) as error:
        # defusedxml's refusals are ValueErrors; a malformed XML part is a SyntaxError.
        raise ScoreError(_("The Excel file cannot be read. Save it again as .xlsx.")) from error
    return collector.table()


def read_table(*, file_name: str, data: bytes, max_rows: int | None = None) -> FileTable:
    """The header and the non-empty rows of the file's first sheet. `max_rows` counts every row
    of the file, the header and empty rows included."""
    if len(data) > MAX_FILE_BYTES:
        raise ScoreError(_("The file is larger than 10 MB. Split it and upload the parts."))
    if not data.strip():
        raise ScoreError(_("The file is empty."))
    if data[:4] == b"PK\x03\x04" or file_name.lower().endswith(".xlsx"):
        table = _read_xlsx(data, max_rows)
    else:
        table = _read_csv(data, max_rows)
    if not table.header:
        raise ScoreError(_("The file is empty."))
    return table


def column_problems(header: list[str], expected: tuple[str, ...]) -> list[str]:
    problems = []
    missing = [name for name in expected if name not in header]
    unknown = [name or _("(empty)") for name in header if name not in expected]
    duplicated = sorted({name for name in header if name and header.count(name) > 1})
    if missing:
        problems.append(_("Missing columns: %(names)s.") % {"names": ", ".join(missing)})
    if unknown:
        problems.append(
            _("Unknown columns: %(names)s (expected: %(expected)s).")
            % {"names": ", ".join(unknown), "expected": ", ".join(expected)}
        )
    if duplicated:
        problems.append(_("Columns given twice: %(names)s.") % {"names": ", ".join(duplicated)})
    return problems
