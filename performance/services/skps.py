"""SKP plans: the supervisor drafts the indicators, the employee agrees (draft -> agreed)."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from performance.models import Cycle, Indicator, Skp
from workforce.models import Employee


class SkpError(Exception):
    """The SKP cannot make this change."""


def _clean_indicators(indicators: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    cleaned = [(d.strip(), t.strip()) for d, t in indicators if d.strip()]
    if not cleaned:
        raise SkpError(_("An SKP needs at least one indicator with a target."))
    for description, target in cleaned:
        if not target:
            raise SkpError(
                _("The indicator “%(indicator)s” needs a target.") % {"indicator": description}
            )
    return cleaned


@transaction.atomic
def skp_save(
    *, employee: Employee, cycle: Cycle, indicators: Iterable[tuple[str, str]], user
) -> Skp:
    """Create or replace the draft SKP's indicators. An agreed SKP is not changed here."""
    cleaned = _clean_indicators(indicators)
    skp, _created = Skp.objects.select_for_update().get_or_create(
        employee=employee, cycle=cycle, defaults={"created_by": user}
    )
    if skp.status != Skp.Status.DRAFT:
        raise SkpError(_("This SKP has been agreed and can no longer be changed."))
    skp.indicators.all().delete()
    Indicator.objects.bulk_create(
        Indicator(skp=skp, description=d, target=t, order=i) for i, (d, t) in enumerate(cleaned)
    )
    return skp


@transaction.atomic
def skp_agree(*, skp: Skp, user) -> Skp:
    """The employee agrees to the plan. A conditional update: agreeing twice changes nothing."""
    if not skp.indicators.exists():
        raise SkpError(_("An SKP needs at least one indicator with a target."))
    now = timezone.now()
    updated = Skp.objects.filter(pk=skp.pk, status=Skp.Status.DRAFT).update(
        status=Skp.Status.AGREED, agreed_at=now
    )
    if not updated:
        raise SkpError(_("This SKP has already been agreed."))
    skp.status, skp.agreed_at = Skp.Status.AGREED, now
    return skp
