"""Scores: the SKD and SKB score import (checked into a row-level report first, applied
all-or-nothing) and HR's entry or correction of one application's scores (DOMAIN.md 1.7-1.8).

Only CPNS periods: PPPK competency scoring (DOMAIN.md 1.12) has other parts and no passing grade,
and is refused with a clear message until it is built."""

import csv
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from recruitment.models import (
    AdminResult,
    Announcement,
    Application,
    ApplicationEvent,
    Decision,
    ExamResult,
    Milestone,
    Presence,
    ProcurementType,
    ScoreImport,
    SelectionPeriod,
    SkdCode,
)
from recruitment.services.decisions import decision_log

MAX_FILE_BYTES = 10 * 1024 * 1024
SKD_MAXIMA = {"twk": 150, "tiu": 175, "tkp": 225}
SKD_COLUMNS = ("registration_number", "twk", "tiu", "tkp", "presence")
SKB_COLUMNS = ("registration_number", "skb", "presence")
# What people type in the attendance column, in both languages and as the official codes.
PRESENCE_WORDS = {
    "present": Presence.PRESENT,
    "hadir": Presence.PRESENT,
    "h": Presence.PRESENT,
    "absent": Presence.ABSENT,
    "th": Presence.ABSENT,
    "tidak hadir": Presence.ABSENT,
    "disqualified": Presence.DISQUALIFIED,
    "dis": Presence.DISQUALIFIED,
    "diskualifikasi": Presence.DISQUALIFIED,
}


class ScoreError(Exception):
    """A refusal the user can act on; the message says what to do."""


def period_check_cpns(period: SelectionPeriod) -> None:
    if period.procurement_type != ProcurementType.CPNS:
        raise ScoreError(
            _(
                "This is a PPPK period. PPPK competency scoring (technical, managerial, "
                "socio-cultural and interview) is not supported yet: the SKD scores and the "
                "ranking apply to CPNS periods only."
            )
        )


def announced_kinds(period: SelectionPeriod) -> set[str]:
    return set(Announcement.objects.filter(period=period).values_list("kind", flat=True))


# --- checking one row -------------------------------------------------------------------------


def parse_presence(raw) -> tuple[str | None, str | None]:
    """(presence, error). Empty is allowed here; the caller decides what it means."""
    text = "" if raw is None else str(raw).strip().lower()
    if not text:
        return "", None
    if text in PRESENCE_WORDS:
        return PRESENCE_WORDS[text], None
    message = _("Unknown attendance “%(value)s”: use present, absent (TH) or disqualified (DIS).")
    return None, message % {"value": str(raw)[:40]}


def parse_int_score(raw, *, maximum: int) -> tuple[int | None, str | None]:
    text = "" if raw is None else str(raw).strip()
    if not text:
        return None, None
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None, _("“%(value)s” is not a number.") % {"value": text[:40]}
    if not number.is_finite() or number != number.to_integral_value():
        return None, _("“%(value)s” is not a whole number.") % {"value": text[:40]}
    if number < 0:
        return None, _("%(value)s is negative: scores run from 0 to %(max)s.") % {
            "value": text,
            "max": maximum,
        }
    if number > maximum:
        return None, _("%(value)s is above the maximum of %(max)s.") % {
            "value": text,
            "max": maximum,
        }
    return int(number), None


def parse_skb(raw, *, maximum: int) -> tuple[Decimal | None, str | None]:
    text = "" if raw is None else str(raw).strip()
    if not text:
        return None, None
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None, _("“%(value)s” is not a number.") % {"value": text[:40]}
    if not number.is_finite():
        return None, _("“%(value)s” is not a number.") % {"value": text[:40]}
    if number < 0:
        return None, _("%(value)s is negative: scores run from 0 to %(max)s.") % {
            "value": text,
            "max": maximum,
        }
    if number > maximum:
        return None, _("%(value)s is above the maximum of %(max)s.") % {
            "value": text,
            "max": maximum,
        }
    if number != number.quantize(Decimal("0.01")):
        return None, _("%(value)s has more than two decimals.") % {"value": text}
    return number.quantize(Decimal("0.01")), None


def check_skd(raw: dict) -> tuple[dict, dict[str, str]]:
    """Check TWK, TIU, TKP and attendance. Returns (values, errors by column)."""
    errors, values = {}, {}
    for part, maximum in SKD_MAXIMA.items():
        values[part], problem = parse_int_score(raw.get(part), maximum=maximum)
        if problem:
            errors[part] = problem
    presence, problem = parse_presence(raw.get("presence"))
    if problem:
        errors["presence"] = problem
        return values, errors
    has_all = all(values[part] is not None for part in SKD_MAXIMA)
    has_any = any(values[part] is not None for part in SKD_MAXIMA)
    if not presence and (has_any or not errors):
        presence = Presence.PRESENT  # scores without an attendance mean the person sat the test
    values["presence"] = presence
    if presence == Presence.PRESENT and not has_all:
        for part in SKD_MAXIMA:
            if values[part] is None and part not in errors:
                errors[part] = _("Enter the score: the applicant was present.")
    if presence == Presence.ABSENT and has_any:
        errors["presence"] = _("An absent applicant (TH) cannot have scores.")
    return values, errors


def check_skb(raw: dict, *, skb_max: int) -> tuple[dict, dict[str, str]]:
    errors, values = {}, {}
    values["skb"], problem = parse_skb(raw.get("skb"), maximum=skb_max)
    if problem:
        errors["skb"] = problem
    presence, problem = parse_presence(raw.get("presence"))
    if problem:
        errors["presence"] = problem
        return values, errors
    if not presence and (values["skb"] is not None or not errors):
        presence = Presence.PRESENT
    values["presence"] = presence
    if presence == Presence.PRESENT and values["skb"] is None and "skb" not in errors:
        errors["skb"] = _("Enter the score: the applicant was present.")
    if presence == Presence.ABSENT and values["skb"] is not None:
        errors["presence"] = _("An absent applicant (TH) cannot have scores.")
    return values, errors


# --- reading the file -------------------------------------------------------------------------


@dataclass
class FileTable:
    header: list[str]
    rows: list[tuple[int, list]]  # (row number in the file, cells)


def _normalise_header(cell) -> str:
    return str(cell or "").strip().lower().replace(" ", "_").replace("-", "_")


def _read_csv(data: bytes) -> FileTable:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ScoreError(
            _(
                "The file is not UTF-8 encoded (unreadable byte at position %(position)s). Save "
                "it as “CSV UTF-8” and upload it again; the portal does not guess encodings."
            )
            % {"position": error.start + 1}
        ) from error
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = [(number, cells) for number, cells in enumerate(reader, start=1)]
    rows = [(number, cells) for number, cells in rows if any(c.strip() for c in cells)]
    if not rows:
        return FileTable([], [])
    return FileTable([_normalise_header(c) for c in rows[0][1]], rows[1:])


def _read_xlsx(data: bytes) -> FileTable:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ScoreError(_("The Excel file cannot be read. Save it again as .xlsx.")) from error
    sheet = workbook.worksheets[0]
    rows = []
    for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = ["" if cell is None else cell for cell in cells]
        if any(str(cell).strip() for cell in cells):
            rows.append((number, cells))
    workbook.close()
    if not rows:
        return FileTable([], [])
    return FileTable([_normalise_header(c) for c in rows[0][1]], rows[1:])


def read_table(*, file_name: str, data: bytes) -> FileTable:
    if not data.strip():
        raise ScoreError(_("The file is empty."))
    if len(data) > MAX_FILE_BYTES:
        raise ScoreError(_("The file is larger than 10 MB. Split it and upload the parts."))
    if data[:4] == b"PK\x03\x04" or file_name.lower().endswith(".xlsx"):
        table = _read_xlsx(data)
    else:
        table = _read_csv(data)
    if not table.header:
        raise ScoreError(_("The file is empty."))
    return table


def _column_problems(header: list[str], expected: tuple[str, ...]) -> list[str]:
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


# --- import -----------------------------------------------------------------------------------


def _eligible_applications(period: SelectionPeriod, kind: str) -> dict[str, dict]:
    """Registration number -> application facts, for every finalised application of the
    period (one query); the checks below say why a number cannot take scores."""
    return {
        row["registration_number"]: row
        for row in Application.objects.filter(period=period, registration_number__isnull=False)
        .exclude(status=Application.Status.DRAFT)
        .values("pk", "registration_number", "status", "announced_result", "exam_result__skd_code")
    }


def _number_problem(facts: dict | None, kind: str) -> str | None:
    if facts is None:
        return _("Unknown registration number in this selection period.")
    if facts["status"] == Application.Status.WITHDRAWN:
        return _("This applicant withdrew (APS).")
    if facts["announced_result"] != AdminResult.MS:
        return _("This applicant did not meet the administrative requirements (not MS).")
    if kind == ScoreImport.Kind.SKB and facts["exam_result__skd_code"] != SkdCode.PL:
        return _("This applicant was not ranked in for the SKB (SKD code: %(code)s).") % {
            "code": facts["exam_result__skd_code"] or "—"
        }
    return None


def check_rows(*, period: SelectionPeriod, kind: str, table: FileTable):
    """(rows, errors): every row checked; errors as {row, column, message}."""
    expected = SKD_COLUMNS if kind == ScoreImport.Kind.SKD else SKB_COLUMNS
    problems = _column_problems(table.header, expected)
    if problems:
        return [], [{"row": 1, "column": "", "message": problem} for problem in problems]
    if not table.rows:
        return [], [{"row": 1, "column": "", "message": _("The file has no score rows.")}]
    facts_by_number = _eligible_applications(period, kind)
    rows, errors, seen = [], [], {}
    for number, cells in table.rows:
        raw = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(table.header)}
        reg = str(raw["registration_number"]).strip()
        row_errors = {}
        if not reg:
            row_errors["registration_number"] = _("Enter the registration number.")
        elif reg in seen:
            row_errors["registration_number"] = _(
                "Registration number given twice (first on row %(row)s)."
            ) % {"row": seen[reg]}
        else:
            seen[reg] = number
            problem = _number_problem(facts_by_number.get(reg), kind)
            if problem:
                row_errors["registration_number"] = problem
        if kind == ScoreImport.Kind.SKD:
            values, score_errors = check_skd(raw)
        else:
            values, score_errors = check_skb(raw, skb_max=period.skb_max)
        row_errors.update(score_errors)
        for column, message in row_errors.items():
            errors.append({"row": number, "column": column, "message": str(message)})
        if not row_errors:
            facts = facts_by_number[reg]
            if "skb" in values and values["skb"] is not None:
                values["skb"] = str(values["skb"])
            rows.append({"row": number, "registration_number": reg, "application": facts["pk"]}
                        | values)  # fmt: skip
    return rows, errors


@transaction.atomic
def score_import_create(
    *, period: SelectionPeriod, kind: str, file_name: str, data: bytes, user
) -> ScoreImport:
    """Check the whole file and keep the report. Nothing is applied here."""
    period_check_cpns(period)
    _check_not_announced(period, kind)
    try:
        table = read_table(file_name=file_name, data=data)
    except ScoreError as error:
        rows, errors = [], [{"row": 0, "column": "", "message": str(error)}]
    else:
        rows, errors = check_rows(period=period, kind=kind, table=table)
    score_import = ScoreImport(
        period=period,
        kind=kind,
        file_name=file_name[:200],
        rows=rows,
        errors=errors,
        uploaded_by=user,
    )
    score_import.full_clean()
    score_import.save()
    return score_import


def _check_not_announced(period: SelectionPeriod, kind: str) -> None:
    blocking = Announcement.Kind.SKD if kind == ScoreImport.Kind.SKD else Announcement.Kind.FINAL
    if blocking in announced_kinds(period):
        raise ScoreError(
            _(
                "The results have been announced: a file can no longer change them. Correct an "
                "applicant's scores one by one, with the reason."
            )
        )


IMPORT_FIELDS = {
    ScoreImport.Kind.SKD: ("skd_presence", "twk", "tiu", "tkp"),
    ScoreImport.Kind.SKB: ("skb_presence", "skb"),
}


def _row_values(kind: str, row: dict) -> dict:
    if kind == ScoreImport.Kind.SKD:
        return {
            "skd_presence": row["presence"],
            "twk": row["twk"],
            "tiu": row["tiu"],
            "tkp": row["tkp"],
        }
    return {
        "skb_presence": row["presence"],
        "skb": Decimal(row["skb"]) if row.get("skb") is not None else None,
    }


@transaction.atomic
def score_import_apply(*, score_import: ScoreImport, user) -> int:
    """Write every row of a clean import, or nothing. The conditional update claims the import,
    so that a second apply (a double click, two HR staff) is refused."""
    if score_import.errors:
        raise ScoreError(_("This file has errors: correct the file and upload it again."))
    period = score_import.period
    period_check_cpns(period)
    _check_not_announced(period, score_import.kind)
    claimed = ScoreImport.objects.filter(pk=score_import.pk, applied_at__isnull=True).update(
        applied_at=timezone.now()
    )
    if not claimed:
        raise ScoreError(_("This file has already been applied."))
    kind, rows = score_import.kind, score_import.rows
    ids = [row["application"] for row in rows]
    # The applicants may have changed since the upload (a withdrawal): check them again.
    facts = _eligible_applications(period, kind)
    still = {f["pk"] for number, f in facts.items() if _number_problem(f, kind) is None}
    stale = [row["registration_number"] for row in rows if row["application"] not in still]
    if stale:
        raise ScoreError(
            _("These applicants can no longer take scores; upload the file again: %(numbers)s")
            % {"numbers": ", ".join(stale[:20])}
        )
    fields = IMPORT_FIELDS[kind]
    existing = {r.application_id: r for r in ExamResult.objects.filter(application_id__in=ids)}
    to_create, to_update, decisions = [], [], []
    now = timezone.now()
    for row in rows:
        values = _row_values(kind, row)
        result = existing.get(row["application"])
        before = _summary(result, fields) if result else ""
        if result is None:
            result = ExamResult(application_id=row["application"], **values)
            to_create.append(result)
        else:
            for name, value in values.items():
                setattr(result, name, value)
            to_update.append(result)
        decisions.append(
            Decision(
                application_id=row["application"],
                kind=Decision.Kind.SCORE,
                subject=f"{kind} import #{score_import.pk}"[:60],
                before=before[:200],
                after=_summary(result, fields)[:200],
                actor=user,
                at=now,
            )
        )
    ExamResult.objects.bulk_create(to_create, batch_size=5000)
    ExamResult.objects.bulk_update(to_update, [*fields, "updated_at"], batch_size=2000)
    Decision.objects.bulk_create(decisions, batch_size=5000)
    score_import.applied_at = now
    return len(rows)


def _summary(result: ExamResult | None, fields) -> str:
    if result is None:
        return ""
    return ", ".join(f"{name}={'' if getattr(result, name) is None else getattr(result, name)}"
                     for name in fields)  # fmt: skip


# --- one application by hand ------------------------------------------------------------------

SCORE_FIELDS = ("skd_presence", "twk", "tiu", "tkp", "skb_presence", "skb")


@transaction.atomic
def exam_result_update(
    *,
    application: Application,
    actor,
    skd_presence: str = "",
    twk: int | None = None,
    tiu: int | None = None,
    tkp: int | None = None,
    skb_presence: str = "",
    skb: Decimal | None = None,
    reason: str = "",
) -> ExamResult:
    """HR's entry of one application's scores. Before any announcement each changed field is
    logged as a score; after the SKD or final announcement it is a correction, which needs a
    reason and appears on the applicant's timeline."""
    period = application.period
    period_check_cpns(period)
    problem = _number_problem(
        {
            "status": application.status,
            "announced_result": application.announced_result,
            "exam_result__skd_code": SkdCode.PL,  # SKB scores by hand are HR's own call
        },
        ScoreImport.Kind.SKD,
    )
    if problem:
        raise ScoreError(problem)
    result, _created = ExamResult.objects.select_for_update().get_or_create(application=application)
    new = {
        "skd_presence": skd_presence or "",
        "twk": twk,
        "tiu": tiu,
        "tkp": tkp,
        "skb_presence": skb_presence or "",
        "skb": skb,
    }
    changed = {name: value for name, value in new.items() if getattr(result, name) != value}
    if not changed:
        return result
    announced = announced_kinds(period) & {Announcement.Kind.SKD, Announcement.Kind.FINAL}
    reason = (reason or "").strip()
    if announced and not reason:
        raise ScoreError(_("The results have been announced: give the reason for this correction."))
    kind = Decision.Kind.CORRECTION if announced else Decision.Kind.SCORE
    before = {name: getattr(result, name) for name in changed}
    for name, value in changed.items():
        setattr(result, name, value)
    result.full_clean(exclude=["application", "placed_formation"])
    result.save()
    for name, value in changed.items():
        decision_log(
            application=application,
            kind=kind,
            actor=actor,
            subject=name,
            before="" if before[name] is None else before[name],
            after="" if value is None else value,
            reason=reason,
        )
    if announced:
        ApplicationEvent.objects.create(
            application=application,
            status=Milestone.CORRECTION,
            note=_("Exam scores corrected: %(reason)s") % {"reason": reason},
            actor=actor,
        )
    return result
