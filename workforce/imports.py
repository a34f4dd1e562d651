"""Reading an employee register file for the admin's import within limits (core/tablefiles.py):
the upload's size before it is read, what an .xlsx unpacks to before it is opened, the rows
(`EMPLOYEE_IMPORT_MAX_ROWS` under the header) counted while reading, control characters refused
with their row and column, encodings explained. The import form checks all of it before the
library keeps the upload for the confirmation step, so a refused file is never stored; the
formats read the kept file the same way on confirm.
"""

from datetime import timedelta

import tablib
from django.conf import settings
from django.core.files.storage import storages
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from import_export.formats import base_formats
from import_export.forms import ImportForm
from import_export.tmp_storages import MediaStorage

from core import tablefiles

# Columns read at most: the register has 9; a few more are reported as unknown by name.
MAX_COLUMNS = 30


def _too_many_rows(limit: int) -> tablefiles.TableFileError:
    return tablefiles.TableFileError(
        ngettext(
            "The file has more than %(limit)s employee row. Split it and import the parts one "
            "after the other.",
            "The file has more than %(limit)s employee rows. Split it and import the parts one "
            "after the other.",
            limit,
        )
        % {"limit": limit}
    )


def read_dataset(data: bytes | str, *, file_name: str = "") -> tablib.Dataset:
    """The file as the library's dataset: the first row is the header, every other row is
    padded to the header's width. Raises TableFileError (translated) at the first problem."""
    if isinstance(data, str):  # a text-mode read of the kept file
        data = data.encode("utf-8")
    limit = settings.EMPLOYEE_IMPORT_MAX_ROWS
    dataset = tablib.Dataset()
    rows = tablefiles.read_rows(
        data, file_name=file_name, max_rows=limit + 1, max_columns=MAX_COLUMNS, sheet="active"
    )
    try:
        for number, cells in rows:
            if number == 1:
                dataset.headers = cells
                continue
            width = len(dataset.headers or [])
            extra = [cell for cell in cells[width:] if cell not in (None, "")]
            if extra:
                raise tablefiles.TableFileError(
                    _("Row %(row)s has more cells than the first row has column names.")
                    % {"row": number}
                )
            dataset.append([*cells[:width], *[None] * (width - len(cells))])
    except tablefiles.TooManyRows as error:
        raise _too_many_rows(limit) from error
    return dataset


class _LimitedFormat:
    def create_dataset(self, in_stream, **kwargs):
        return read_dataset(in_stream)


class EmployeeXLSX(_LimitedFormat, base_formats.XLSX):
    pass


class EmployeeCSV(_LimitedFormat, base_formats.CSV):
    pass


class EmployeeImportForm(ImportForm):
    """The library's form, which also reads the file with the limits: an upload that fails them
    is refused here, before the library stores it for the confirmation step."""

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("import_file")
        if upload is None or self.has_error("import_file"):
            return cleaned
        try:
            tablefiles.check_size(upload.size)  # before a byte is read
            read_dataset(upload.read(), file_name=upload.name)
        except tablefiles.TableFileError as error:
            self.add_error("import_file", error.message)
        finally:
            upload.seek(0)
        return cleaned


# --- uploads waiting for confirmation ----------------------------------------------------------

# django-import-export's MediaStorage keeps an upload here between the preview and the confirm
# step and deletes it only when the import is confirmed; backups leave this folder out.
UPLOAD_FOLDER = MediaStorage(name="-").MEDIA_FOLDER


def delete_stale_uploads(*, now=None) -> int:
    """Delete the uploads kept for a confirmation that never came, once older than
    `IMPORT_UPLOAD_MAX_AGE_HOURS` (they hold personal data). Safe to run again. Returns how many
    files were deleted."""
    storage = storages["default"]
    cutoff = (now or timezone.now()) - timedelta(hours=settings.IMPORT_UPLOAD_MAX_AGE_HOURS)
    try:
        _folders, names = storage.listdir(UPLOAD_FOLDER)
    except FileNotFoundError:
        return 0
    # A confirmed file waiting for (or read by) its background job is not stale, however old.
    from workforce.models import EmployeeImportJob

    busy = set(
        EmployeeImportJob.objects.filter(
            state__in=[EmployeeImportJob.State.QUEUED, EmployeeImportJob.State.RUNNING]
        ).values_list("file_name", flat=True)
    )
    deleted = 0
    for name in names:
        path = f"{UPLOAD_FOLDER}/{name}"
        if name in busy or path in busy:
            continue
        try:
            if storage.get_modified_time(path) < cutoff:
                storage.delete(path)
                deleted += 1
        except FileNotFoundError:  # confirmed (and deleted) meanwhile
            continue
    return deleted
