"""Which programmes an employee should take next.

`recommended_programmes(employee, gaps=...)` is the entry point. `gaps` are what the latest
performance review found below expectation: `ReviewGap`s (training.review_gaps, from the provider
the reviewing app registers) or plain strings (a value's code or name, as performance's coaching
passes them). Each gap is looked up in the GapCompetency rows HR edits (a value by its code, an
indicator by the words it contains) and the competencies found are matched against the
programmes'; a gap that names a programme competency itself matches too. This module never
imports performance.
"""

from collections.abc import Iterable
from datetime import timedelta

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from training.models import Enrolment, GapCompetency, Programme
from training.review_gaps import INDICATOR, VALUE, ReviewGap
from training.selectors.catalogue import upcoming_sessions
from workforce.models import AsnType, Employee

# The probation period (masa percobaan) in which Latsar CPNS is taken: 1 year [P].
PROBATION = timedelta(days=365)


def _words(text: str) -> set[str]:
    return {part.strip().lower() for part in text.replace(";", ",").split(",") if part.strip()}


def _as_gap(gap) -> ReviewGap:
    if isinstance(gap, ReviewGap):
        return gap
    text = str(gap).strip()
    return ReviewGap(source="", code=text, label=text)


def gap_competencies(gaps: Iterable) -> dict[str, set[str]]:
    """{competency (lower case): labels of the gaps it answers}, through the GapCompetency rows
    (one query) and the gaps' own words. A plain-string gap is tried as a value code and as an
    indicator's text."""
    gaps = [_as_gap(g) for g in gaps if g and str(getattr(g, "code", g)).strip()]
    found: dict[str, set[str]] = {}
    if not gaps:
        return found
    for gap in gaps:
        found.setdefault(gap.code.lower(), set()).add(gap.label)
    for row in GapCompetency.objects.all():
        for gap in gaps:
            text = gap.code.lower()
            if row.source == VALUE and gap.source in (VALUE, ""):
                hit = text == row.code
            elif row.source == INDICATOR and gap.source in (INDICATOR, ""):
                hit = row.code in text
            else:
                hit = False
            if hit:
                for competency in row.competency_list:
                    found.setdefault(competency, set()).add(gap.label)
    return found


def recommended_programmes(employee: Employee, *, gaps: Iterable = ()) -> list[Programme]:
    """Active programmes matching the employee's position (target position or sector, or a
    competency named in the position's competency standard) or answering a gap of their latest
    review (`gaps`, see the module docstring), without those already passed or booked. Each has
    `reasons` (why) and `open_sessions` (upcoming, window open). Seven queries at most."""
    position = employee.position
    standard = position.competency_standard.lower()
    gap_map = gap_competencies(gaps)
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
        from_gaps = sorted({label for c in competencies for label in gap_map.get(c, ())})
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
