"""The ranking of a CPNS period (docs/domain.md 1.7-1.9) and the optimisation of unfilled formations
(docs/domain.md 1.10).

`rank_period` reads every result of the period in one query, ranks in memory and writes every
row back in one statement (PostgreSQL: an UPDATE joined to `unnest` of arrays; elsewhere
`bulk_update` in batches), so that its query count does not depend on the number of applicants.

Orders, per formation:
- SKD, among those who passed the passing grade: SKD total, then TKP, TIU, TWK, all descending.
  The SKD rank is a competition rank (1, 2, 2, 4): applicants identical on all four keys share a
  rank, so "rank <= multiplier x quota" lets everyone tied with the last one through
  (PermenPANRB 27/2021 Pasal 40(7)).
- Final, among P/L who sat the SKB: final score, SKD total, TKP, TIU, TWK (descending), GPA
  (higher first), birth date (older first), then the registration number (ascending) as the
  last key, so that the order is always the same and every rank is unique. The rules end at the
  birth date: when applicants identical on every rule straddle the quota, the registration
  number must not decide who passes, so the formation is reported (`boundary_ties`) and flagged
  on the merit list for HR to decide (optimisation or correction).

Every change of an SKD code or a final code is logged: as a Decision kind=ranking before the
announcement of that stage, and after it as a Decision kind=correction with an ApplicationEvent
"correction" on the applicant's timeline. Once the final result is announced the ranking runs
only as a correction, with its reason.

The optimisation lives in optimisation.py; its services stay importable from here.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.db import execute_write
from recruitment.models import (
    AdminResult,
    Announcement,
    Application,
    ApplicationEvent,
    Decision,
    ExamResult,
    FinalCode,
    Milestone,
    OptimisationOffer,
    PassingGrade,
    Presence,
    SelectionPeriod,
    SkdCode,
)
from recruitment.services.optimisation import optimisation_decide, optimisation_propose
from recruitment.services.score_rules import (
    FILLED_CODES,
    RankingError,
    announced_kinds,
    period_check_cpns,
)

__all__ = [
    "FILLED_CODES",
    "RankingError",
    "RankingSummary",
    "competition_ranks",
    "final_score",
    "optimisation_decide",
    "optimisation_propose",
    "passes_grade",
    "rank_period",
]

SKD_MAX = 550
THOUSANDTH = Decimal("0.001")
RANKED_STATUSES = (Application.Status.SUBMITTED, Application.Status.WITHDRAWN)
WRITTEN_FIELDS = (
    "skd_total",
    "skd_passed",
    "skd_rank",
    "skd_code",
    "final_score",
    "final_rank",
    "final_code",
)


# --- the rules, as pure functions (tested directly) -------------------------------------------


def passes_grade(grade, *, twk: int, tiu: int, tkp: int) -> bool:
    """Every minimum the category sets, inclusive: exactly on the grade passes. A missing grade
    row means no threshold can be checked, and nobody passes (the row is seeded per period)."""
    if grade is None:
        return False
    total = twk + tiu + tkp
    checks = (
        (grade.twk_min, twk),
        (grade.tiu_min, tiu),
        (grade.tkp_min, tkp),
        (grade.total_min, total),
    )
    return all(minimum is None or value >= minimum for minimum, value in checks)


def final_score(
    *, skd_total: int, skb: Decimal, skd_weight: int, skb_weight: int, skb_max: int
) -> Decimal:
    """weight% x (SKD / 550 x 100) + weight% x (SKB / max x 100), rounded half up to 3 places."""
    skd_part = Decimal(skd_weight) * Decimal(skd_total) / Decimal(SKD_MAX)
    skb_part = Decimal(skb_weight) * Decimal(skb) / Decimal(skb_max)
    return (skd_part + skb_part).quantize(THOUSANDTH, rounding=ROUND_HALF_UP)


def competition_ranks(keys: list[tuple]) -> list[int]:
    """Ranks for keys already sorted best first: equal keys share a rank (1, 2, 2, 4)."""
    ranks, previous = [], None
    for position, key in enumerate(keys, start=1):
        ranks.append(ranks[-1] if key == previous else position)
        previous = key
    return ranks


# --- ranking ----------------------------------------------------------------------------------


@dataclass
class RankingSummary:
    total: int = 0
    skd: dict[str, int] = field(default_factory=dict)
    final: dict[str, int] = field(default_factory=dict)
    unscored: int = 0
    changed: int = 0  # final codes
    skd_changed: int = 0
    corrections: int = 0  # applications whose announced code changed
    # Formations (ids) where applicants identical on every tie-break rule straddle the quota.
    boundary_ties: list[int] = field(default_factory=list)


_READ_FIELDS = (
    "pk",
    "application_id",
    "skd_presence",
    "twk",
    "tiu",
    "tkp",
    "skb_presence",
    "skb",
    *WRITTEN_FIELDS,
    "application__status",
    "application__announced_result",
    "application__registration_number",
    "application__formation_id",
    "application__formation__quota",
    "application__formation__category",
    "application__applicant__applicant_profile__gpa",
    "application__applicant__applicant_profile__birth_date",
)


def _skd_sort_key(row):
    return (-row["skd_total"], -row["tkp"], -row["tiu"], -row["twk"])


def _final_rule_key(row):
    """Every rule of docs/domain.md 1.8, and nothing else."""
    gpa = row["application__applicant__applicant_profile__gpa"]
    born = row["application__applicant__applicant_profile__birth_date"] or date.max
    return (
        -row["final_score"],
        -row["skd_total"],
        -row["tkp"],
        -row["tiu"],
        -row["twk"],
        -(gpa if gpa is not None else Decimal(-1)),
        born,
    )


def _final_sort_key(row):
    # The registration number only makes the display order stable (see boundary ties).
    return (*_final_rule_key(row), row["application__registration_number"] or "")


def _rank_skd(row, grades) -> None:
    row.update(skd_total=None, skd_passed=None, skd_rank=None, skd_code="")
    presence = row["skd_presence"]
    if presence == Presence.DISQUALIFIED:
        row["skd_code"] = SkdCode.DIS
    elif presence == Presence.ABSENT:
        row["skd_code"] = SkdCode.TH
    elif presence == Presence.PRESENT and None not in (row["twk"], row["tiu"], row["tkp"]):
        row["skd_total"] = row["twk"] + row["tiu"] + row["tkp"]
        grade = grades.get(row["application__formation__category"])
        row["skd_passed"] = passes_grade(grade, twk=row["twk"], tiu=row["tiu"], tkp=row["tkp"])
        row["skd_code"] = SkdCode.P if row["skd_passed"] else SkdCode.TL


def _compute(
    period: SelectionPeriod, rows: list[dict], grades: dict, placed: set[int]
) -> list[int]:
    """Fill in the codes, ranks and scores of every row; return the formations with a full tie
    at the quota boundary."""
    by_formation = defaultdict(list)
    for row in rows:
        row["_before"] = row["final_code"]
        row["_skd_before"] = row["skd_code"]
        row.update(final_score=None, final_rank=None)
        status = row["application__status"]
        if status == Application.Status.WITHDRAWN:
            row.update(skd_total=None, skd_passed=None, skd_rank=None, skd_code="")
            row["final_code"] = FinalCode.APS
            continue
        if row["application__announced_result"] == AdminResult.TMS:
            row.update(skd_total=None, skd_passed=None, skd_rank=None, skd_code="")
            row["final_code"] = FinalCode.TMS
            continue
        _rank_skd(row, grades)
        by_formation[row["application__formation_id"]].append(row)

    boundary_ties = []
    for formation_id, members in by_formation.items():
        quota = members[0]["application__formation__quota"]
        cutoff = period.skb_multiplier * quota
        passers = sorted((r for r in members if r["skd_passed"]), key=_skd_sort_key)
        ranks = competition_ranks([_skd_sort_key(r) for r in passers])
        for row, rank in zip(passers, ranks, strict=True):
            row["skd_rank"] = rank
            row["skd_code"] = SkdCode.PL if rank <= cutoff else SkdCode.P

        finalists = []
        for row in members:
            row["final_code"] = _provisional_final_code(row)
            if (
                row["skd_code"] == SkdCode.PL
                and row["skb_presence"] == Presence.PRESENT
                and row["skb"] is not None
            ):
                row["final_score"] = final_score(
                    skd_total=row["skd_total"],
                    skb=row["skb"],
                    skd_weight=period.skd_weight,
                    skb_weight=period.skb_weight,
                    skb_max=period.skb_max,
                )
                finalists.append(row)
        finalists.sort(key=_final_sort_key)
        for rank, row in enumerate(finalists, start=1):
            row["final_rank"] = rank
            row["final_code"] = FinalCode.L if rank <= quota else FinalCode.TL
        if 0 < quota < len(finalists) and _final_rule_key(finalists[quota - 1]) == (
            _final_rule_key(finalists[quota])
        ):
            boundary_ties.append(formation_id)

    for row in rows:
        # A confirmed optimisation placement is HR's decision: a new ranking keeps it.
        if row["application_id"] in placed:
            row["final_code"] = row["_before"]
    return sorted(boundary_ties)


def _provisional_final_code(row) -> str:
    code = row["skd_code"]
    if code == SkdCode.DIS:
        return FinalCode.DIS
    if code == SkdCode.TH:
        return FinalCode.TH
    if code in (SkdCode.TL, SkdCode.P):
        return FinalCode.TL
    if code == SkdCode.PL:
        if row["skb_presence"] == Presence.DISQUALIFIED:
            return FinalCode.DIS
        if row["skb_presence"] == Presence.ABSENT:
            return FinalCode.TH
    return ""  # not scored yet, or waiting for the SKB


def _write_postgresql(rows: list[dict], now) -> None:
    columns = {
        "id": ("bigint", [r["pk"] for r in rows]),
        "skd_total": ("integer", [r["skd_total"] for r in rows]),
        "skd_passed": ("boolean", [r["skd_passed"] for r in rows]),
        "skd_rank": ("integer", [r["skd_rank"] for r in rows]),
        "skd_code": ("text", [r["skd_code"] for r in rows]),
        "final_score": ("numeric", [r["final_score"] for r in rows]),
        "final_rank": ("integer", [r["final_rank"] for r in rows]),
        "final_code": ("text", [r["final_code"] for r in rows]),
    }
    table = ExamResult._meta.db_table
    names = list(columns)
    arrays = ", ".join(f"%s::{kind}[]" for kind, _values in columns.values())
    sets = ", ".join(f"{name} = v.{name}" for name in names[1:])
    sql = (
        f'UPDATE "{table}" AS r SET {sets}, ranked_at = %s, updated_at = %s '  # noqa: S608
        f"FROM unnest({arrays}) AS v({', '.join(names)}) WHERE r.id = v.id"
    )
    execute_write(
        sql, [now, now, *(values for _kind, values in columns.values())], model=ExamResult
    )


def _write_portable(rows: list[dict], now) -> None:
    objects = []
    for row in rows:
        result = ExamResult(pk=row["pk"], ranked_at=now, updated_at=now)
        for name in WRITTEN_FIELDS:
            setattr(result, name, row[name])
        objects.append(result)
    ExamResult.objects.bulk_update(
        objects, [*WRITTEN_FIELDS, "ranked_at", "updated_at"], batch_size=500
    )


def _changes(rows: list[dict], announced: set[str], reason: str) -> tuple[list[dict], set[int]]:
    """The decisions to log: one per changed SKD code and per changed final code, a correction
    once that stage has been announced. Returns them and the applications corrected."""
    decisions, corrected = [], set()
    for row in rows:
        for subject, before, stage in (
            ("skd_code", "_skd_before", Announcement.Kind.SKD),
            ("final_code", "_before", Announcement.Kind.FINAL),
        ):
            if row[subject] == row[before]:
                continue
            correction = stage in announced
            if correction:
                corrected.add(row["application_id"])
            decisions.append(
                {
                    "application_id": row["application_id"],
                    "kind": Decision.Kind.CORRECTION if correction else Decision.Kind.RANKING,
                    "subject": subject,
                    "before": str(row[before]),
                    "after": str(row[subject]),
                    "reason": reason if correction else "",
                }
            )
    return decisions, corrected


def _insert_decisions(decisions: list[dict], actor, now) -> None:
    """PostgreSQL: one INSERT from arrays, whatever the number of rows (bulk_create would build
    50,000 model instances)."""
    if connection.vendor != "postgresql":
        Decision.objects.bulk_create(
            [Decision(**d, actor=actor, at=now) for d in decisions], batch_size=500
        )
        return
    table = Decision._meta.db_table
    sql = (
        f'INSERT INTO "{table}" (application_id, kind, subject, before, after, reason, '  # noqa: S608
        "actor_id, at) SELECT v.application_id, v.kind, v.subject, v.before, v.after, v.reason, "
        "%s, %s FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[], "
        "%s::text[]) AS v(application_id, kind, subject, before, after, reason)"
    )
    params = [actor.pk if actor else None, now, [d["application_id"] for d in decisions]]
    for name in ("kind", "subject", "before", "after", "reason"):
        params.append([str(d[name]) for d in decisions])
    execute_write(sql, params, model=Decision)


def _correction_events(rows: list[dict], corrected: set[int], reason: str, actor, now) -> None:
    """The applicant's timeline: one "correction" event per application whose announced code
    changed, saying what changed and why. Rare, and few: bulk_create is enough."""
    events = []
    for row in rows:
        if row["application_id"] not in corrected:
            continue
        changes = [
            f"{label} {row[before] or '—'} → {row[subject] or '—'}"
            for label, subject, before in (
                (_("SKD code"), "skd_code", "_skd_before"),
                (_("final code"), "final_code", "_before"),
            )
            if row[subject] != row[before]
        ]
        note = _("Result corrected after the announcement: %(changes)s. Reason: %(reason)s") % {
            "changes": "; ".join(changes),
            "reason": reason,
        }
        events.append(
            ApplicationEvent(
                application_id=row["application_id"],
                status=Milestone.CORRECTION,
                note=note,
                actor=actor,
                at=now,
            )
        )
    ApplicationEvent.objects.bulk_create(events, batch_size=1000)


@transaction.atomic
def rank_period(
    *, period: SelectionPeriod, actor=None, correction_reason: str = ""
) -> RankingSummary:
    """Compute the SKD and final codes of every finalised application of a CPNS period and log
    each change of a code (a correction once its stage is announced). Safe to run again: it
    gives the same result on the same scores, and two runs at once queue on the period row.

    After the final announcement it runs only with `correction_reason` (exam_result_update
    gives the reason of a score correction): nothing changes an announced result silently."""
    period_check_cpns(period)
    SelectionPeriod.objects.select_for_update().filter(pk=period.pk).first()
    announced = announced_kinds(period)
    reason = (correction_reason or "").strip()
    if Announcement.Kind.FINAL in announced and not reason:
        raise RankingError(
            _(
                "The final result has been announced: the ranking can only change it as a "
                "correction. Correct the applicant's scores with the reason; the period is ranked "
                "again with it."
            )
        )
    # Every finalised or withdrawn application gets a result row, to carry its code.
    missing = Application.objects.filter(
        period=period, status__in=RANKED_STATUSES, exam_result__isnull=True
    ).values_list("pk", flat=True)
    ExamResult.objects.bulk_create(
        [ExamResult(application_id=pk) for pk in missing], batch_size=5000, ignore_conflicts=True
    )
    grades = {grade.category: grade for grade in PassingGrade.objects.filter(period=period)}
    rows = list(
        ExamResult.objects.filter(
            application__period=period, application__status__in=RANKED_STATUSES
        ).values(*_READ_FIELDS)
    )
    placed = set(
        OptimisationOffer.objects.filter(
            formation__period=period, status=OptimisationOffer.Status.CONFIRMED
        ).values_list("application_id", flat=True)
    )
    boundary_ties = _compute(period, rows, grades, placed)
    now = timezone.now()
    if rows:
        if connection.vendor == "postgresql":
            _write_postgresql(rows, now)
        else:
            _write_portable(rows, now)
    reason = reason or _("The ranking was computed again after the announcement.")
    decisions, corrected = _changes(rows, announced, reason)
    if decisions:
        _insert_decisions(decisions, actor, now)
    if corrected:
        _correction_events(rows, corrected, reason, actor, now)
    changed = sum(1 for d in decisions if d["subject"] == "final_code")
    summary = RankingSummary(
        total=len(rows),
        changed=changed,
        skd_changed=len(decisions) - changed,
        corrections=len(corrected),
        boundary_ties=boundary_ties,
    )
    for row in rows:
        if row["skd_code"]:
            summary.skd[row["skd_code"]] = summary.skd.get(row["skd_code"], 0) + 1
        if row["final_code"]:
            summary.final[row["final_code"]] = summary.final.get(row["final_code"], 0) + 1
        if not row["skd_code"] and not row["final_code"]:
            summary.unscored += 1
    return summary
