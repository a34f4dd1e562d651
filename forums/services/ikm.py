"""The satisfaction survey (IKM, PermenPANRB 14/2017): one response per resident, unit and
period, held by a unique constraint."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forums.models import SCORE_FIELDS, IkmElement, IkmGradeBand, IkmPeriod, IkmResponse
from forums.reference import BANDS, ELEMENTS
from forums.services import ForumError
from forums.services.topics import ensure_may_take_part
from workforce.models import Unit


@transaction.atomic
def ikm_response_create(
    *, respondent, unit: Unit, period: IkmPeriod, scores: dict[str, int], suggestion: str = "",
    address: str,
) -> IkmResponse:  # fmt: skip
    if not period.is_open_on(timezone.localdate()):
        raise ForumError(_("The survey period %(period)s is not open.") % {"period": period})
    if set(scores) != set(SCORE_FIELDS) or any(
        not isinstance(v, int) or not 1 <= v <= 4 for v in scores.values()
    ):
        raise ForumError(_("Answer all nine questions with a score from 1 to 4."))
    ensure_may_take_part(respondent, action="ikm", address=address)
    response = IkmResponse(
        unit=unit, period=period, respondent=respondent, suggestion=suggestion.strip(), **scores
    )
    response.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError as exc:
        raise ForumError(
            _("You have already rated %(unit)s for %(period)s. Thank you!")
            % {"unit": unit, "period": period}
        ) from exc
    return response


def ikm_reference_ensure() -> None:
    """Create the IKM elements and grade bands when missing (they come with migration 0002; a
    flushed test database loses them). Existing rows, perhaps edited in the admin, are kept."""

    for number, name, name_en, question, question_en in ELEMENTS:
        IkmElement.objects.get_or_create(
            number=number,
            defaults={"name": name, "name_en": name_en, "question": question,
                      "question_en": question_en},
        )  # fmt: skip
    for grade, lower, upper, name, name_en in BANDS:
        IkmGradeBand.objects.get_or_create(
            grade=grade,
            defaults={"lower": Decimal(lower), "upper": Decimal(upper), "name": name,
                      "name_en": name_en},
        )  # fmt: skip
