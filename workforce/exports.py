"""Excel exports of the needs map, in the shape an e-Formasi proposal asks for: per position the
ABK need, the current staff (bezetting), the gap and the retirements in the next five years."""

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def needs_workbook(planning_year, positions) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"ABK {planning_year.year}"
    headers = [
        _("Sector"),
        _("Kelurahan"),
        _("Unit"),
        _("Position"),
        _("Kind"),
        _("ASN type"),
        _("Education"),
        _("Workload (minutes)"),
        _("Need (exact)"),
        _("Need (ABK)"),
        _("Current staff (bezetting)"),
        _("Gap"),
        _("Retiring within 5 years"),
    ]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for p in positions.iterator(chunk_size=2000):
        sheet.append(
            [
                str(p.unit.sector),
                p.unit.kelurahan.name,
                p.unit.name,
                p.name,
                p.get_kind_display(),
                p.asn_type,
                p.get_education_level_display(),
                float(p.workload_minutes),
                round(p.required_exact, 2),
                p.required,
                p.current,
                p.gap,
                p.retiring,
            ]
        )
    for index, width in enumerate([18, 16, 30, 30, 14, 8, 18, 14, 10, 10, 12, 8, 12], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet(_("Rules"))
    notes.append([_("Planning year"), planning_year.year])
    notes.append([_("Effective working time (minutes)"), planning_year.effective_minutes])
    notes.append([_("Rounding threshold"), float(planning_year.rounding_threshold)])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
