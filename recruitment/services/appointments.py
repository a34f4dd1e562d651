"""The appointment that closes a selection (docs/domain.md 1.1 step 10): HR confirms the people
who passed, with their start date (TMT), NIP or NI PPPK when known and, for PPPK, the contract;
each becomes an employee of the workforce register on the formation's position, linked to their
account (which gains the Employee role). A declined place goes back to optimisation. Every step
is logged; an appointment is undone only by a correction with its reason."""

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from recruitment.models import (
    PASSED_CODES,
    Application,
    ApplicationEvent,
    Appointment,
    Decision,
    ExamResult,
    Milestone,
    SelectionPeriod,
)
from recruitment.selectors.appointments import (
    appointed_counts,
    final_announcement,
    placement_of,
)
from recruitment.services.decisions import decision_log
from workforce.models import AsnType
from workforce.services.employees import (
    Hire,
    HireError,
    employee_cancel_appointment,
    employees_hire,
)


class AppointmentError(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(" ".join(str(problem) for problem in problems))


@dataclass(frozen=True)
class Appoint:
    """HR's confirmation of one person who passed."""

    application_id: int
    tmt: date
    nip: str = ""
    contract_years: int | None = None


def _checked(period: SelectionPeriod, rows: list[Appoint]) -> tuple[dict, list[str]]:
    """The passed results of these applications, and every problem (two queries)."""
    problems = []
    final = final_announcement(period)
    if final is None:
        problems.append(_("Appoint only once the final result is announced."))
    announced_on = timezone.localdate(final.published_at) if final else None
    ids = [row.application_id for row in rows]
    if len(set(ids)) != len(ids):
        problems.append(_("Each person can be appointed once."))
    # Read by the ids alone (the unique index), the period checked here: a join filter on the
    # period lets the planner start from the period's 50,000 applications when its statistics
    # are stale (measured: 4 s instead of 10 ms for 500 people, bench/bench_ranking.py).
    results = {
        result.application_id: result
        for result in ExamResult.objects.filter(application_id__in=ids).select_related(
            "application__applicant__applicant_profile",
            "application__formation__position__unit",
            "application__appointment",
            "placed_formation__position__unit",
        )
        if result.application.period_id == period.pk
    }
    for row in rows:
        result = results.get(row.application_id)
        if result is None or result.final_code not in PASSED_CODES:
            number = result.application.registration_number if result else row.application_id
            problems.append(
                _("%(number)s did not pass this selection: only who passed is appointed.")
                % {"number": number}
            )
            continue
        application = result.application
        if application.status != Application.Status.SUBMITTED:
            problems.append(_("%(number)s withdrew.") % {"number": application.registration_number})
        existing = getattr(application, "appointment", None) if _has(application) else None
        if existing is not None:
            problems.append(
                _("%(number)s is already recorded: %(status)s.")
                % {
                    "number": application.registration_number,
                    "status": existing.get_status_display(),
                }
            )
        if period.is_pppk and not row.contract_years:
            problems.append(
                _("%(number)s: give the PPPK contract in years (at least 1).")
                % {"number": application.registration_number}
            )
        if announced_on and row.tmt < announced_on:
            problems.append(
                _(
                    "%(number)s: the start date (TMT) cannot be before the final result was "
                    "announced (%(date)s)."
                )
                % {
                    "number": application.registration_number,
                    "date": date_format(announced_on, "j F Y"),
                }
            )
    return results, problems


def _has(application: Application) -> bool:
    try:
        application.appointment  # noqa: B018 - a reverse one-to-one that may be missing
    except Appointment.DoesNotExist:
        return False
    return True


@transaction.atomic
def appointments_confirm(*, period: SelectionPeriod, rows: list[Appoint], actor) -> int:
    """Appoint these people in one transaction, or nobody (AppointmentError with every
    problem): who did not pass, twice, into a formation already full, a NIP already taken.
    A constant number of queries however many are appointed."""
    SelectionPeriod.objects.select_for_update().filter(pk=period.pk).first()
    results, problems = _checked(period, rows)
    placed = {row.application_id: placement_of(results[row.application_id]) for row in rows
              if row.application_id in results}  # fmt: skip
    counts = appointed_counts(period)
    for formation in {f.pk: f for f in placed.values()}.values():
        new = sum(1 for f in placed.values() if f.pk == formation.pk)
        if counts.get(formation.pk, 0) + new > formation.quota:
            problems.append(
                _("%(formation)s has %(quota)s places: %(taken)s are appointed already.")
                % {
                    "formation": formation,
                    "quota": formation.quota,
                    "taken": counts.get(formation.pk, 0),
                }
            )
    if problems:
        raise AppointmentError(problems)
    now = timezone.now()
    hires = []
    for row in rows:
        result = results[row.application_id]
        application = result.application
        profile = application.applicant.applicant_profile
        formation = placed[row.application_id]
        pppk = formation.asn_type == AsnType.PPPK
        hires.append(
            Hire(
                user_id=application.applicant_id,
                full_name=profile.name_on_ktp or application.applicant.full_name,
                gender=profile.gender,
                birth_date=profile.birth_date,
                asn_type=formation.asn_type,
                position=formation.position,
                start_date=row.tmt,
                nip=row.nip or None,
                contract_ends_on=(
                    row.tmt + relativedelta(years=row.contract_years) - relativedelta(days=1)
                    if pppk and row.contract_years
                    else None
                ),
            )
        )
    try:
        employees = employees_hire(hires=hires)
    except HireError as error:
        raise AppointmentError([str(error)]) from error
    Appointment.objects.bulk_create(
        [
            Appointment(
                application_id=row.application_id,
                formation=placed[row.application_id],
                status=Appointment.Status.APPOINTED,
                tmt=row.tmt,
                nip=row.nip,
                contract_years=row.contract_years if period.is_pppk else None,
                employee=employee,
                decided_by=actor,
                decided_at=now,
            )
            for row, employee in zip(rows, employees, strict=True)
        ]
    )
    Decision.objects.bulk_create(
        [
            Decision(
                application_id=row.application_id,
                kind=Decision.Kind.APPOINTMENT,
                subject="appointment",
                before="",
                after=f"{placed[row.application_id].pk} TMT {row.tmt.isoformat()}",
                actor=actor,
                at=now,
            )
            for row in rows
        ]
    )
    ApplicationEvent.objects.bulk_create(
        [
            ApplicationEvent(
                application_id=row.application_id,
                status=Milestone.APPOINTED,
                note=_("Appointed as %(position)s at %(unit)s from %(tmt)s (TMT).")
                % {
                    "position": placed[row.application_id].position.name,
                    "unit": placed[row.application_id].position.unit,
                    "tmt": row.tmt.strftime("%d-%m-%Y"),
                },
                actor=actor,
                at=now,
            )
            for row in rows
        ]
    )
    return len(rows)


@transaction.atomic
def appointment_decline(*, application: Application, actor, note: str = "") -> Appointment:
    """The person declined the place (or did not come forward): recorded, and the place goes
    back to optimisation."""
    result = ExamResult.objects.select_related("placed_formation", "application__formation").get(
        application=application
    )
    if result.final_code not in PASSED_CODES:
        raise AppointmentError([_("Only someone who passed can decline a place.")])
    if _has(application):
        raise AppointmentError(
            [_("This person is already recorded: %(status)s.") % {
                "status": application.appointment.get_status_display()}]
        )  # fmt: skip
    now = timezone.now()
    appointment = Appointment.objects.create(
        application=application,
        formation=placement_of(result),
        status=Appointment.Status.DECLINED,
        decided_by=actor,
        decided_at=now,
        note=note.strip(),
    )
    decision_log(
        application=application,
        kind=Decision.Kind.APPOINTMENT,
        actor=actor,
        subject="appointment",
        after="declined",
        reason=note,
    )
    ApplicationEvent.objects.create(
        application=application,
        status=Milestone.PLACE_DECLINED,
        note=note.strip(),
        actor=actor,
    )
    return appointment


@transaction.atomic
def appointment_cancel(*, appointment: Appointment, actor, reason: str) -> Appointment:
    """Undo an appointment by a correction with its reason: the employee record no longer
    counts as staff, the place goes back to optimisation, the applicant's timeline says so."""
    reason = (reason or "").strip()
    if not reason:
        raise AppointmentError([_("Give the reason for this correction.")])
    locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if locked.status != Appointment.Status.APPOINTED:
        raise AppointmentError([_("Only an appointment can be cancelled.")])
    locked.status = Appointment.Status.CANCELLED
    locked.note = reason
    locked.save(update_fields=["status", "note"])
    if locked.employee_id:
        employee_cancel_appointment(employee=locked.employee)
    decision_log(
        application=locked.application,
        kind=Decision.Kind.CORRECTION,
        actor=actor,
        subject="appointment",
        before="appointed",
        after="cancelled",
        reason=reason,
    )
    ApplicationEvent.objects.create(
        application=locked.application,
        status=Milestone.CORRECTION,
        note=_("Appointment cancelled: %(reason)s") % {"reason": reason},
        actor=actor,
    )
    return locked
