"""Who passed a selection and may be appointed, and the appointments made."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from recruitment.models import (
    PASSED_CODES,
    Announcement,
    Application,
    Appointment,
    ExamResult,
    FinalCode,
    Formation,
    SelectionPeriod,
)


def final_announcement(period: SelectionPeriod) -> Announcement | None:
    return Announcement.objects.filter(period=period, kind=Announcement.Kind.FINAL).first()


def passed_results(period: SelectionPeriod) -> QuerySet[ExamResult]:
    """The results of everyone who passed (L, or placed by optimisation), with their
    application, profile, own and placed formation and appointment: one query."""
    return (
        ExamResult.objects.filter(
            application__period=period,
            application__status=Application.Status.SUBMITTED,
            final_code__in=PASSED_CODES,
        )
        .select_related(
            "application__applicant__applicant_profile",
            "application__formation__position__unit",
            "application__appointment",
            "placed_formation__position__unit",
        )
        .order_by(
            "application__formation__position__unit__name",
            "application__formation__position__name",
            "final_rank",
            "application__registration_number",
        )
    )


def placement_of(result: ExamResult) -> Formation:
    """The formation a passed applicant is appointed into: their own, or the one optimisation
    placed them in."""
    return result.placed_formation or result.application.formation


def appointed_counts(period: SelectionPeriod) -> dict[int, int]:
    """Appointments per formation (one grouped query)."""
    rows = (
        Appointment.objects.filter(formation__period=period, status=Appointment.Status.APPOINTED)
        .values("formation_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["formation_id"]: row["n"] for row in rows}


def open_places_by_position(position_ids) -> dict[int, int]:
    """Places still on their way to being filled by a selection, per position (for the
    workforce needs map): before the final result, the quota of the published formations;
    after it, the people who passed and are not yet appointed (who declined or was cancelled
    no longer counts; optimisation may add someone back). Three queries."""
    ids = list(position_ids)
    wanted = set(ids)
    finals = Announcement.objects.filter(period=OuterRef("period"), kind=Announcement.Kind.FINAL)
    places: dict[int, int] = {}
    running = (
        Formation.objects.filter(position_id__in=ids, is_published=True, period__is_published=True)
        .exclude(Exists(finals))
        .values_list("position_id", "quota")
    )
    for position_id, quota in running:
        places[position_id] = places.get(position_id, 0) + quota
    # Who passed and is not appointed yet, in two steps: the passers of every period from
    # their partial index (exam_result_passed: a few in a hundred results), then which of
    # their applications are finalised, in a period with its final result out, and without an
    # appointment. In one query the planner started from every finalised application (it
    # estimated one row for the appointment's anti-join) and probed the results 194,000
    # times: 210 ms at four periods of 50,000 against 16 ms this way (docs/performance.md).
    # The passers of every period so far go into one IN list: a district appoints hundreds a
    # year, far below PostgreSQL's limits (and SQLite's 32,766 parameters of `make run`).
    passers = list(
        ExamResult.objects.filter(final_code__in=PASSED_CODES)
        .values_list("application_id", "placed_formation__position_id", "final_code")
        .order_by()
    )
    own_position = dict(
        Application.objects.filter(
            pk__in=[application_id for application_id, _placed, _code in passers],
            status=Application.Status.SUBMITTED,
        )
        .filter(Exists(finals))
        .exclude(Exists(Appointment.objects.filter(application=OuterRef("pk"))))
        .values_list("pk", "formation__position_id")
        .order_by()
    )
    for application_id, placed, code in passers:
        own = own_position.get(application_id)
        if own is None:
            continue
        position_id = placed if placed and code != FinalCode.L else own
        if position_id in wanted:
            places[position_id] = places.get(position_id, 0) + 1
    return places


def appointment_rows(period: SelectionPeriod) -> list[ExamResult]:
    """Everyone who passed, each with `placement` (the formation they are appointed into) and
    `appointment` (None while HR has not recorded it): one query."""
    rows = list(passed_results(period))
    for result in rows:
        application = result.application
        try:
            result.appointment = application.appointment
        except Appointment.DoesNotExist:
            result.appointment = None
        result.placement = placement_of(result)
    return rows


def formation_places(period: SelectionPeriod, rows: list[ExamResult]) -> list[Formation]:
    """Each formation of the period with its quota, `passed` (people placed in it), `appointed`
    and `open` (quota minus appointed): one query besides the rows already read."""
    formations = list(
        Formation.objects.filter(period=period)
        .select_related("position__unit")
        .annotate(
            appointed=Count(
                "appointments", filter=Q(appointments__status=Appointment.Status.APPOINTED)
            ),
            declined=Count(
                "appointments", filter=Q(appointments__status=Appointment.Status.DECLINED)
            ),
        )
        .order_by("position__unit__name", "position__name", "pk")
    )
    passed: dict[int, int] = {}
    for result in rows:
        passed[result.placement.pk] = passed.get(result.placement.pk, 0) + 1
    for formation in formations:
        formation.passed = passed.get(formation.pk, 0)
        formation.open = max(0, formation.quota - formation.appointed)
    return formations


def appointment_get(pk: int) -> Appointment:
    return get_object_or_404(
        Appointment.objects.select_related("application", "formation", "employee"), pk=pk
    )
