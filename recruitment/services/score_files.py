"""Reading an uploaded score file (CSV UTF-8 or Excel .xlsx) into a header and rows, within
limits that keep a hostile or mistaken file from exhausting the server. The reading itself is
the kernel's (core/tablefiles.py: the upload's size, what an .xlsx unpacks to and the rows,
cells and strings it holds, counted while streaming, encodings, control characters); here:

- rows: the caller's limit (the period's finalised applications + 100), counted as the file is
  read, empty rows included, so that reading stops at the first row too many;
- columns: 20.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import tablefiles
from recruitment.services.score_rules import ScoreError

MAX_COLUMNS = 20
ROWS_SLACK = 100  # the header, a title line or two, empty rows


def max_file_bytes() -> int:
    return tablefiles.max_file_bytes()


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


def read_table(*, file_name: str, data: bytes, max_rows: int | None = None) -> FileTable:
    """The header and the non-empty rows of the file's first sheet. `max_rows` counts every row
    of the file, the header and empty rows included."""
    if len(data) > max_file_bytes():
        raise ScoreError(
            _("The file is larger than %(limit)s MB. Split it and upload the parts.")
            % {"limit": tablefiles.megabytes(max_file_bytes())}
        )
    if not data.strip():
        raise ScoreError(_("The file is empty."))
    collector = _Collector(max_rows)
    rows = tablefiles.read_rows(
        data, file_name=file_name, max_rows=max_rows, max_columns=MAX_COLUMNS
    )
    try:
        for number, cells in rows:
            collector.add(number, cells)
    except tablefiles.TooManyRows as error:
        raise _too_many_rows(error.limit) from error
    except tablefiles.TooManyColumns as error:
        raise _too_many_columns() from error
    except tablefiles.TableFileError as error:
        raise ScoreError(error.message) from error
    table = collector.table()
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
