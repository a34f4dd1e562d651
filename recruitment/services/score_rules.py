"""What a score must be (docs/domain.md 1.7-1.8), and the refusals shared by the score import, HR's
entry of scores, the ranking and the optimisation.

Only CPNS periods: PPPK competency scoring (docs/domain.md 1.12) has other parts and no passing
grade, and is refused with a clear message until it is built."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from recruitment.models import (
    Announcement,
    FinalCode,
    Presence,
    ProcurementType,
    SelectionPeriod,
)

SKD_MAXIMA = {"twk": 150, "tiu": 175, "tkp": 225}
FILLED_CODES = (FinalCode.L, FinalCode.L1, FinalCode.L2)
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
