"""Excel downloads of the recruitment app: a formation's applicants and a period's merit list."""

from django.utils import timezone
from django.utils.translation import gettext as _

from core import exports
from recruitment.selectors.hr import HR_STATUS_LABELS


def applications_workbook(formation, applications) -> bytes:
    book = exports.workbook()
    sheet = exports.sheet(
        book, _("Applicants"), widths=(22, 30, 20, 24, 28, 30, 8, 30, 18), freeze="A4"
    )
    exports.append(sheet, [f"{formation.position.name} · {formation.position.unit.name}"])
    exports.append(sheet, [str(formation.period)])
    headers = [
        _("Registration number"),
        _("Name on KTP"),
        _("NIK (masked)"),
        _("Education level"),
        _("Study programme"),
        _("Institution"),
        _("GPA"),
        _("Status"),
        _("Finalised at (WIB)"),
    ]
    exports.append(sheet, [str(header) for header in headers], bold=True)
    wib = timezone.get_default_timezone()
    for application in applications.iterator(chunk_size=2000):
        profile = getattr(application.applicant, "applicant_profile", None)
        submitted = application.submitted_at
        exports.append(
            sheet,
            [
                application.registration_number or "",
                profile.name_on_ktp if profile else application.applicant.full_name,
                profile.nik_masked if profile else "",
                profile.get_education_level_display() if profile else "",
                profile.programme if profile else "",
                profile.institution if profile else "",
                float(profile.gpa) if profile else None,
                str(HR_STATUS_LABELS.get(application.status, application.get_status_display())),
                timezone.localtime(submitted, wib).replace(tzinfo=None) if submitted else None,
            ],
            number_formats={8: "yyyy-mm-dd hh:mm"},
        )
    return exports.to_bytes(book)


def merit_workbook(period, results) -> bytes:
    book = exports.workbook()
    sheet = exports.sheet(book, _("Merit list"))
    exports.append(sheet, [str(period)])
    if period.is_pppk:
        header = [_("Formation"), _("Rank"), _("Registration number"), _("Name"),
                  _("Priority"), _("Technical"), _("Managerial"), _("Socio-cultural"),
                  _("Interview"), _("Total"), _("Final code")]  # fmt: skip
    else:
        header = [_("Formation"), _("Rank"), _("Registration number"), _("Name"), "TWK", "TIU",
                  "TKP", _("SKD total"), _("SKD code"), "SKB", _("Final score"),
                  _("Final code")]  # fmt: skip
    exports.append(sheet, [str(title) for title in header])
    for result in results.iterator(chunk_size=2000):
        application = result.application
        profile = getattr(application.applicant, "applicant_profile", None)
        formation = application.formation
        name = profile.name_on_ktp if profile else application.applicant.full_name
        first = [
            f"{formation.position.name} · {formation.position.unit.name}",
            result.final_rank or result.skd_rank,
            application.registration_number or "",
            name,
        ]
        if period.is_pppk:
            rest = [
                str(application.get_priority_group_display()),
                result.teknis,
                result.manajerial,
                result.sosiokultural,
                result.wawancara,
                float(result.final_score) if result.final_score is not None else None,
                result.final_code,
            ]
        else:
            skb = result.skb_weighted if result.skb_weighted is not None else result.skb
            rest = [
                result.twk,
                result.tiu,
                result.tkp,
                result.skd_total,
                result.skd_code,
                float(skb) if skb is not None else None,
                float(result.final_score) if result.final_score is not None else None,
                result.final_code,
            ]
        exports.append(sheet, [*first, *rest])
    return exports.to_bytes(book)
