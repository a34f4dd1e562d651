"""The rules of the ranking, as pure functions over result rows (tested directly), shared by the
ranking and the optimisation: the SKD passing grade, the exact final score and its display
value, the orders of docs/domain.md 1.7-1.8 (CPNS) and 1.12 (PPPK)."""

from collections import defaultdict
from datetime import date
from decimal import Decimal
from fractions import Fraction

from recruitment.models import Presence, SelectionPeriod, SkbPart, SkbScore, SkdCode

WRITTEN_FIELDS = (
    "skd_total",
    "skd_passed",
    "skd_rank",
    "skd_code",
    "skb_weighted",
    "final_score",
    "final_rank",
    "final_code",
    "boundary_tie",
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


def skb_ratio(*, skb=None, skb_max: int = 1, parts=()) -> Fraction:
    """The SKB as a share of its maximum (0 to 1), exactly. A formation with SKB parts weighs
    each part's score by its weight: sum of weight% x score / part maximum; without parts, the
    one SKB score over the period's maximum."""
    if parts:
        return sum(
            (Fraction(weight, 100) * Fraction(Decimal(score)) / max_score
             for weight, score, max_score in parts),
            Fraction(0),
        )  # fmt: skip
    return Fraction(Decimal(skb)) / skb_max


def final_score_exact(
    *, skd_total: int, skd_max: int, ratio: Fraction, skd_weight: int, skb_weight: int
) -> Fraction:
    """weight% x (SKD / SKD maximum x 100) + weight% x (SKB share x 100), as an exact fraction:
    the ranking compares these, never a rounded value (rounding first makes false ties)."""
    return Fraction(skd_weight * skd_total, skd_max) + skb_weight * ratio


def display_score(value: Fraction) -> Decimal:
    """The score as shown and stored: rounded once, half up, to 3 decimals. In whole numbers:
    a Decimal division would round to the context's 28 digits first, and a value a hair below
    a half (x.xxx4999...) would then round up twice."""
    thousandths, remainder = divmod(abs(value) * 1000, 1)
    thousandths += remainder >= Fraction(1, 2)
    return Decimal(f"{'-' if value < 0 else ''}{thousandths}E-3")


def final_score(
    *, skd_total: int, skb: Decimal, skd_weight: int, skb_weight: int, skb_max: int, skd_max=550
) -> Decimal:
    """The final score as shown (3 decimals, half up) for one SKB score out of its maximum."""
    exact = final_score_exact(
        skd_total=skd_total,
        skd_max=skd_max,
        ratio=skb_ratio(skb=skb, skb_max=skb_max),
        skd_weight=skd_weight,
        skb_weight=skb_weight,
    )
    return display_score(exact)


def competition_ranks(keys: list[tuple]) -> list[int]:
    """Ranks for keys already sorted best first: equal keys share a rank (1, 2, 2, 4)."""
    ranks, previous = [], None
    for position, key in enumerate(keys, start=1):
        ranks.append(ranks[-1] if key == previous else position)
        previous = key
    return ranks


# --- ranking ----------------------------------------------------------------------------------


READ_FIELDS = (
    "pk",
    "application_id",
    "skd_presence",
    "twk",
    "tiu",
    "tkp",
    "skb_presence",
    "skb",
    "pppk_presence",
    "teknis",
    "manajerial",
    "sosiokultural",
    "wawancara",
    *WRITTEN_FIELDS,
    "application__status",
    "application__announced_result",
    "application__registration_number",
    "application__priority_group",
    "application__formation_id",
    "application__formation__quota",
    "application__formation__category",
    "application__applicant__applicant_profile__gpa",
    "application__applicant__applicant_profile__birth_date",
)


def _gpa(row) -> Decimal:
    gpa = row["application__applicant__applicant_profile__gpa"]
    return gpa if gpa is not None else Decimal(-1)


def _born(row) -> date:
    return row["application__applicant__applicant_profile__birth_date"] or date.max


def skd_sort_key(row):
    return (-row["skd_total"], -row["tkp"], -row["tiu"], -row["twk"])


def final_rule_key(row):
    """Every rule of docs/domain.md 1.8, and nothing else: the exact final score, the SKD
    total, TKP, TIU, TWK, the GPA (higher first), the birth date (older first)."""
    return (
        -row["_exact"],
        -row["skd_total"],
        -row["tkp"],
        -row["tiu"],
        -row["twk"],
        -_gpa(row),
        _born(row),
    )


def final_sort_key(row):
    # The registration number only makes the display order stable (see boundary ties).
    return (*final_rule_key(row), row["application__registration_number"] or "")


def rank_skd(row, grades) -> None:
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


def skb_outcome(row, parts: list, scores: dict) -> tuple[Fraction | None, bool]:
    """(the SKB share of its maximum, or None while incomplete; whether an elimination part
    was failed) for a finalist who sat the SKB. A failed elimination part says True even while
    other scores are missing (the ratio is then None)."""
    if not parts:
        if row["skb"] is None:
            return None, False
        return skb_ratio(skb=row["skb"], skb_max=row["_skb_max"]), False
    mine = scores.get(row["pk"], {})
    # A failed elimination test decides at once (TMS-1): whoever is eliminated may not sit the
    # other tests, so their scores need not be waited for.
    eliminated = any(part.eliminates and mine.get(part.pk) is False for part in parts)
    weighed = []
    for part in parts:
        score = mine.get(part.pk)
        if score is None:
            return None, eliminated
        if not part.eliminates:
            weighed.append((part.weight, score, part.max_score))
    return skb_ratio(parts=weighed), eliminated


# --- PPPK -------------------------------------------------------------------------------------

# How a PPPK tie-break key orders two applicants (the period's `pppk_tie_break` names them).
PPPK_TIE_BREAKS = {
    "teknis": lambda row: -row["teknis"],
    "manajerial_sosiokultural": lambda row: -(row["manajerial"] + row["sosiokultural"]),
    "wawancara": lambda row: -row["wawancara"],
    "older": _born,
    "gpa": lambda row: -_gpa(row),
}


def pppk_passes(period: SelectionPeriod, row) -> bool:
    """When the period sets PPPK passing grades, every minimum, inclusive; otherwise everyone
    who sat the whole test is ranked (2024: no passing grade, KepmenPANRB 347/2024)."""
    if not period.pppk_passing_grade:
        return True
    checks = (
        (period.pppk_teknis_min, row["teknis"]),
        (period.pppk_manajerial_sosiokultural_min, row["manajerial"] + row["sosiokultural"]),
        (period.pppk_wawancara_min, row["wawancara"]),
    )
    return all(minimum is None or value >= minimum for minimum, value in checks)


def pppk_rule_key(period: SelectionPeriod, row, priority: dict[str, int]) -> tuple:
    """The order of PPPK applicants by the period's rules: the priority group first (diktum
    30), then the total, then the period's tie-break order."""
    return (
        priority.get(row["application__priority_group"], len(priority)),
        -row["_total"],
        *(PPPK_TIE_BREAKS[key](row) for key in period.tie_break_order()),
    )


def skb_parts_and_scores(period: SelectionPeriod) -> tuple[dict, dict]:
    """The period's SKB parts by formation, and every part score by result (two queries)."""
    parts: dict[int, list[SkbPart]] = defaultdict(list)
    for part in SkbPart.objects.filter(formation__period=period).order_by("order", "pk"):
        parts[part.formation_id].append(part)
    scores: dict[int, dict] = defaultdict(dict)
    rows = SkbScore.objects.filter(part__formation__period=period).values_list(
        "result_id", "part_id", "score", "passed"
    )
    for result_id, part_id, score, passed in rows.iterator(chunk_size=5000):
        scores[result_id][part_id] = passed if passed is not None else score
    return parts, scores
