"""The appointment that closes a selection (docs/domain.md 1.1 step 10): who passed becomes an
employee on the formation's position, in one batch or not at all; a declined place or a cancelled
appointment goes back to optimisation; HR's page keeps what was typed when it refuses."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from recruitment.models import (
    Announcement,
    ApplicationEvent,
    Appointment,
    Decision,
    ExamResult,
    FinalCode,
    Milestone,
    OptimisationOffer,
    SelectionPeriod,
)
from recruitment.selectors.appointments import appointment_rows, formation_places
from recruitment.services.appointments import (
    Appoint,
    AppointmentError,
    appointment_cancel,
    appointment_decline,
    appointments_confirm,
)
from recruitment.services.optimisation import optimisation_propose
from tests.factories import PositionFactory, UnitFactory
from tests.recruitment.factories_scores import application, formation, scored_period
from workforce.models import Employee
from workforce.validators import build_nip

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

ANNOUNCED = date(2026, 11, 2)


def _final(period, on=ANNOUNCED):
    moment = timezone.make_aware(timezone.datetime(on.year, on.month, on.day, 10))
    return Announcement.objects.create(
        period=period, kind=Announcement.Kind.FINAL, published_at=moment
    )


def _passed(formation_, code=FinalCode.L, placed=None, **kwargs):
    app = application(formation_, **kwargs)
    ExamResult.objects.create(application=app, final_code=code, placed_formation=placed)
    return app


def _period(**kwargs):
    period = scored_period(**kwargs)
    _final(period)
    return period


def _nip(app, *, tmt=date(2026, 12, 1), sequence=1, pppk=False):
    profile = app.applicant.applicant_profile
    return build_nip(
        profile.birth_date,
        appointment=(tmt.year, tmt.month),
        gender=profile.gender,
        sequence=sequence,
        pppk=pppk,
    )


# --- the service --------------------------------------------------------------------------------


def test_it_makes_each_person_who_passed_an_employee_on_the_formations_position(hr):
    period = _period()
    nurse = formation(period, quota=2)
    first = _passed(nurse)
    second = _passed(nurse)
    tmt = date(2026, 12, 1)
    count = appointments_confirm(
        period=period,
        rows=[Appoint(first.pk, tmt, nip=_nip(first)), Appoint(second.pk, tmt)],
        actor=hr,
    )
    assert count == 2
    employee = Employee.objects.get(user=first.applicant)
    assert (employee.position, employee.start_date, employee.nip) == (
        nurse.position,
        tmt,
        _nip(first),
    )
    assert employee.asn_type == "PNS" and employee.contract_ends_on is None
    assert Employee.objects.get(user=second.applicant).nip is None  # BKN issues it later
    assert first.applicant.groups.filter(name=Role.EMPLOYEE).exists()
    appointment = Appointment.objects.get(application=first)
    assert appointment.status == Appointment.Status.APPOINTED
    assert appointment.employee == employee and appointment.decided_by == hr
    assert Decision.objects.filter(application=first, kind=Decision.Kind.APPOINTMENT).count() == 1
    event = ApplicationEvent.objects.get(application=first, status=Milestone.APPOINTED)
    assert nurse.position.name in event.note and "01-12-2026" in event.note


def test_it_appoints_someone_placed_by_optimisation_into_the_placed_formation(hr):
    period = _period()
    own = formation(period, quota=1)
    other = formation(period, quota=1, position=PositionFactory(name=own.position.name))
    moved = _passed(own, code=FinalCode.L2, placed=other)
    appointments_confirm(period=period, rows=[Appoint(moved.pk, date(2026, 12, 1))], actor=hr)
    assert Appointment.objects.get(application=moved).formation == other
    assert Employee.objects.get(user=moved.applicant).position == other.position


@pytest.mark.parametrize(
    ("tmt", "years", "ends"),
    [
        # A contract of n years ends the day before the n-th anniversary of the TMT.
        (date(2027, 1, 1), 1, date(2027, 12, 31)),
        (date(2027, 3, 1), 5, date(2032, 2, 29)),  # 2032 is a leap year
        (date(2028, 2, 29), 1, date(2029, 2, 27)),  # no 29 February in 2029: the 28th is the
        # anniversary, so the contract ends the 27th
    ],
)
def test_a_pppk_contract_ends_the_day_before_its_anniversary(hr, tmt, years, ends):
    period = _period(procurement_type="PPPK")
    place = formation(period, quota=1, asn_type="PPPK")
    app = _passed(place)
    appointments_confirm(period=period, rows=[Appoint(app.pk, tmt, contract_years=years)], actor=hr)
    employee = Employee.objects.get(user=app.applicant)
    assert employee.asn_type == "PPPK"
    assert employee.contract_ends_on == ends
    assert Appointment.objects.get(application=app).contract_years == years


def _refused(period, rows, hr) -> list[str]:
    employees = Employee.objects.count()
    with pytest.raises(AppointmentError) as refused:
        appointments_confirm(period=period, rows=rows, actor=hr)
    assert Employee.objects.count() == employees  # all or nothing
    assert not Appointment.objects.filter(status=Appointment.Status.APPOINTED).exists()
    return refused.value.problems


def test_it_refuses_before_the_final_result_is_announced(hr):
    period = scored_period()
    app = _passed(formation(period))
    problems = _refused(period, [Appoint(app.pk, date(2026, 12, 1))], hr)
    assert any("final result" in problem for problem in problems)


@pytest.mark.parametrize("code", [FinalCode.TL, FinalCode.TMS1, FinalCode.TH, ""])
def test_it_refuses_who_did_not_pass_and_appoints_nobody_of_the_batch(hr, code):
    period = _period()
    place = formation(period, quota=2)
    good = _passed(place)
    bad = _passed(place, code=code)
    problems = _refused(
        period, [Appoint(good.pk, date(2026, 12, 1)), Appoint(bad.pk, date(2026, 12, 1))], hr
    )
    assert problems == [
        f"{bad.registration_number} did not pass this selection: only who passed is appointed."
    ]


def test_it_refuses_an_application_of_another_period(hr):
    period = _period()
    elsewhere = _period()
    stranger = _passed(formation(elsewhere))
    assert _refused(period, [Appoint(stranger.pk, date(2026, 12, 1))], hr)


@pytest.mark.parametrize(
    ("tmt", "accepted"),
    [(ANNOUNCED - timedelta(days=1), False), (ANNOUNCED, True), (ANNOUNCED + timedelta(1), True)],
)
def test_the_start_date_is_not_before_the_final_announcement(hr, tmt, accepted):
    period = _period()
    app = _passed(formation(period))
    if accepted:
        appointments_confirm(period=period, rows=[Appoint(app.pk, tmt)], actor=hr)
        assert Employee.objects.get(user=app.applicant).start_date == tmt
    else:
        [problem] = _refused(period, [Appoint(app.pk, tmt)], hr)
        assert "2 November 2026" in problem


def test_it_refuses_twice_the_same_person_and_a_second_appointment(hr):
    period = _period()
    place = formation(period, quota=2)
    app = _passed(place)
    tmt = date(2026, 12, 1)
    assert "Each person can be appointed once." in _refused(
        period, [Appoint(app.pk, tmt), Appoint(app.pk, tmt)], hr
    )
    appointments_confirm(period=period, rows=[Appoint(app.pk, tmt)], actor=hr)
    with pytest.raises(AppointmentError, match="already recorded"):
        appointments_confirm(period=period, rows=[Appoint(app.pk, tmt)], actor=hr)


def test_it_refuses_more_appointments_than_places(hr):
    period = _period()
    place = formation(period, quota=1)
    # Two passed into a quota of one (a correction gone wrong): only one can be appointed.
    first, second = _passed(place), _passed(place)
    tmt = date(2026, 12, 1)
    [problem] = _refused(period, [Appoint(first.pk, tmt), Appoint(second.pk, tmt)], hr)
    assert "has 1 places: 0 are appointed already" in problem
    appointments_confirm(period=period, rows=[Appoint(first.pk, tmt)], actor=hr)
    [problem] = _refused_again(period, [Appoint(second.pk, tmt)], hr)
    assert "1 are appointed already" in problem


def _refused_again(period, rows, hr):
    with pytest.raises(AppointmentError) as refused:
        appointments_confirm(period=period, rows=rows, actor=hr)
    return refused.value.problems


def test_it_refuses_a_pppk_appointment_without_a_contract(hr):
    period = _period(procurement_type="PPPK")
    app = _passed(formation(period, asn_type="PPPK"))
    [problem] = _refused(period, [Appoint(app.pk, date(2026, 12, 1))], hr)
    assert "contract" in problem


def test_it_refuses_a_nip_already_on_the_register_or_not_matching_the_person(hr):
    period = _period()
    place = formation(period, quota=3)
    first, second, third = _passed(place), _passed(place), _passed(place)
    tmt = date(2026, 12, 1)
    appointments_confirm(period=period, rows=[Appoint(first.pk, tmt, nip=_nip(first))], actor=hr)
    [problem] = _refused_again(period, [Appoint(second.pk, tmt, nip=_nip(first))], hr)
    assert _nip(first) in problem and "already on the employee register" in problem
    # A NIP whose birth date is not the person's: 1 January 1990 instead of 12 April 1998.
    wrong = "19900101" + _nip(third)[8:]
    [problem] = _refused_again(period, [Appoint(third.pk, tmt, nip=wrong)], hr)
    assert "birth date does not match" in problem
    assert Employee.objects.count() == 1


def test_it_appoints_in_a_constant_number_of_queries(hr):
    counts = []
    for size in (2, 8):
        period = _period()
        place = formation(period, quota=size)
        apps = [_passed(place) for _ in range(size)]
        rows = [Appoint(app.pk, date(2026, 12, 1)) for app in apps]
        with CaptureQueriesContext(connection) as queries:
            appointments_confirm(period=period, rows=rows, actor=hr)
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- declined places and corrections ------------------------------------------------------------


def _optimisation_case():
    """One nurse place in unit A whose winner declines, and a runner-up in unit B's formation of
    the same position, who passed the passing grade but not the quota."""
    period = _period()
    name = "Perawat Terampil"
    here = formation(period, quota=1, position=PositionFactory(name=name, unit=UnitFactory()))
    there = formation(period, quota=1, position=PositionFactory(name=name, unit=UnitFactory()))
    winner = _passed(here)
    _passed(there)
    runner_up = application(there)
    ExamResult.objects.create(
        application=runner_up,
        skd_presence="present",
        twk=100,
        tiu=120,
        tkp=180,
        skd_total=400,
        skd_passed=True,
        final_code=FinalCode.TL,
        final_rank=2,
    )
    return period, here, winner, runner_up


def test_a_declined_place_goes_back_to_optimisation(hr):
    period, here, winner, runner_up = _optimisation_case()
    assert optimisation_propose(period=period) == []  # every place taken
    appointment_decline(application=winner, actor=hr, note="Mengundurkan diri secara tertulis.")
    assert Appointment.objects.get(application=winner).status == Appointment.Status.DECLINED
    assert ApplicationEvent.objects.filter(
        application=winner, status=Milestone.PLACE_DECLINED
    ).exists()
    [offer] = optimisation_propose(period=period)
    assert (offer.formation, offer.application) == (here, runner_up)
    with pytest.raises(AppointmentError):  # a declined place is not appointed afterwards
        appointments_confirm(period=period, rows=[Appoint(winner.pk, date(2026, 12, 1))], actor=hr)


def test_it_refuses_to_record_a_decline_for_who_did_not_pass_or_twice(hr):
    _p, _here, winner, runner_up = _optimisation_case()
    with pytest.raises(AppointmentError):
        appointment_decline(application=runner_up, actor=hr)
    appointment_decline(application=winner, actor=hr)
    with pytest.raises(AppointmentError, match="already recorded"):
        appointment_decline(application=winner, actor=hr)


def test_a_cancelled_appointment_needs_a_reason_and_frees_the_place(hr):
    period, here, winner, runner_up = _optimisation_case()
    appointments_confirm(period=period, rows=[Appoint(winner.pk, date(2026, 12, 1))], actor=hr)
    appointment = Appointment.objects.get(application=winner)
    with pytest.raises(AppointmentError, match="reason"):
        appointment_cancel(appointment=appointment, actor=hr, reason="  ")
    appointment_cancel(appointment=appointment, actor=hr, reason="Ijazah tidak sah.")
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    employee = Employee.objects.get(user=winner.applicant)
    assert employee.status == Employee.Status.CANCELLED
    assert not winner.applicant.groups.filter(name=Role.EMPLOYEE).exists()
    assert Decision.objects.filter(
        application=winner, kind=Decision.Kind.CORRECTION, reason="Ijazah tidak sah."
    ).exists()
    rows = appointment_rows(period)
    [place] = [f for f in formation_places(period, rows) if f.pk == here.pk]
    assert (place.quota, place.appointed, place.open) == (1, 0, 1)
    [offer] = optimisation_propose(period=period)
    assert offer.application == runner_up
    with pytest.raises(AppointmentError, match="Only an appointment"):
        appointment_cancel(appointment=appointment, actor=hr, reason="again")


# --- HR's page ----------------------------------------------------------------------------------


def _form(period, apps, **extra):
    data = {"tmt": "2026-12-01", "selected": [str(app.pk) for app in apps]}
    data.update(extra)
    return data


def test_hr_appoints_the_people_ticked_from_the_page(client_as, hr):
    period = _period()
    place = formation(period, quota=2)
    ticked, waiting = _passed(place), _passed(place)
    client = client_as(hr)
    url = reverse("recruitment:appointments", args=[period.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert ticked.registration_number in page.content.decode()
    response = client.post(url, _form(period, [ticked], **{f"nip_{ticked.pk}": _nip(ticked)}))
    assert response.status_code == 302
    assert Employee.objects.get(user=ticked.applicant).nip == _nip(ticked)
    assert not Employee.objects.filter(user=waiting.applicant).exists()
    page = client.get(url).content.decode()
    assert "TMT 1 Dec 2026" in page or "TMT 1 Des 2026" in page


def test_a_refused_batch_keeps_every_tick_and_nip_typed(client_as, hr):
    period = _period()
    place = formation(period, quota=1)
    first, second = _passed(place), _passed(place)
    client = client_as(hr)
    url = reverse("recruitment:appointments", args=[period.pk])
    response = client.post(url, _form(period, [first, second], **{f"nip_{first.pk}": _nip(first)}))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Nobody was appointed" in body or "Tidak ada yang diangkat" in body
    assert f'value="{_nip(first)}"' in body
    assert body.count(" checked") >= 2
    assert 'value="2026-12-01"' in body
    assert not Employee.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"tmt": "", "selected": ["{a}"]}, "tmt"),
        ({"tmt": "2026-02-30", "selected": ["{a}"]}, "tmt"),
        ({"tmt": "2026-12-01"}, "selected"),
        ({"tmt": "2026-12-01", "selected": ["999999999"]}, "selected"),
        ({"tmt": "2026-12-01", "selected": ["{a}"], "nip_{a}": "12345"}, "nip"),
        ({"tmt": "2026-12-01", "selected": ["x' OR 1=1"]}, "selected"),
    ],
)
def test_bad_input_is_a_clear_error_never_a_500(client_as, hr, data, field):
    period = _period()
    app = _passed(formation(period, quota=1))
    filled = {
        key.format(a=app.pk): [v.format(a=app.pk) for v in value]
        if isinstance(value, list)
        else value
        for key, value in data.items()
    }
    response = client_as(hr).post(reverse("recruitment:appointments", args=[period.pk]), filled)
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode() or "alert-danger" in (
        response.content.decode()
    )
    assert not Employee.objects.exists()


def test_a_nip_typed_for_someone_not_ticked_is_not_dropped_silently(client_as, hr):
    period = _period()
    place = formation(period, quota=2)
    ticked, untouched = _passed(place), _passed(place)
    response = client_as(hr).post(
        reverse("recruitment:appointments", args=[period.pk]),
        _form(period, [ticked], **{f"nip_{untouched.pk}": _nip(untouched)}),
    )
    assert response.status_code == 400
    assert "Tick this person" in response.content.decode() or "Centang" in (
        response.content.decode()
    )
    assert not Employee.objects.exists()


def test_hr_records_a_decline_and_a_correction_from_the_page(client_as, hr):
    _p, _here, winner, _runner_up = _optimisation_case()
    client = client_as(hr)
    response = client.post(
        reverse("recruitment:appointment_decline", args=[winner.pk]), {"note": "Tidak hadir."}
    )
    assert response.status_code == 302
    assert Appointment.objects.get(application=winner).note == "Tidak hadir."


def test_a_correction_without_a_reason_changes_nothing(client_as, hr):
    period = _period()
    app = _passed(formation(period, quota=1))
    appointments_confirm(period=period, rows=[Appoint(app.pk, date(2026, 12, 1))], actor=hr)
    appointment = Appointment.objects.get(application=app)
    client = client_as(hr)
    url = reverse("recruitment:appointment_cancel", args=[appointment.pk])
    response = client.post(url, {"reason": ""}, follow=True)
    assert response.status_code == 200
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.APPOINTED
    client.post(url, {"reason": "Salah orang."})
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED


def test_only_hr_reaches_the_appointment_pages(client_as, applicant, employee):
    period = _period()
    app = _passed(formation(period))
    for user in (applicant, employee, app.applicant):
        client = client_as(user)
        assert client.get(reverse("recruitment:appointments", args=[period.pk])).status_code == 403
        assert (
            client.post(reverse("recruitment:appointment_decline", args=[app.pk])).status_code
            == 403
        )
    assert Group.objects.get(name=Role.EMPLOYEE)  # the role exists; nobody gained it
    assert not Appointment.objects.exists()


def test_unknown_ids_are_404(client_as, hr):
    client = client_as(hr)
    missing = SelectionPeriod.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    assert client.get(reverse("recruitment:appointments", args=[missing + 1])).status_code == 404
    assert client.post(reverse("recruitment:appointment_cancel", args=[987654])).status_code == 404
    assert client.post(reverse("recruitment:appointment_decline", args=[987654])).status_code == 404


def test_the_page_reads_in_a_constant_number_of_queries(client_as, hr, page_cache_off):
    client = client_as(hr)
    counts = []
    for size in (2, 9):
        period = _period()
        place = formation(period, quota=size)
        apps = [_passed(place) for _ in range(size)]
        appointments_confirm(period=period, rows=[Appoint(apps[0].pk, date(2026, 12, 1))], actor=hr)
        appointment_decline(application=apps[1], actor=hr)
        url = reverse("recruitment:appointments", args=[period.pk])
        client.get(url)  # warm the session and the language
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_an_optimisation_offer_is_counted_as_the_place_it_fills(hr):
    # The appointment list shows someone placed by a confirmed offer under the new formation.
    period, here, winner, runner_up = _optimisation_case()
    appointment_decline(application=winner, actor=hr)
    [offer] = optimisation_propose(period=period)
    from recruitment.services.optimisation import optimisation_decide

    optimisation_decide(offer=offer, confirm=True, actor=hr)
    assert OptimisationOffer.objects.get(pk=offer.pk).status == "confirmed"
    rows = {row.application_id: row for row in appointment_rows(period)}
    assert rows[runner_up.pk].placement == here
    appointments_confirm(period=period, rows=[Appoint(runner_up.pk, date(2026, 12, 1))], actor=hr)
    assert Employee.objects.get(user=runner_up.applicant).position == here.position


# --- the needs map moves at once ----------------------------------------------------------------


def _needs_row(client, position):
    """The needs map's row of this position: (current staff, places in selection)."""
    import re

    page = client.get(reverse("workforce:needs_map"), {"year": 2026}).content.decode()
    row = next(tr for tr in page.split("<tr>") if f">{position.name}<" in tr or position.name in tr)
    cells = re.findall(r'<td class="text-end"[^>]*>\s*(.*?)\s*</td>', row, re.S)
    current = int(cells[1])
    in_selection = re.search(r"data-in-selection>([^<]*)<", row).group(1).strip()
    return current, 0 if in_selection == "–" else int(in_selection)


def test_the_needs_map_moves_staff_and_places_in_selection_at_once(client_as, hr):
    from tests.factories import PlanningYearFactory

    PlanningYearFactory(year=2026)
    period = scored_period()  # no final result yet: the whole quota is in selection
    position = PositionFactory(name="Perawat Ahli Pertama Uji")
    place = formation(period, quota=3, position=position)
    first, second = _passed(place), _passed(place)
    client = client_as(hr)
    assert _needs_row(client, position) == (0, 3)
    _final(period)  # after the final result: the two who passed and wait to be appointed
    assert _needs_row(client, position) == (0, 2)
    appointments_confirm(period=period, rows=[Appoint(first.pk, date(2026, 12, 1))], actor=hr)
    assert _needs_row(client, position) == (1, 1)
    appointment_decline(application=second, actor=hr)
    assert _needs_row(client, position) == (1, 0)


def test_a_declined_place_goes_first_to_the_next_of_the_same_formation(hr):
    """The next-best of the formation itself comes before anyone of another formation, even
    one with a higher score elsewhere; confirmed, they pass in their own formation (L)."""
    period, here, winner, runner_up = _optimisation_case()
    second = application(here)
    ExamResult.objects.create(
        application=second,
        skd_presence="present",
        twk=80,
        tiu=90,
        tkp=170,  # 340: below the runner-up elsewhere (400)
        skd_total=340,
        skd_passed=True,
        final_code=FinalCode.TL,
        final_rank=2,
    )
    appointment_decline(application=winner, actor=hr)
    [offer] = optimisation_propose(period=period)
    assert (offer.application, offer.formation, offer.code) == (second, here, FinalCode.L)
    from recruitment.services.optimisation import optimisation_decide

    optimisation_decide(offer=offer, confirm=True, actor=hr)
    result = ExamResult.objects.get(application=second)
    assert (result.final_code, result.placed_formation) == (FinalCode.L, None)
    assert runner_up not in [row.application for row in appointment_rows(period)]
