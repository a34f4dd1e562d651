"""The ranking of a CPNS period (DOMAIN.md 1.7-1.9) and the optimisation of unfilled formations
(DOMAIN.md 1.10).

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
  last key, so that the order is always the same and every rank is unique.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from recruitment.models import (
    AdminResult,
    Application,
    Decision,
    ExamResult,
    FinalCode,
    Formation,
    OptimisationOffer,
    PassingGrade,
    Presence,
    SelectionPeriod,
    SkdCode,
)
from recruitment.services.decisions import decision_log
from recruitment.services.scores import ScoreError, period_check_cpns

SKD_MAX = 550
THOUSANDTH = Decimal("0.001")
FILLED_CODES = (FinalCode.L, FinalCode.L1, FinalCode.L2)
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


class RankingError(ScoreError):
    pass


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
    changed: int = 0


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


def _final_sort_key(row):
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
        row["application__registration_number"] or "",
    )


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


def _compute(period: SelectionPeriod, rows: list[dict], grades: dict, placed: set[int]) -> None:
    by_formation = defaultdict(list)
    for row in rows:
        row["_before"] = row["final_code"]
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

    for members in by_formation.values():
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

    for row in rows:
        # A confirmed optimisation placement is HR's decision: a new ranking keeps it.
        if row["application_id"] in placed:
            row["final_code"] = row["_before"]


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
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, now, *(values for _kind, values in columns.values())])


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


def _log_changes(changed: list[dict], actor, now) -> None:
    """One Decision kind=ranking per changed final code. PostgreSQL: one INSERT from arrays,
    whatever the number of rows (bulk_create would build 50,000 model instances)."""
    if connection.vendor != "postgresql":
        Decision.objects.bulk_create(
            [
                Decision(
                    application_id=row["application_id"],
                    kind=Decision.Kind.RANKING,
                    subject="final_code",
                    before=row["_before"],
                    after=row["final_code"],
                    actor=actor,
                    at=now,
                )
                for row in changed
            ],
            batch_size=500,
        )
        return
    table = Decision._meta.db_table
    sql = (
        f'INSERT INTO "{table}" (application_id, kind, subject, before, after, reason, '  # noqa: S608
        "actor_id, at) SELECT v.application_id, %s, %s, v.before, v.after, '', %s, %s "
        "FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS v(application_id, before, after)"
    )
    params = [
        Decision.Kind.RANKING.value,
        "final_code",
        actor.pk if actor else None,
        now,
        [row["application_id"] for row in changed],
        [str(row["_before"]) for row in changed],
        [str(row["final_code"]) for row in changed],
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@transaction.atomic
def rank_period(*, period: SelectionPeriod, actor=None) -> RankingSummary:
    """Compute the SKD and final codes of every finalised application of a CPNS period and log
    each change of the final code. Safe to run again: it gives the same result on the same
    scores, and two runs at once queue on the period row."""
    period_check_cpns(period)
    SelectionPeriod.objects.select_for_update().filter(pk=period.pk).first()
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
    _compute(period, rows, grades, placed)
    now = timezone.now()
    if rows:
        if connection.vendor == "postgresql":
            _write_postgresql(rows, now)
        else:
            _write_portable(rows, now)
    changed = [row for row in rows if row["final_code"] != row["_before"]]
    if changed:
        _log_changes(changed, actor, now)
    summary = RankingSummary(total=len(rows), changed=len(changed))
    for row in rows:
        if row["skd_code"]:
            summary.skd[row["skd_code"]] = summary.skd.get(row["skd_code"], 0) + 1
        if row["final_code"]:
            summary.final[row["final_code"]] = summary.final.get(row["final_code"], 0) + 1
        if not row["skd_code"] and not row["final_code"]:
            summary.unscored += 1
    return summary


# --- optimisation (DOMAIN.md 1.10) ------------------------------------------------------------


def _candidate_key(row):
    score = row["final_score"]
    return (
        score is None,
        -(score or 0),
        -(row["skd_total"] or 0),
        -(row["tkp"] or 0),
        -(row["tiu"] or 0),
        -(row["twk"] or 0),
        row["application__registration_number"] or "",
    )


@transaction.atomic
def optimisation_propose(*, period: SelectionPeriod) -> list[OptimisationOffer]:
    """Propose, for each formation with fewer passed (L, L-1, L-2) than its quota, the next-best
    applicants of other formations of the period with the same position name and education
    level who passed the passing grade and did not pass their own formation. Offers still
    waiting count as filling a place; an applicant gets one open offer at a time."""
    period_check_cpns(period)
    SelectionPeriod.objects.select_for_update().filter(pk=period.pk).first()
    live = (OptimisationOffer.Status.PROPOSED, OptimisationOffer.Status.CONFIRMED)
    formations = list(
        Formation.objects.filter(period=period)
        .select_related("position")
        .annotate(
            passed=Count(
                "applications",
                filter=Q(applications__exam_result__final_code=FinalCode.L)
                & Q(applications__status=Application.Status.SUBMITTED),
                distinct=True,
            ),
            offered=Count(
                "optimisation_offers",
                filter=Q(optimisation_offers__status__in=live),
                distinct=True,
            ),
        )
        .order_by("pk")
    )
    gaps = {f.pk: f.quota - f.passed - f.offered for f in formations}
    gaps = {pk: gap for pk, gap in gaps.items() if gap > 0}
    if not gaps:
        return []
    candidates = list(
        ExamResult.objects.filter(
            application__period=period,
            application__status=Application.Status.SUBMITTED,
            application__announced_result=AdminResult.MS,
            skd_passed=True,
        )
        .exclude(final_code__in=[*FILLED_CODES, FinalCode.TH, FinalCode.DIS])
        .values(
            "application_id",
            "final_score",
            "skd_total",
            "twk",
            "tiu",
            "tkp",
            "application__registration_number",
            "application__formation_id",
            "application__formation__position__name",
            "application__formation__position__unit_id",
            "application__formation__education_level",
        )
    )
    candidates.sort(key=_candidate_key)
    offers = list(
        OptimisationOffer.objects.filter(formation__period=period).values_list(
            "formation_id", "application_id", "status"
        )
    )
    busy = {application for _f, application, status in offers if status in live}
    tried = {(formation, application) for formation, application, _s in offers}
    proposals = []
    for formation in formations:
        need = gaps.get(formation.pk, 0)
        for row in candidates:
            if need <= 0:
                break
            if (
                row["application_id"] in busy
                or (formation.pk, row["application_id"]) in tried
                or row["application__formation_id"] == formation.pk
                or row["application__formation__position__name"] != formation.position.name
                or row["application__formation__education_level"] != formation.education_level
            ):
                continue
            unit = row["application__formation__position__unit_id"]
            same_unit = unit == formation.position.unit_id
            proposals.append(
                OptimisationOffer(
                    formation=formation,
                    application_id=row["application_id"],
                    code=FinalCode.L1 if same_unit else FinalCode.L2,
                )
            )
            busy.add(row["application_id"])
            need -= 1
    return OptimisationOffer.objects.bulk_create(proposals)


@transaction.atomic
def optimisation_decide(*, offer: OptimisationOffer, confirm: bool, actor) -> OptimisationOffer:
    """Confirm (the applicant passes as L-1/L-2 in the formation) or decline an offer. Only a
    proposed offer can be decided: the conditional update makes a second click a no-op."""
    status = OptimisationOffer.Status.CONFIRMED if confirm else OptimisationOffer.Status.DECLINED
    now = timezone.now()
    claimed = OptimisationOffer.objects.filter(
        pk=offer.pk, status=OptimisationOffer.Status.PROPOSED
    ).update(status=status, decided_by=actor, decided_at=now)
    if not claimed:
        raise RankingError(_("This offer has already been decided."))
    offer.refresh_from_db()
    if confirm:
        result = ExamResult.objects.select_for_update().get(application_id=offer.application_id)
        before = result.final_code
        result.final_code = offer.code
        result.placed_formation_id = offer.formation_id
        result.save(update_fields=["final_code", "placed_formation", "updated_at"])
        decision_log(
            application=offer.application,
            kind=Decision.Kind.OPTIMISATION,
            actor=actor,
            subject="final_code",
            before=before,
            after=f"{offer.code} ({offer.formation_id})",
            reason=_("Placed in %(formation)s by optimisation.") % {"formation": offer.formation},
        )
    return offer
