"""Excel exports: the dashboard (completion and distribution) and the e-Kinerja entry sheet
(NIP, name, period, work-result rating, behaviour rating, predikat) HR copies into
kinerja.bkn.go.id. e-Kinerja is the system of record (docs/domain.md 4); this only feeds it."""

from django.utils.translation import gettext as _

from core import exports
from performance.models import Predikat


def dashboard_workbook(checkpoint, completion, distribution) -> bytes:
    book = exports.workbook()
    sheet = exports.sheet(book, _("Completion"), freeze="A2")
    exports.append(
        sheet,
        [_("Unit"), _("Sector"), _("Staff"), _("SKP agreed"), _("Reviewed"), _("Late")],
        bold=True,
    )
    for row in completion:
        exports.append(
            sheet,
            [row.unit, row.sector, row.staff, row.skp_agreed, row.reviewed, ", ".join(row.late)],
        )
    for title, rows in (
        (_("Predikat by unit"), distribution["units"]),
        (_("Predikat by sector"), distribution["sectors"]),
    ):
        table = exports.sheet(book, title, freeze="A2")
        exports.append(
            table, [_("Name"), *[str(label) for label in Predikat.labels], _("Total")], bold=True
        )
        for item in rows:
            exports.append(table, [item.label, *[n for n, _p in item.cells()], item.total])
    notes = exports.sheet(book, _("Checkpoint"))
    exports.append(notes, [_("Checkpoint"), str(checkpoint)])
    exports.append(notes, [_("Review due"), checkpoint.due_date.isoformat()])
    return exports.to_bytes(book)


def ekinerja_workbook(checkpoint, reviews) -> bytes:
    book = exports.workbook()
    sheet = exports.sheet(book, "e-Kinerja", widths=(22, 32), freeze="A2")
    exports.append(
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
        bold=True,
    )
    for review in reviews.iterator(chunk_size=2000):
        employee = review.skp.employee
        exports.append(
            sheet,
            [
                employee.nip,
                employee.full_name,
                str(checkpoint),
                checkpoint.period_start.isoformat(),
                checkpoint.period_end.isoformat(),
                review.get_hasil_kerja_display(),
                review.get_perilaku_display(),
                review.get_predikat_display(),
            ],
            # NIPs are 18 digits: keep them text, or Excel shows them in scientific notation.
            number_formats={0: "@"},
        )
    return exports.to_bytes(book)
