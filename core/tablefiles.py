"""Reading an uploaded table (CSV or Excel .xlsx) within limits, so that a hostile or mistaken
file cannot exhaust the server: shared by the score import (recruitment) and the employee
register's import (workforce).

Every limit is checked before or while reading, never after:

- the upload's size, before a byte is read (`check_size`);
- an .xlsx is a zip: the uncompressed sizes its directory declares must add up to the limit at
  most, checked before anything is inflated (zipfile never inflates an entry past its declared
  size); then each worksheet and the shared strings are *streamed* and their rows, cells and
  strings counted, stopping at the first one too many. openpyxl's read-only mode cannot be
  trusted with that: without a `<dimension>` element it parses a whole sheet just to learn its
  size, and it parses every shared string at load, so a 4 MB file of 500,000 rows took seconds
  before the first row was seen;
- rows: counted as the file is read, empty rows included, reading stops at the first row too
  many; columns: each row is cut one past the limit, so a cell at column XFD costs nothing;
- text: CSV must be UTF-8 (a BOM is allowed); UTF-16 and other encodings are refused with a
  message that says how to save the file, never a library's English error; a cell holding a C0
  control character (NUL and friends, except tab, CR and LF) is refused with its row and column,
  since PostgreSQL cannot store a NUL in text or jsonb and the others are invisible.
"""

import codecs
import csv
import io
import re
import zipfile
from itertools import chain

from django.conf import settings
from django.utils.translation import gettext as _

# C0 controls except tab, LF and CR; DEL too: none of them is ever typed into a spreadsheet.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TAG_PREFIX = rb"<(?:[A-Za-z_][\w.-]*:)?"
_ROW_TAG = re.compile(_TAG_PREFIX + rb"row[\s/>]")
_CELL_TAG = re.compile(_TAG_PREFIX + rb"c[\s/>]")
_STRING_TAG = re.compile(_TAG_PREFIX + rb"si[\s/>]")
_SCAN_CHUNK = 1024 * 1024
MAX_ZIP_ENTRIES = 1000


class TableFileError(Exception):
    """A file refused; str(exc) is the translated reason to show to the person."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class TooManyRows(TableFileError):
    def __init__(self, limit: int):
        super().__init__(
            _("The file has more than %(limit)s rows. Split it and upload the parts.")
            % {"limit": limit}
        )
        self.limit = limit


class TooManyColumns(TableFileError):
    def __init__(self, limit: int):
        super().__init__(
            _("The file has more than %(limit)s columns. Keep only the columns to import.")
            % {"limit": limit}
        )
        self.limit = limit


class TooManyCells(TableFileError):
    def __init__(self, limit: int):
        super().__init__(
            _(
                "The Excel file holds more than %(limit)s cells or texts. Keep only the rows and "
                "columns to import, save it again and upload it."
            )
            % {"limit": limit}
        )
        self.limit = limit


def max_file_bytes() -> int:
    return settings.IMPORT_MAX_FILE_BYTES


def max_unpacked_bytes() -> int:
    return settings.IMPORT_MAX_UNPACKED_BYTES


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


def check_size(size: int, limit: int | None = None) -> None:
    limit = max_file_bytes() if limit is None else limit
    if size > limit:
        raise TableFileError(
            _("The file is larger than %(limit)s MB. Split it and upload the parts.")
            % {"limit": megabytes(limit)}
        )


def is_xlsx(data: bytes, file_name: str = "") -> bool:
    return data[:4] == b"PK\x03\x04" or file_name.lower().endswith(".xlsx")


# --- text -------------------------------------------------------------------------------------


def column_label(index: int, header: list | None = None) -> str:
    """A column as the person sees it: its header when it has one, else its letter (A, B...)."""
    name = str(header[index]).strip() if header and index < len(header) and header[index] else ""
    if name and not _CONTROL.search(name):
        return name
    letters, number = "", index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def control_character_problem(value) -> str:
    """ "" when the cell is fine, else what is wrong with it (without the row and column)."""
    if not isinstance(value, str):
        return ""
    found = _CONTROL.search(value)
    if found is None:
        return ""
    return _(
        "the cell holds an invisible control character (U+%(code)04X), which cannot be "
        "imported. Delete it (retype the cell) and upload the file again."
    ) % {"code": ord(found.group())}


def check_row_text(number: int, cells, header: list | None = None) -> None:
    for index, value in enumerate(cells):
        problem = control_character_problem(value)
        if problem:
            raise TableFileError(
                _("Row %(row)s, column %(column)s: %(problem)s")
                % {"row": number, "column": column_label(index, header), "problem": problem}
            )


def _not_utf8(line: int) -> TableFileError:
    return TableFileError(
        _(
            "The file is not UTF-8 encoded (unreadable byte on line %(line)s). Save it "
            "as “CSV UTF-8” and upload it again; the portal does not guess encodings."
        )
        % {"line": line}
    )


def _utf16() -> TableFileError:
    return TableFileError(
        _(
            "The file is saved as UTF-16 (“Unicode text”), not UTF-8. Save it as “CSV UTF-8” "
            "and upload it again."
        )
    )


def looks_like_utf16(data: bytes) -> bool:
    """A UTF-16 BOM, or NULs in the first bytes where UTF-16 puts the high byte of ASCII text:
    a UTF-8 CSV never holds a NUL, and without this check "a,b" in UTF-16LE decodes as valid
    UTF-8 with a NUL after every letter."""
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return True
    head = data[:512]
    if len(head) < 2:
        return False
    even, odd = head[0::2], head[1::2]
    return even.count(0) > len(even) // 2 or odd.count(0) > len(odd) // 2


def decoded_lines(data: bytes):
    """The file's lines as text, decoded one at a time: an undecodable byte is reported with
    its line, and nothing is decoded twice."""
    if looks_like_utf16(data):
        raise _utf16()
    for number, line in enumerate(io.BytesIO(data), start=1):
        if number == 1 and line.startswith(codecs.BOM_UTF8):
            line = line[len(codecs.BOM_UTF8) :]
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError as error:
            raise _not_utf8(number) from error


# --- reading ----------------------------------------------------------------------------------


def _unreadable_csv(error) -> TableFileError:
    return TableFileError(
        _("The CSV file cannot be read (%(problem)s). Save it again as “CSV UTF-8”.")
        % {"problem": str(error)[:100]}
    )


def csv_rows(data: bytes):
    """(row number, cells) of a CSV file; the delimiter (comma or semicolon, as Excel writes it
    in Indonesian) is taken from the first non-empty line. The caller counts rows."""
    lines = decoded_lines(data)
    head = []
    for line in lines:  # up to the first non-empty line, which sets the delimiter
        head.append(line)
        if line.strip():
            break
    first = head[-1] if head else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        yield from enumerate(csv.reader(chain(head, lines), delimiter=delimiter), 1)
    except csv.Error as error:
        raise _unreadable_csv(error) from error


def _unreadable_xlsx() -> TableFileError:
    return TableFileError(_("The Excel file cannot be read. Save it again as .xlsx."))


def _too_large_unpacked(limit: int) -> TableFileError:
    return TableFileError(
        _(
            "The Excel file unpacks to more than %(limit)s MB. Keep only the sheet to import, "
            "save it again and upload it."
        )
        % {"limit": megabytes(limit)}
    )


def _count_tags(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, pattern, limit: int) -> int:
    """How many times `pattern` occurs in the entry, read a chunk at a time; stops (and returns
    limit + 1) at the first occurrence past `limit`."""
    count, tail = 0, b""
    with archive.open(entry) as source:
        while chunk := source.read(_SCAN_CHUNK):
            buffer = tail + chunk
            # Only matches ending past the previous buffer's end are new.
            count += sum(1 for m in pattern.finditer(buffer) if m.end() > len(tail))
            if count > limit:
                return limit + 1
            tail = buffer[-64:]
    return count


def check_zip(data: bytes, *, max_rows: int | None, max_columns: int, max_unpacked=None):
    """Refuse an .xlsx that would cost too much to open: by the sizes its directory declares,
    then by the rows, cells and shared strings its parts hold, counted while streaming."""
    max_unpacked = max_unpacked_bytes() if max_unpacked is None else max_unpacked
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if (
                len(entries) > MAX_ZIP_ENTRIES
                or sum(entry.file_size for entry in entries) > max_unpacked
            ):
                raise _too_large_unpacked(max_unpacked)
            if max_rows is None:
                return
            max_cells = max_rows * max_columns
            for entry in entries:
                name = entry.filename.lower()
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    if _count_tags(archive, entry, _ROW_TAG, max_rows) > max_rows:
                        raise TooManyRows(max_rows)
                    if _count_tags(archive, entry, _CELL_TAG, max_cells) > max_cells:
                        raise TooManyCells(max_cells)
                elif (
                    name == "xl/sharedstrings.xml"
                    and _count_tags(archive, entry, _STRING_TAG, max_cells) > max_cells
                ):
                    raise TooManyCells(max_cells)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as error:
        raise _unreadable_xlsx() from error


def xlsx_rows(data: bytes, *, max_rows: int | None, max_columns: int, sheet: str = "first"):
    """(row number, cells) of the workbook's first (or active) sheet, after `check_zip`. Each
    row is cut one past `max_columns`, so the caller sees a column too many without openpyxl
    padding every row to a far column."""
    from openpyxl import load_workbook

    check_zip(data, max_rows=max_rows, max_columns=max_columns)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            worksheet = workbook.active if sheet == "active" else workbook.worksheets[0]
            # The declared size, when the sheet has one, refuses a huge sheet before reading.
            if (worksheet.max_column or 0) > max_columns:
                raise TooManyColumns(max_columns)
            if max_rows is not None and (worksheet.max_row or 0) > max_rows:
                raise TooManyRows(max_rows)
            rows = worksheet.iter_rows(max_col=max_columns + 1, values_only=True)
            yield from enumerate(rows, start=1)
        finally:
            workbook.close()
    except TableFileError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError, IndexError) as error:
        # defusedxml's refusals are ValueErrors; a malformed XML part is a SyntaxError.
        raise _unreadable_xlsx() from error


def read_rows(
    data: bytes,
    *,
    file_name: str = "",
    max_rows: int | None,
    max_columns: int,
    sheet: str = "first",
    max_bytes: int | None = None,
):
    """Every row of the file as (row number, cells), the empty ones included, with the limits
    above and the control characters refused with their row and column (named by the first
    row). Raises TableFileError (or TooManyRows / TooManyColumns) at the first problem."""
    check_size(len(data), max_bytes)
    if is_xlsx(data, file_name):
        rows = xlsx_rows(data, max_rows=max_rows, max_columns=max_columns, sheet=sheet)
    else:
        rows = csv_rows(data)
    header = None
    for number, cells in rows:
        if max_rows is not None and number > max_rows:
            raise TooManyRows(max_rows)
        cells = list(cells)
        if len(cells) > max_columns and any(
            str(cell).strip() for cell in cells[max_columns:] if cell is not None
        ):
            raise TooManyColumns(max_columns)
        check_row_text(number, cells, header)
        if header is None and any(cell not in (None, "") for cell in cells):
            header = cells
        yield number, cells
