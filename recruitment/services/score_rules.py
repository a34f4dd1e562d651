"""What a score must be (docs/domain.md 1.7, 1.8 and 1.12), and the refusals shared by the score
import, HR's entry of scores, the ranking and the optimisation.

Every number comes from the period's rule values: the SKD's maxima and points per correct answer
(TWK and TIU are multiples of it, TKP a whole number), the PPPK competency test's maxima (its
technical part a multiple of its points), a formation's SKB parts. CPNS periods take SKD and SKB
scores; PPPK periods one competency test."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from recruitment.models import (
    PASSED_CODES,
    Announcement,
    Presence,
    ProcurementType,
    SelectionPeriod,
    SkbPart,
)

FILLED_CODES = PASSED_CODES
SKD_PARTS = ("twk", "tiu", "tkp")
PPPK_PARTS = ("teknis", "manajerial", "sosiokultural", "wawancara")
# What people type for an elimination test of the SKB, in both languages.
PASS_WORDS = {
    "pass": True,
    "passed": True,
    "lulus": True,
    "ms": True,
    "1": True,
    "fail": False,
    "failed": False,
    "tidak lulus": False,
    "gagal": False,
    "tms": False,
    "0": False,
}
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


class RankingError(ScoreError):
    pass


def announced_kinds(period: SelectionPeriod) -> set[str]:
    return set(Announcement.objects.filter(period=period).values_list("kind", flat=True))


def period_check_kind(period: SelectionPeriod, kind: str) -> None:
    """SKD and SKB scores belong to CPNS periods, the competency test to PPPK ones."""
    pppk = period.procurement_type == ProcurementType.PPPK
    if pppk and kind != "pppk":
        raise ScoreError(
            _(
                "This is a PPPK period: its applicants sit one competency test (technical, "
                "managerial, socio-cultural and interview), not the SKD and SKB."
            )
        )
    if not pppk and kind == "pppk":
        raise ScoreError(
            _("This is a CPNS period: its applicants sit the SKD and the SKB, not the PPPK test.")
        )


def scores_stage_check(period: SelectionPeriod, announced: set[str] | None = None) -> None:
    """Scores wait for the administrative result to be final (docs/domain.md 1.5-1.6): not
    while the appeal window is open, and not before the result after appeals is published (an
    accepted appeal makes the applicant MS, and only that announcement says so)."""
    if announced is None:
        announced = announced_kinds(period)
    if Announcement.Kind.POST_APPEAL not in announced:
        raise ScoreError(
            _(
                "The administrative result after appeals has not been published yet: scores can "
                "be imported and ranked only once it is, when every applicant's result is final."
            )
        )


# --- one value --------------------------------------------------------------------------------


def parse_presence(raw) -> tuple[str | None, str | None]:
    """(presence, error). Empty is allowed here; the caller decides what it means."""
    text = "" if raw is None else str(raw).strip().lower()
    if not text:
        return "", None
    if text in PRESENCE_WORDS:
        return PRESENCE_WORDS[text], None
    message = _("Unknown attendance “%(value)s”: use present, absent (TH) or disqualified (DIS).")
    return None, message % {"value": str(raw)[:40]}


def _number(text: str) -> tuple[Decimal | None, str | None]:
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None, _("“%(value)s” is not a number.") % {"value": text[:40]}
    if not number.is_finite():
        return None, _("“%(value)s” is not a number.") % {"value": text[:40]}
    return number, None


def _range_problem(number: Decimal, text: str, maximum) -> str | None:
    if number < 0:
        return _("%(value)s is negative: scores run from 0 to %(max)s.") % {
            "value": text,
            "max": maximum,
        }
    if number > maximum:
        return _("%(value)s is above the maximum of %(max)s.") % {"value": text, "max": maximum}
    return None


def parse_int_score(raw, *, maximum: int) -> tuple[int | None, str | None]:
    text = "" if raw is None else str(raw).strip()
    if not text:
        return None, None
    number, problem = _number(text)
    if problem:
        return None, problem
    if number != number.to_integral_value():
        return None, _("“%(value)s” is not a whole number.") % {"value": text[:40]}
    problem = _range_problem(number, text[:40], maximum)
    if problem:
        return None, problem
    return int(number), None


def parse_skb(raw, *, maximum: int) -> tuple[Decimal | None, str | None]:
    text = "" if raw is None else str(raw).strip()
    if not text:
        return None, None
    number, problem = _number(text)
    if problem:
        return None, problem
    problem = _range_problem(number, text[:40], maximum)
    if problem:
        return None, problem
    if number != number.quantize(Decimal("0.01")):
        return None, _("%(value)s has more than two decimals.") % {"value": text[:40]}
    return number.quantize(Decimal("0.01")), None


# --- one row ----------------------------------------------------------------------------------


def skd_maxima(period: SelectionPeriod) -> dict[str, int]:
    return {"twk": period.skd_twk_max, "tiu": period.skd_tiu_max, "tkp": period.skd_tkp_max}


def pppk_maxima(period: SelectionPeriod) -> dict[str, int]:
    return {
        "teknis": period.pppk_teknis_max,
        "manajerial": period.pppk_manajerial_max,
        "sosiokultural": period.pppk_sosiokultural_max,
        "wawancara": period.pppk_wawancara_max,
    }


def step_problem(value: int, step: int, label: str) -> str | None:
    """A score made of correct answers worth `step` points each is a multiple of it."""
    if step > 1 and value % step:
        return _(
            "%(value)s is not possible for %(label)s: each correct answer scores %(step)s, so the "
            "score is a multiple of %(step)s."
        ) % {"value": value, "label": label, "step": step}
    return None


def _check_parts(raw: dict, maxima: dict, steps: dict) -> tuple[dict, dict]:
    errors, values = {}, {}
    for part, maximum in maxima.items():
        values[part], problem = parse_int_score(raw.get(part), maximum=maximum)
        if problem is None and values[part] is not None and part in steps:
            problem = step_problem(values[part], steps[part], part.upper())
            if problem:
                values[part] = None
        if problem:
            errors[part] = problem
    return values, errors


def _check_attendance(raw: dict, values: dict, errors: dict, parts) -> tuple[dict, dict]:
    presence, problem = parse_presence(raw.get("presence"))
    if problem:
        errors["presence"] = problem
        return values, errors
    has_all = all(values[part] is not None for part in parts)
    has_any = any(values[part] is not None for part in parts)
    if not presence and (has_any or not errors):
        presence = Presence.PRESENT  # scores without an attendance mean the person sat the test
    values["presence"] = presence
    if presence == Presence.PRESENT and not has_all:
        for part in parts:
            if values[part] is None and part not in errors:
                errors[part] = _("Enter the score: the applicant was present.")
    if presence == Presence.ABSENT and has_any:
        errors["presence"] = _("An absent applicant (TH) cannot have scores.")
    return values, errors


def check_skd(raw: dict, period: SelectionPeriod) -> tuple[dict, dict[str, str]]:
    """Check TWK, TIU, TKP and attendance against the period's SKD format: TWK and TIU are
    multiples of the points per correct answer, TKP (1 to 5 per item, 0 for a blank) any whole
    number up to its maximum. Returns (values, errors by column)."""
    step = period.skd_points_per_correct
    values, errors = _check_parts(raw, skd_maxima(period), {"twk": step, "tiu": step})
    return _check_attendance(raw, values, errors, SKD_PARTS)


def check_pppk(raw: dict, period: SelectionPeriod) -> tuple[dict, dict[str, str]]:
    """Check the four parts of the PPPK competency test and attendance: the technical part is a
    multiple of its points per correct answer, the others whole numbers up to their maxima."""
    values, errors = _check_parts(raw, pppk_maxima(period), {"teknis": period.pppk_teknis_points})
    return _check_attendance(raw, values, errors, PPPK_PARTS)


def parse_pass(raw) -> tuple[bool | None, str | None]:
    """An elimination test's outcome: (passed, error); empty is None."""
    text = "" if raw is None else str(raw).strip().lower()
    if not text:
        return None, None
    if text in PASS_WORDS:
        return PASS_WORDS[text], None
    return None, _("“%(value)s” is not a result: use pass (lulus) or fail (tidak lulus).") % {
        "value": str(raw)[:40]
    }


def check_skb(
    raw: dict, period: SelectionPeriod, parts: list[SkbPart] | None = None
) -> tuple[dict, dict[str, str]]:
    """Check an SKB row. A formation with SKB parts takes one column per part (its code): a
    score up to the part's maximum, or pass/fail for an elimination part; a formation without
    parts takes one SKB score out of the period's maximum. Returns (values, errors by column):
    values["skb"] is the single score, values["parts"] {part id: score or passed}."""
    errors, values = {}, {}
    if parts:
        scored = {}
        for part in parts:
            if part.eliminates:
                value, problem = parse_pass(raw.get(part.code))
            else:
                value, problem = parse_skb(raw.get(part.code), maximum=part.max_score)
            if problem:
                errors[part.code] = problem
            scored[part.pk] = value
        values["skb"] = None
        values["parts"] = scored
        given = [value is not None for value in scored.values()]
        columns = {part.pk: part.code for part in parts}
    else:
        values["skb"], problem = parse_skb(raw.get("skb"), maximum=period.skb_max)
        if problem:
            errors["skb"] = problem
        values["parts"] = {}
        given = [values["skb"] is not None]
        columns = {None: "skb"}
    presence, problem = parse_presence(raw.get("presence"))
    if problem:
        errors["presence"] = problem
        return values, errors
    if not presence and (any(given) or not errors):
        presence = Presence.PRESENT
    values["presence"] = presence
    # Whoever fails an elimination test is out (TMS-1) and may not sit the others: their other
    # scores may stay empty.
    eliminated = any(
        part.eliminates and values["parts"].get(part.pk) is False for part in parts or ()
    )
    if presence == Presence.PRESENT and not eliminated:
        missing = (
            [code for pk, code in columns.items() if values["parts"].get(pk) is None]
            if parts
            else (["skb"] if values["skb"] is None else [])
        )
        for code in missing:
            if code not in errors:
                errors[code] = _("Enter the score: the applicant was present.")
    if presence == Presence.ABSENT and any(given):
        errors["presence"] = _("An absent applicant (TH) cannot have scores.")
    return values, errors
