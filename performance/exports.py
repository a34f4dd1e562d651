"""Excel exports: the dashboard (completion and distribution) and the e-Kinerja entry sheet
(NIP, name, period, work-result rating, behaviour rating, predikat) HR copies into
kinerja.bkn.go.id. e-Kinerja is the system of record (DOMAIN.md 4); this only feeds it."""

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from performance.models import Predikat

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _bold_header(sheet, headers):
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"


def _save(workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def dashboard_workbook(checkpoint, completion, distribution) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Completion")
    _bold_header(
        sheet, [_("Unit"), _("Sector"), _("Staff"), _("SKP agreed"), _("Reviewed"), _("Late")]
    )
    for row in completion:
        sheet.append(
            [row.unit, row.sector, row.staff, row.skp_agreed, row.reviewed, ", ".join(row.late)]
        )
    for title, rows in (
        (_("Predikat by unit"), distribution["units"]),
        (_("Predikat by sector"), distribution["sectors"]),
    ):
        table = workbook.create_sheet(title[:31])
        _bold_header(table, [_("Name"), *[str(label) for label in Predikat.labels], _("Total")])
        for item in rows:
            table.append([item.label, *[n for n, _p in item.cells()], item.total])
    notes = workbook.create_sheet(_("Checkpoint"))
    notes.append([_("Checkpoint"), str(checkpoint)])
    notes.append([_("Review due"), checkpoint.due_date.isoformat()])
    return _save(workbook)


def ekinerja_workbook(checkpoint, reviews) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "e-Kinerja"
    _bold_header(
        sheet,
        [
            "NIP",
            _("Name"),
            _("Period"),
            _("Period start"),
            _("Period end"),
            _("Work results (Hasil Kerja)"),
            _("Work behaviour (Perilaku Kerja)"),
            _("Predikat"),
        ],
    )
    for review in reviews.iterator(chunk_size=2000):
        employee = review.skp.employee
        sheet.append(
            [
                employee.nip,
                employee.full_name,
                str(checkpoint),
                checkpoint.period_start.isoformat(),
                checkpoint.period_end.isoformat(),
                review.get_hasil_kerja_display(),
                review.get_perilaku_display(),
                review.get_predikat_display(),
            ]
        )
    # NIPs are 18 digits: keep them text, or Excel shows them in scientific notation.
    for cell in sheet["A"][1:]:
        cell.number_format = "@"
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 32
    return _save(workbook)
