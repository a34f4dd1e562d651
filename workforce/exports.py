"""Excel exports of the needs map, in the shape an e-Formasi proposal asks for: per position the
ABK need, the current staff (bezetting), the gap and the retirements in the next five years."""

from django.utils.translation import gettext as _

from core import exports


def needs_workbook(planning_year, positions) -> bytes:
    book = exports.workbook()
    sheet = exports.sheet(
        book,
        f"ABK {planning_year.year}",
        widths=(18, 16, 30, 30, 14, 8, 18, 14, 10, 10, 12, 8, 12),
        freeze="A2",
    )
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
    exports.append(sheet, [str(header) for header in headers], bold=True)
    for p in positions.iterator(chunk_size=2000):
        exports.append(
            sheet,
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
            ],
        )
    notes = exports.sheet(book, _("Rules"))
    exports.append(notes, [_("Planning year"), planning_year.year])
    exports.append(notes, [_("Effective working time (minutes)"), planning_year.effective_minutes])
    exports.append(notes, [_("Rounding threshold"), float(planning_year.rounding_threshold)])
    return exports.to_bytes(book)
