"""Scores: the SKD, SKB and PPPK competency score import (checked into a row-level report first,
applied all-or-nothing) and HR's entry or correction of one application's scores
(docs/domain.md 1.7, 1.8 and 1.12).

Every score written here marks the result as not ranked (`ranked_at = NULL`): the SKD and final
announcements wait until the ranking has been computed again (selectors/ranking.py,
`ranking_problems`). A correction after an announcement re-ranks the period at once, so that
every code it changes is logged as a correction with the same reason.

The rules of one value and one row are in score_rules.py, the reading of a file in
score_files.py; the names used elsewhere stay importable from here."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from recruitment.models import (
    AdminResult,
    Announcement,
    Application,
    ApplicationEvent,
    Decision,
    ExamResult,
    Milestone,
    ScoreImport,
    SelectionPeriod,
    SkbPart,
    SkbScore,
    SkdCode,
)
from recruitment.services.decisions import decision_log
from recruitment.services.ranking import rank_period
from recruitment.services.score_files import (
    ROWS_SLACK,
    FileTable,
    column_problems,
    max_file_bytes,
    read_table,
)
from recruitment.services.score_rules import (
    PPPK_PARTS,
    SKD_PARTS,
    ScoreError,
    announced_kinds,
    check_pppk,
    check_skb,
    check_skd,
    period_check_kind,
    scores_stage_check,
)

__all__ = [
    "MAX_STORED_ERRORS",
    "SCORE_FIELDS",
    "ScoreError",
    "announced_kinds",
    "check_rows",
    "exam_result_update",
    "max_file_bytes",
    "read_table",
    "score_import_apply",
    "score_import_create",
]

SKD_COLUMNS = ("registration_number", "twk", "tiu", "tkp", "presence")
PPPK_COLUMNS = ("registration_number", "teknis", "manajerial", "sosiokultural", "wawancara",
                "presence")  # fmt: skip
MAX_STORED_ERRORS = 500


# --- import -----------------------------------------------------------------------------------


def _finalised(period: SelectionPeriod):
    return Application.objects.filter(period=period, registration_number__isnull=False).exclude(
        status=Application.Status.DRAFT
    )


def _eligible_applications(period: SelectionPeriod) -> dict[str, dict]:
    """Registration number -> application facts, for every finalised application of the
    period (one query); the checks below say why a number cannot take scores."""
    return {
        row["registration_number"]: row
        for row in _finalised(period).values(
            "pk",
            "registration_number",
            "status",
            "announced_result",
            "formation_id",
            "exam_result__skd_code",
            "exam_result__skd_reused_from",
        )
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
    if kind == ScoreImport.Kind.SKD and facts.get("exam_result__skd_reused_from"):
        return _("This applicant reuses an SKD result of the previous period.")
    return None


def _skb_parts(period: SelectionPeriod) -> dict[int, list[SkbPart]]:
    """The SKB parts of each formation of the period that has any."""
    parts: dict[int, list[SkbPart]] = {}
    for part in SkbPart.objects.filter(formation__period=period).order_by("order", "pk"):
        parts.setdefault(part.formation_id, []).append(part)
    return parts


def _expected_columns(period: SelectionPeriod, kind: str, parts: dict) -> tuple[str, ...]:
    if kind == ScoreImport.Kind.SKD:
        return SKD_COLUMNS
    if kind == ScoreImport.Kind.PPPK:
        return PPPK_COLUMNS
    codes = list(dict.fromkeys(p.code for formation in parts.values() for p in formation))
    # One SKB value per row when a formation without parts has applicants at the SKB stage (a
    # formation nobody applied to does not force the column on HR).
    unparted = period.formations.exclude(pk__in=list(parts)).filter(
        applications__announced_result=AdminResult.MS
    )
    if unparted.exists():
        codes.insert(0, "skb")
    return ("registration_number", *codes, "presence")


def check_rows(*, period: SelectionPeriod, kind: str, table: FileTable):
    """(rows, errors): every row checked; errors as {row, column, message}."""
    parts = _skb_parts(period) if kind == ScoreImport.Kind.SKB else {}
    expected = _expected_columns(period, kind, parts)
    problems = column_problems(table.header, expected)
    if problems:
        return [], [{"row": 1, "column": "", "message": problem} for problem in problems]
    if not table.rows:
        return [], [{"row": 1, "column": "", "message": _("The file has no score rows.")}]
    facts_by_number = _eligible_applications(period)
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
        facts = facts_by_number.get(reg) or {}
        if kind == ScoreImport.Kind.SKD:
            values, score_errors = check_skd(raw, period)
        elif kind == ScoreImport.Kind.PPPK:
            values, score_errors = check_pppk(raw, period)
        else:
            mine = parts.get(facts.get("formation_id"), [])
            values, score_errors = check_skb(raw, period, mine)
            values["parts"] = {str(pk): value for pk, value in values["parts"].items()}
            own = {part.code for part in mine} or {"skb"}
            for column in set(expected) - own - {"registration_number", "presence"}:
                if str(raw.get(column) or "").strip():
                    score_errors[column] = _(
                        "This applicant's formation has no SKB part “%(code)s”: leave it empty."
                    ) % {"code": column}
        row_errors.update(score_errors)
        for column, message in row_errors.items():
            errors.append({"row": number, "column": column, "message": str(message)})
        if not row_errors:
            facts = facts_by_number[reg]
            if values.get("skb") is not None:
                values["skb"] = str(values["skb"])
            if values.get("parts"):
                values["parts"] = {
                    pk: value if isinstance(value, bool) or value is None else str(value)
                    for pk, value in values["parts"].items()
                }
            rows.append({"row": number, "registration_number": reg, "application": facts["pk"]}
                        | values)  # fmt: skip
    return rows, errors


def _cap_errors(errors: list[dict]) -> list[dict]:
    """The first errors, and one last line with how many there are in all: a file of 50,000
    bad rows must not become a report of 50,000 rows."""
    if len(errors) <= MAX_STORED_ERRORS:
        return errors
    hidden = len(errors) - MAX_STORED_ERRORS
    summary = ngettext(
        "%(hidden)s more error is not listed (%(total)s in all). Correct the file and upload it "
        "again.",
        "%(hidden)s more errors are not listed (%(total)s in all). Correct the file and upload "
        "it again.",
        hidden,
    ) % {"hidden": hidden, "total": len(errors)}
    return [*errors[:MAX_STORED_ERRORS], {"row": 0, "column": "", "message": summary}]


@transaction.atomic
def score_import_create(
    *, period: SelectionPeriod, kind: str, file_name: str, data: bytes, user
) -> ScoreImport:
    """Check the whole file and keep the report. Nothing is applied here. A file may not have
    more rows than the period has finalised applications, plus 100."""
    period_check_kind(period, kind)
    scores_stage_check(period)
    _check_not_announced(period, kind)
    try:
        table = read_table(
            file_name=file_name, data=data, max_rows=_finalised(period).count() + ROWS_SLACK
        )
    except ScoreError as error:
        rows, errors = [], [{"row": 0, "column": "", "message": str(error)}]
    else:
        rows, errors = check_rows(period=period, kind=kind, table=table)
    score_import = ScoreImport(
        period=period,
        kind=kind,
        file_name=file_name[:200],
        rows=rows,
        errors=_cap_errors(errors),
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
    ScoreImport.Kind.SKD: ("skd_presence", *SKD_PARTS),
    ScoreImport.Kind.SKB: ("skb_presence", "skb"),
    ScoreImport.Kind.PPPK: ("pppk_presence", *PPPK_PARTS),
}


def _row_values(kind: str, row: dict) -> dict:
    if kind == ScoreImport.Kind.SKD:
        return {"skd_presence": row["presence"], **{part: row[part] for part in SKD_PARTS}}
    if kind == ScoreImport.Kind.PPPK:
        return {"pppk_presence": row["presence"], **{part: row[part] for part in PPPK_PARTS}}
    return {
        "skb_presence": row["presence"],
        "skb": Decimal(row["skb"]) if row.get("skb") is not None else None,
    }


def _part_scores(results_by_application: dict, rows: list[dict]) -> list[SkbScore]:
    """The SKB part scores of an import's rows, as new rows (the old ones are replaced)."""
    scores = []
    for row in rows:
        result = results_by_application[row["application"]]
        for part_id, value in (row.get("parts") or {}).items():
            if value is None:
                continue
            scores.append(
                SkbScore(
                    result=result,
                    part_id=int(part_id),
                    score=None if isinstance(value, bool) else Decimal(value),
                    passed=value if isinstance(value, bool) else None,
                )
            )
    return scores


@transaction.atomic
def score_import_apply(*, score_import: ScoreImport, user) -> int:
    """Write every row of a clean import, or nothing. The conditional update claims the import,
    so that a second apply (a double click, two HR staff) is refused. Every row written waits
    for the next ranking (`ranked_at` cleared)."""
    if score_import.errors:
        raise ScoreError(_("This file has errors: correct the file and upload it again."))
    period = score_import.period
    period_check_kind(period, score_import.kind)
    scores_stage_check(period)
    _check_not_announced(period, score_import.kind)
    claimed = ScoreImport.objects.filter(pk=score_import.pk, applied_at__isnull=True).update(
        applied_at=timezone.now()
    )
    if not claimed:
        raise ScoreError(_("This file has already been applied."))
    kind, rows = score_import.kind, score_import.rows
    ids = [row["application"] for row in rows]
    # The applicants may have changed since the upload (a withdrawal): check them again.
    facts = _eligible_applications(period)
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
            result.ranked_at = None
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
    ExamResult.objects.bulk_update(to_update, [*fields, "ranked_at", "updated_at"], batch_size=2000)
    Decision.objects.bulk_create(decisions, batch_size=5000)
    if kind == ScoreImport.Kind.SKB:
        results = {**existing, **{result.application_id: result for result in to_create}}
        SkbScore.objects.filter(result__application_id__in=ids).delete()
        SkbScore.objects.bulk_create(_part_scores(results, rows), batch_size=5000)
    score_import.applied_at = now
    return len(rows)


def _summary(result: ExamResult | None, fields) -> str:
    if result is None:
        return ""
    return ", ".join(f"{name}={'' if getattr(result, name) is None else getattr(result, name)}"
                     for name in fields)  # fmt: skip


# --- one application by hand ------------------------------------------------------------------

SCORE_FIELDS = ("skd_presence", *SKD_PARTS, "skb_presence", "skb")
PPPK_FIELDS = ("pppk_presence", *PPPK_PARTS)


def _text(value) -> str:
    if isinstance(value, bool):  # an elimination part, as the form gives it: passed or failed
        return "pass" if value else "fail"
    return "" if value is None else str(value)


def _checked_by_hand(application: Application, fields: dict, skb_parts: dict | None) -> dict:
    """The values HR typed, checked by the same rules as a file's rows; ScoreError with every
    problem otherwise. Returns {field: value} and, for SKB parts, "parts": {part: value}."""
    period = application.period
    problems, new = {}, {}
    if period.is_pppk:
        raw = {part: _text(fields.get(part)) for part in PPPK_PARTS}
        raw["presence"] = fields.get("pppk_presence") or ""
        values, errors = check_pppk(raw, period) if any(raw.values()) else ({}, {})
        problems.update(errors)
        new["pppk_presence"] = values.get("presence", "") if any(raw.values()) else ""
        new.update({part: values.get(part) for part in PPPK_PARTS})
        return {"fields": new, "parts": None, "problems": problems}
    raw = {part: _text(fields.get(part)) for part in SKD_PARTS}
    raw["presence"] = fields.get("skd_presence") or ""
    given = any(raw.values())
    values, errors = check_skd(raw, period) if given else ({}, {})
    problems.update(errors)
    new["skd_presence"] = values.get("presence", "") if given else ""
    new.update({part: values.get(part) for part in SKD_PARTS})
    parts = list(application.formation.skb_parts.order_by("order", "pk"))
    if parts:
        raw = {part.code: _text((skb_parts or {}).get(part.pk)) for part in parts}
    else:
        raw = {"skb": _text(fields.get("skb"))}
    raw["presence"] = fields.get("skb_presence") or ""
    given = any(raw.values())
    values, errors = check_skb(raw, period, parts) if given else ({}, {})
    problems.update(errors)
    new["skb_presence"] = values.get("presence", "") if given else ""
    new["skb"] = values.get("skb")
    return {
        "fields": new,
        # Nothing given: the SKB is cleared, its parts too (not left behind, shown again).
        "parts": values.get("parts", dict.fromkeys(part.pk for part in parts)) if parts else None,
        "problems": problems,
    }


@transaction.atomic
def exam_result_update(
    *,
    application: Application,
    actor,
    reason: str = "",
    skb_parts: dict | None = None,
    **fields,
) -> ExamResult:
    """HR's entry of one application's scores (SKD and SKB, or the PPPK competency test), by the
    same rules as the import. Before any announcement each changed value is logged as a score
    and the result waits for the next ranking. After the SKD or final announcement it is a
    correction: it needs a reason, appears on the applicant's timeline, and the period is ranked
    again at once with that reason, so that every code it changes is logged as a correction
    too. `skb_parts`: {SKB part id: score, or passed for an elimination part}."""
    period = application.period
    unknown = set(fields) - set(SCORE_FIELDS) - set(PPPK_FIELDS)
    if unknown:
        raise TypeError(f"exam_result_update() got unexpected fields: {sorted(unknown)}")
    # Scores of the other kind of test would be dropped without a word: refuse them.
    other = SCORE_FIELDS if period.is_pppk else PPPK_FIELDS
    if any(fields.get(name) not in (None, "") for name in other) or (
        period.is_pppk and any(value is not None for value in (skb_parts or {}).values())
    ):
        period_check_kind(period, ScoreImport.Kind.SKD if period.is_pppk else ScoreImport.Kind.PPPK)
    scores_stage_check(period)
    problem = _number_problem(
        {
            "status": application.status,
            "announced_result": application.announced_result,
            "exam_result__skd_code": SkdCode.PL,  # SKB scores by hand are HR's own call
        },
        "",  # any stage: HR enters every part of the scores here
    )
    if problem:
        raise ScoreError(problem)
    checked = _checked_by_hand(application, fields, skb_parts)
    if checked["problems"]:
        raise ScoreError(" ".join(str(message) for message in checked["problems"].values()))
    new = checked["fields"]
    result, _created = ExamResult.objects.select_for_update().get_or_create(application=application)
    changed = {name: value for name, value in new.items() if getattr(result, name) != value}
    part_changes = _part_changes(result, checked["parts"])
    if not changed and not part_changes:
        return result
    if result.skd_reused_from_id and set(changed) & {"skd_presence", *SKD_PARTS}:
        # The SKD scores are the previous period's result, carried over: they change there.
        raise ScoreError(
            _(
                "This SKD result was carried over from %(period)s: it cannot be changed here, "
                "as in a score file."
            )
            % {"period": result.skd_reused_from.application.period}
        )
    announced = announced_kinds(period) & {Announcement.Kind.SKD, Announcement.Kind.FINAL}
    reason = (reason or "").strip()
    if announced and not reason:
        raise ScoreError(_("The results have been announced: give the reason for this correction."))
    kind = Decision.Kind.CORRECTION if announced else Decision.Kind.SCORE
    before = {name: getattr(result, name) for name in changed}
    for name, value in changed.items():
        setattr(result, name, value)
    result.ranked_at = None
    result.full_clean(exclude=["application", "placed_formation", "skd_reused_from"])
    result.save()
    for part, (old, value) in part_changes.items():
        SkbScore.objects.update_or_create(
            result=result,
            part=part,
            defaults={
                "score": None if isinstance(value, bool) else value,
                "passed": value if isinstance(value, bool) else None,
            },
        )
        changed[f"skb:{part.code}"] = value
        before[f"skb:{part.code}"] = old
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
        rank_period(period=period, actor=actor, correction_reason=reason)
        result.refresh_from_db()
    return result


def _part_changes(result: ExamResult, parts: dict | None) -> dict:
    """{part: (old value, new value)} for the SKB parts whose value changes."""
    if not parts:
        return {}
    existing = {score.part_id: score for score in result.skb_scores.all()} if result.pk else {}
    by_id = SkbPart.objects.in_bulk(list(parts))
    changes = {}
    for part_id, value in parts.items():
        score = existing.get(part_id)
        old = None if score is None else (score.passed if score.passed is not None else score.score)
        if old != value:
            changes[by_id[part_id]] = (old, value)
    return changes


# --- SKD reuse (docs/domain.md 1.7, KepmenPANRB 344/2024) --------------------------------------


def skd_reuse_source(application: Application) -> ExamResult | None:
    """The SKD result an application may carry over: the applicant's (same NIK) result of the
    previous CPNS period, sat in person at the same education level, not itself carried over
    and not carried over already; None when there is none or the period does not allow it."""
    period = application.period
    if period.is_pppk or not period.skd_reuse_allowed:
        return None
    nik = application.applicant_nik or getattr(
        getattr(application.applicant, "applicant_profile", None), "nik", None
    )
    if not nik:
        return None
    # The previous selection is the latest earlier one whose SKD result was announced (a draft
    # or a period still running is no previous selection).
    previous = (
        SelectionPeriod.objects.filter(
            procurement_type=period.procurement_type,
            registration_opens_at__lt=period.registration_opens_at,
            announcements__kind=Announcement.Kind.SKD,
        )
        .order_by("-registration_opens_at")
        .first()
    )
    if previous is None:
        return None
    return (
        ExamResult.objects.filter(
            application__period=previous,
            application__applicant_nik=nik,
            application__formation__education_level=application.formation.education_level,
            skd_presence="present",
            skd_total__isnull=False,
            skd_reused_from__isnull=True,
        )
        .exclude(reused_by__isnull=False)
        .select_related("application__period")
        .first()
    )


@transaction.atomic
def skd_reuse_request(*, application: Application, user, reuse: bool) -> None:
    """The applicant asks to carry their previous SKD result (or changes their mind), until
    the SKD scores are recorded."""
    if application.applicant_id != user.pk:
        raise ScoreError(_("Only the applicant can ask for this."))
    period = application.period
    if reuse and (period.is_pppk or not period.skd_reuse_allowed):
        raise ScoreError(
            _("This selection does not allow reusing an SKD result of the previous period.")
        )
    if reuse and skd_reuse_source(application) is None:
        raise ScoreError(_("You have no SKD result of the previous period that can be reused."))
    if ExamResult.objects.filter(application=application, skd_presence__gt="").exists():
        raise ScoreError(_("Your SKD result is recorded already: it can no longer change."))
    Application.objects.filter(pk=application.pk).update(skd_reuse_requested=reuse)
    application.skd_reuse_requested = reuse


@transaction.atomic
def skd_reuse_apply(*, period: SelectionPeriod, actor) -> tuple[int, list[str]]:
    """Carry over the SKD result of every applicant who asked and may (one by one: few), log
    each as a decision; returns (how many, the registration numbers refused: no usable
    previous result, or an SKD result recorded already)."""
    period_check_kind(period, ScoreImport.Kind.SKD)
    scores_stage_check(period)
    _check_not_announced(period, ScoreImport.Kind.SKD)
    applied, refused = 0, []
    requests = (
        Application.objects.filter(
            period=period,
            status=Application.Status.SUBMITTED,
            announced_result=AdminResult.MS,
            skd_reuse_requested=True,
        )
        .select_related("period", "formation", "applicant__applicant_profile")
        .order_by("registration_number")
    )
    for application in requests:
        source = skd_reuse_source(application)
        result, _created = ExamResult.objects.get_or_create(application=application)
        if result.skd_reused_from_id:
            continue  # carried over already
        if source is None or result.skd_presence:
            refused.append(application.registration_number)
            continue
        result.skd_presence = source.skd_presence
        result.twk, result.tiu, result.tkp = source.twk, source.tiu, source.tkp
        result.skd_reused_from = source
        result.ranked_at = None
        result.save()
        decision_log(
            application=application,
            kind=Decision.Kind.SKD_REUSE,
            actor=actor,
            subject="skd",
            before="",
            after=f"twk={source.twk}, tiu={source.tiu}, tkp={source.tkp}",
            reason=_("SKD result of %(period)s carried over (KepmenPANRB 344/2024).")
            % {"period": source.application.period},
        )
        applied += 1
    return applied, refused
