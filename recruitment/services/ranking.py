"""The ranking of a period (CPNS: docs/domain.md 1.7-1.9; PPPK: 1.12) and the optimisation of
unfilled formations (docs/domain.md 1.10).

`rank_period` reads every result of the period in one query, ranks in memory and writes back
the rows whose outcome changed (or that a score change marked as not ranked) in one statement
(PostgreSQL: COPY into a scratch table joined by one UPDATE; elsewhere `bulk_update` in
batches), so that its query count does not depend on the number of applicants.

Orders, per formation:
- SKD, among those who passed the passing grade: SKD total, then TKP, TIU, TWK, all descending.
  The SKD rank is a competition rank (1, 2, 2, 4): applicants identical on all four keys share a
  rank, so "rank <= multiplier x quota" lets everyone tied with the last one through
  (PermenPANRB 27/2021 Pasal 40(7)).
- Final, among P/L who sat the SKB: the exact final score (a fraction: rounding first would make
  false ties; the 3-decimal value is for display), SKD total, TKP, TIU, TWK (descending), GPA
  (higher first), birth date (older first), then the registration number (ascending) as the
  last key, so that the order is always the same and every rank is unique. A formation's SKB
  may have parts with weights (the CAT and the institution's tests); failing an elimination
  part gives TMS-1.
- PPPK, per formation, among those who sat the whole competency test (and reached the period's
  passing grades, when it sets any): the priority group (the period's order), the total, then
  the period's tie-break order; the best `quota` pass (L). The rules end at the
  birth date: when applicants identical on every rule straddle the quota, the registration
  number must not decide who passes, so the formation is reported (`boundary_ties`) and flagged
  on the merit list for HR to decide (optimisation or correction).

Every change of an SKD code or a final code is logged: as a Decision kind=ranking before the
announcement of that stage, and after it as a Decision kind=correction with an ApplicationEvent
"correction" on the applicant's timeline. Once the final result is announced the ranking runs
only as a correction, with its reason.

The optimisation lives in optimisation.py; its services stay importable from here.
"""

import functools
import gc
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter

from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.db import copy_rows, update_from_rows
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
from recruitment.services.rank_rules import (
    READ_FIELDS,
    WRITTEN_FIELDS,
    competition_ranks,
    display_score,
    final_rule_key,
    final_score,
    final_score_exact,
    final_sort_key,
    passes_grade,
    pppk_passes,
    pppk_rule_key,
    rank_skd,
    skb_outcome,
    skb_parts_and_scores,
    skd_sort_key,
)
from recruitment.services.score_rules import (
    FILLED_CODES,
    RankingError,
    ScoreError,
    announced_kinds,
    scores_stage_check,
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

RANKED_STATUSES = (Application.Status.SUBMITTED, Application.Status.WITHDRAWN)


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


# What a row holds of the ranking's own fields, as a tuple (compared to skip unchanged rows).
_written = itemgetter(*WRITTEN_FIELDS)


def _prepare(rows: list[dict]) -> dict[int, list[dict]]:
    """Withdrawn (APS) and TMS applications take their code; the others, by formation."""
    by_formation = defaultdict(list)
    for row in rows:
        row["_stored"] = _written(row)  # what the row holds now: unchanged rows are not written
        row["_before"] = row["final_code"]
        row["_skd_before"] = row["skd_code"]
        row.update(
            final_score=None, final_rank=None, skb_weighted=None, boundary_tie=False, _exact=None
        )
        status = row["application__status"]
        if status == Application.Status.WITHDRAWN:
            row.update(skd_total=None, skd_passed=None, skd_rank=None, skd_code="")
            row["final_code"] = FinalCode.APS
            continue
        if row["application__announced_result"] == AdminResult.TMS:
            row.update(skd_total=None, skd_passed=None, skd_rank=None, skd_code="")
            row["final_code"] = FinalCode.TMS
            continue
        by_formation[row["application__formation_id"]].append(row)
    return by_formation


def _mark_boundary_tie(ranked: list[dict], quota: int, rule_key) -> bool:
    """Whether applicants identical on every rule straddle the quota; if so they are marked."""
    if not 0 < quota < len(ranked) or rule_key(ranked[quota - 1]) != rule_key(ranked[quota]):
        return False
    tied = rule_key(ranked[quota - 1])
    for row in ranked:
        row["boundary_tie"] = rule_key(row) == tied
    return True


def _compute(
    period: SelectionPeriod,
    rows: list[dict],
    grades: dict,
    placed: set[int],
    skb_parts: dict | None = None,
    skb_scores: dict | None = None,
) -> list[int]:
    """Fill in the codes, ranks and scores of every row of a CPNS period; return the formations
    with a full tie at the quota boundary."""
    skb_parts = skb_parts or {}
    skb_scores = skb_scores or {}
    skd_max = period.skd_twk_max + period.skd_tiu_max + period.skd_tkp_max
    by_formation = _prepare(rows)
    for members in by_formation.values():
        for row in members:
            rank_skd(row, grades)

    boundary_ties = []
    for formation_id, members in by_formation.items():
        quota = members[0]["application__formation__quota"]
        cutoff = period.skb_multiplier * quota
        passers = sorted((r for r in members if r["skd_passed"]), key=skd_sort_key)
        ranks = competition_ranks([skd_sort_key(r) for r in passers])
        for row, rank in zip(passers, ranks, strict=True):
            row["skd_rank"] = rank
            row["skd_code"] = SkdCode.PL if rank <= cutoff else SkdCode.P

        parts = skb_parts.get(formation_id, [])
        finalists = []
        for row in members:
            row["final_code"] = _provisional_final_code(row)
            if row["skd_code"] != SkdCode.PL or row["skb_presence"] != Presence.PRESENT:
                continue
            row["_skb_max"] = period.skb_max
            ratio, eliminated = skb_outcome(row, parts, skb_scores)
            if parts and ratio is not None:
                row["skb_weighted"] = display_score(ratio * 100)
            if eliminated:
                row["final_code"] = FinalCode.TMS1
                continue
            if ratio is None:
                continue  # waiting for the SKB scores
            row["_exact"] = final_score_exact(
                skd_total=row["skd_total"],
                skd_max=skd_max,
                ratio=ratio,
                skd_weight=period.skd_weight,
                skb_weight=period.skb_weight,
            )
            row["final_score"] = display_score(row["_exact"])
            finalists.append(row)
        finalists.sort(key=final_sort_key)
        for rank, row in enumerate(finalists, start=1):
            row["final_rank"] = rank
            row["final_code"] = FinalCode.L if rank <= quota else FinalCode.TL
        if _mark_boundary_tie(finalists, quota, final_rule_key):
            boundary_ties.append(formation_id)

    for row in rows:
        # A confirmed optimisation placement is HR's decision: a new ranking keeps it.
        if row["application_id"] in placed:
            row["final_code"] = row["_before"]
    return sorted(boundary_ties)


def _compute_pppk(period: SelectionPeriod, rows: list[dict], placed: set[int]) -> list[int]:
    """A PPPK period's codes and ranks: one competency test, ranked per formation."""
    priority = {group: index for index, group in enumerate(period.priority_order())}
    by_formation = _prepare(rows)
    boundary_ties = []
    for formation_id, members in by_formation.items():
        quota = members[0]["application__formation__quota"]
        ranked = []
        for row in members:
            row.update(skd_total=None, skd_passed=None, skd_rank=None, skd_code="")
            presence = row["pppk_presence"]
            parts = (row["teknis"], row["manajerial"], row["sosiokultural"], row["wawancara"])
            if presence == Presence.DISQUALIFIED:
                row["final_code"] = FinalCode.DIS
            elif presence == Presence.ABSENT:
                row["final_code"] = FinalCode.TH
            elif presence == Presence.PRESENT and None not in parts:
                row["_total"] = sum(parts)
                row["final_score"] = Decimal(row["_total"])
                if pppk_passes(period, row):
                    ranked.append(row)
                else:
                    row["final_code"] = FinalCode.TL
            else:
                row["final_code"] = ""  # not scored yet
        ranked.sort(
            key=lambda r: (
                *pppk_rule_key(period, r, priority),
                r["application__registration_number"] or "",
            )
        )
        for rank, row in enumerate(ranked, start=1):
            row["final_rank"] = rank
            row["final_code"] = FinalCode.L if rank <= quota else FinalCode.TL
        if _mark_boundary_tie(ranked, quota, lambda row: pppk_rule_key(period, row, priority)):
            boundary_ties.append(formation_id)
    for row in rows:
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
        "id": "bigint",
        "skd_total": "integer",
        "skd_passed": "boolean",
        "skd_rank": "integer",
        "skd_code": "text",
        "skb_weighted": "numeric",
        "final_score": "numeric",
        "final_rank": "integer",
        "final_code": "text",
        "boundary_tie": "boolean",
    }
    names = list(columns)[1:]
    update_from_rows(
        ExamResult,
        columns,
        ((row["pk"], *(row[name] for name in names)) for row in rows),
        also={"ranked_at": now, "updated_at": now},
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


DECISION_COLUMNS = ("application_id", "kind", "subject", "before", "after", "reason")


def _changes(rows: list[dict], announced: set[str], reason: str) -> tuple[list[tuple], set[int]]:
    """The decisions to log, as tuples in the order of DECISION_COLUMNS: one per changed SKD
    code, then one per changed final code (so an application's SKD decision still comes before
    its final one), a correction once that stage has been announced. Returns them and the
    applications corrected."""
    decisions, corrected = [], set()
    for subject, before, stage in (
        ("skd_code", "_skd_before", Announcement.Kind.SKD),
        ("final_code", "_before", Announcement.Kind.FINAL),
    ):
        correction = stage in announced
        kind = str(Decision.Kind.CORRECTION if correction else Decision.Kind.RANKING)
        why = reason if correction else ""
        changed = [row for row in rows if row[subject] != row[before]]
        decisions += [
            (row["application_id"], kind, subject, str(row[before]), str(row[subject]), why)
            for row in changed
        ]
        if correction:
            corrected.update(row["application_id"] for row in changed)
    return decisions, corrected


def _insert_decisions(decisions: list[tuple], actor, now) -> None:
    """PostgreSQL: one COPY of the tuples, whatever the number of rows (bulk_create would build
    50,000 model instances)."""
    if connection.vendor != "postgresql":
        Decision.objects.bulk_create(
            [
                Decision(**dict(zip(DECISION_COLUMNS, d, strict=True)), actor=actor, at=now)
                for d in decisions
            ],
            batch_size=500,
        )
        return
    actor_id = actor.pk if actor else None
    copy_rows(
        Decision,
        [*DECISION_COLUMNS, "actor_id", "at"],
        ((*d, actor_id, now) for d in decisions),
    )


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


def _without_cyclic_gc(function):
    """Run `function` with Python's cyclic garbage collector paused. The ranking makes hundreds
    of thousands of dicts and tuples that all live to the end; each of them counts towards the
    next collection, and each full collection walks every one of them again (about 0.8 s of a
    50,000-row ranking). Reference counting still frees what is dropped; the pause ends with
    the call."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        if not gc.isenabled():
            return function(*args, **kwargs)
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            gc.enable()

    return wrapper


@_without_cyclic_gc
@transaction.atomic
def rank_period(
    *, period: SelectionPeriod, actor=None, correction_reason: str = ""
) -> RankingSummary:
    """Compute the codes of every finalised application of a period (CPNS: SKD and final; PPPK:
    the competency test's final code) and log each change of a code (a correction once its
    stage is announced). Safe to run again: it gives the same result on the same scores, and
    two runs at once queue on the period row. Refused until the administrative result after
    appeals is published.

    After the final announcement it runs only with `correction_reason` (exam_result_update
    gives the reason of a score correction): nothing changes an announced result silently."""
    SelectionPeriod.objects.select_for_update().filter(pk=period.pk).first()
    announced = announced_kinds(period)
    try:
        scores_stage_check(period, announced)
    except ScoreError as error:
        raise RankingError(str(error)) from error
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
    # Tuples made dicts by zip (Django's values() builds each dict in a Python loop);
    # "unranked": whether a score change asked for a ranking, read as a boolean rather than
    # the timestamp (loading 50,000 aware datetimes took 0.6 s).
    names = (*READ_FIELDS, "unranked")
    rows = [
        dict(zip(names, values, strict=True))
        for values in ExamResult.objects.filter(
            application__period=period, application__status__in=RANKED_STATUSES
        )
        .order_by()  # the ranking sorts in memory: no sort by the model's ordering
        .values_list(
            *READ_FIELDS,
            ExpressionWrapper(Q(ranked_at__isnull=True), output_field=BooleanField()),
        )
    ]
    placed = set(
        OptimisationOffer.objects.filter(
            formation__period=period, status=OptimisationOffer.Status.CONFIRMED
        ).values_list("application_id", flat=True)
    )
    if period.is_pppk:
        boundary_ties = _compute_pppk(period, rows, placed)
    else:
        parts, scores = skb_parts_and_scores(period)
        boundary_ties = _compute(period, rows, grades, placed, parts, scores)
    now = timezone.now()
    # Only the rows whose outcome changed, or that a score change marked as not ranked, are
    # written: a ranking run again on the same scores writes nothing (50,000 rows: 1.5 s).
    changed_rows = [r for r in rows if r["unranked"] or _written(r) != r["_stored"]]
    if changed_rows:
        if connection.vendor == "postgresql":
            _write_postgresql(changed_rows, now)
        else:
            _write_portable(changed_rows, now)
    reason = reason or _("The ranking was computed again after the announcement.")
    decisions, corrected = _changes(rows, announced, reason)
    if decisions:
        _insert_decisions(decisions, actor, now)
    if corrected:
        _correction_events(rows, corrected, reason, actor, now)
    changed = sum(1 for d in decisions if d[2] == "final_code")
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
