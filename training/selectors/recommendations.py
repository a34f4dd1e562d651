"""Which programmes an employee should take next.

`recommended_programmes(employee, gaps=...)` is the entry point the performance app may call once
it exists: it passes the competency names where the latest review found a gap, and they are
matched like the position's competency standard. This module never imports performance.
"""

from collections.abc import Iterable
from datetime import timedelta

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from training.models import Enrolment, Programme
from training.selectors.catalogue import upcoming_sessions
from workforce.models import AsnType, Employee

# The probation period (masa percobaan) in which Latsar CPNS is taken: 1 year [P].
PROBATION = timedelta(days=365)


def _words(text: str) -> set[str]:
    return {part.strip().lower() for part in text.replace(";", ",").split(",") if part.strip()}


def recommended_programmes(employee: Employee, *, gaps: Iterable[str] = ()) -> list[Programme]:
    """Active programmes matching the employee's position (target position or sector, or a
    competency named in the position's competency standard or in `gaps`), without those already
    passed or booked. Each has `reasons` (why) and `open_sessions` (upcoming, window open).
    Four queries at most."""
    position = employee.position
    standard = position.competency_standard.lower()
    gap_words = {g.strip().lower() for g in gaps if g and g.strip()}
    mine = list(
        Enrolment.objects.filter(employee=employee)
        .filter(Q(status__in=Enrolment.ACTIVE) | Q(result=Enrolment.Result.PASSED))
        .values_list("session__programme_id", "is_latsar")
    )
    taken = {programme_id for programme_id, _latsar in mine}
    # An enrolment that is active or passed counts as the one Latsar attempt.
    latsar_done = any(latsar for _programme_id, latsar in mine) or (
        Enrolment.objects.filter(employee=employee, is_latsar=True)
        .exclude(status__in=[Enrolment.Status.REJECTED, Enrolment.Status.CANCELLED])
        .exists()
    )
    today = timezone.localdate()
    programmes = (
        Programme.objects.filter(is_active=True)
        .exclude(pk__in=taken)
        .prefetch_related(
            "target_sectors",
            "target_positions",
            Prefetch(
                "sessions",
                queryset=upcoming_sessions().filter(
                    enrolment_opens_on__lte=today, enrolment_closes_on__gte=today
                ),
                to_attr="open_sessions",
            ),
        )
        .order_by("kind", "name")
    )
    chosen = []
    for programme in programmes:
        reasons = []
        if programme.kind == Programme.Kind.LATSAR:
            if (
                employee.asn_type != AsnType.PNS
                or today - employee.start_date > PROBATION
                or latsar_done
            ):
                continue
            reasons.append(_("Mandatory during the CPNS probation period"))
        elif programme.kind == Programme.Kind.PPPK_ORIENTATION:
            if employee.asn_type != AsnType.PPPK or today - employee.start_date > PROBATION:
                continue
            reasons.append(_("Orientation for new PPPK staff"))
        if any(p.pk == position.pk for p in programme.target_positions.all()):
            reasons.append(_("Meant for your position"))
        elif any(s.pk == position.unit.sector_id for s in programme.target_sectors.all()):
            reasons.append(_("Meant for your sector"))
        competencies = _words(programme.competencies)
        from_standard = sorted(c for c in competencies if c in standard)
        from_gaps = sorted(competencies & gap_words)
        if from_standard:
            reasons.append(
                _("In your position's competency standard: %(names)s")
                % {"names": ", ".join(from_standard)}
            )
        if from_gaps:
            reasons.append(
                _("A gap in your latest performance review: %(names)s")
                % {"names": ", ".join(from_gaps)}
            )
        if reasons:
            programme.reasons = reasons
            chosen.append(programme)
    return chosen
