"""A formation's SKB parts (docs/domain.md 1.8): the CAT and the institution's tests with their
weights, stated before registration opens (PermenPANRB 6/2024 Pasal 22: the vacancy announcement
states the types and weights of the tests and any elimination criteria)."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from recruitment.models import Formation, SkbPart
from recruitment.services.score_files import _normalise_header as file_column

# The other columns of the SKB score file (services/scores.py): a part cannot take their name.
FILE_COLUMNS = ("registration_number", "skb", "presence")


class SkbError(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(" ".join(str(problem) for problem in problems))


@dataclass(frozen=True)
class PartInput:
    kind: str
    code: str
    weight: int
    max_score: int
    eliminates: bool = False


def skb_parts_problems(formation: Formation, parts: list[PartInput], now=None) -> list[str]:
    """Why these parts cannot be the formation's SKB; empty when they can."""
    period = formation.period
    problems = []
    if period.is_pppk:
        return [_("A PPPK selection has no SKB: its competency test is set by the period.")]
    if period.registration_opens_at <= (now or timezone.now()):
        problems.append(
            _(
                "Registration has opened: the SKB parts were stated on the vacancy page and can "
                "no longer change."
            )
        )
    if not parts:
        return problems  # no parts: one SKB score out of the period's maximum
    # A part's code is its column in the score file, whose header is read in lower case with
    # "_" for "-" and " ": "CAT" and "cat" are one column, and "Tes-Fisik" is "tes_fisik".
    codes = [file_column(part.code) for part in parts]
    if len(set(codes)) != len(codes):
        problems.append(_("Each part needs its own column name."))
    for code in sorted(set(codes) & set(FILE_COLUMNS)):
        problems.append(
            _("“%(code)s” is already a column of the SKB score file: give the part another name.")
            % {"code": code}
        )
    # The form bounds these too; a part out of 0 (a division by zero in the ranking) or a
    # negative weight must not reach the database from any other caller either.
    for part in parts:
        if part.max_score < 1 or not 0 <= part.weight <= 100:
            problems.append(
                _("“%(code)s”: the weight runs from 0 to 100 and the maximum score is at least 1.")
                % {"code": part.code}
            )
    scored = [part for part in parts if not part.eliminates]
    if any(part.eliminates and part.weight for part in parts):
        problems.append(_("An elimination test is passed or failed: give it no weight."))
    total = sum(part.weight for part in scored)
    if total != 100:
        problems.append(
            _("The weights of the scored parts must add up to 100 (they add up to %(n)s).")
            % {"n": total}
        )
    cat = sum(part.weight for part in scored if part.kind == SkbPart.Kind.CAT)
    if cat < period.skb_cat_min_share:
        problems.append(
            _("The CAT must weigh at least %(min)s%% of the SKB (it weighs %(n)s%%).")
            % {"min": period.skb_cat_min_share, "n": cat}
        )
    return problems


@transaction.atomic
def skb_parts_set(*, formation: Formation, parts: list[PartInput], actor) -> list[SkbPart]:
    """Replace the formation's SKB parts, or refuse with every problem (SkbError)."""
    formation = Formation.objects.select_for_update().select_related("period").get(pk=formation.pk)
    problems = skb_parts_problems(formation, parts)
    if problems:
        raise SkbError(problems)
    formation.skb_parts.all().delete()  # every part's creation and deletion is audited
    # One by one, not in bulk: the audit trail records each part (bulk writes bypass it).
    created = [
        SkbPart.objects.create(
            formation=formation,
            kind=part.kind,
            code=file_column(part.code),
            weight=0 if part.eliminates else part.weight,
            max_score=part.max_score,
            eliminates=part.eliminates,
            order=index,
        )
        for index, part in enumerate(parts)
    ]
    return created
