"""The first training of new employees (docs/domain.md section 3): a new PNS in probation without
Latsar CPNS, a new PPPK without the orientation, is proposed on HR's onboarding page and enrolled
from it; the proposal disappears once booked."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import EmployeeFactory
from tests.training.factories import ProgrammeFactory, SessionFactory, enrolment, today
from training.models import Enrolment, Programme
from training.selectors.onboarding import onboarding_due
from workforce.models import AsnType, Employee

pytestmark = pytest.mark.django_db

LATSAR = Programme.Kind.LATSAR
ORIENTATION = Programme.Kind.PPPK_ORIENTATION


def _new(asn_type=AsnType.PNS, days_ago=30, **kwargs):
    return EmployeeFactory(
        asn_type=asn_type, start_date=today() - timedelta(days=days_ago), nip=None, **kwargs
    )


def _session(kind):
    return SessionFactory(programme=ProgrammeFactory(kind=kind, name=f"Program {kind}"))


@pytest.mark.parametrize(
    ("days_ago", "due"),
    [
        (0, True),  # starts today
        (364, True),  # the last day of the one-year probation
        (365, False),  # a year ago exactly: probation is over
        (-20, True),  # appointed ahead of the TMT
    ],
)
def test_it_proposes_a_new_pns_during_probation_only(days_ago, due):
    employee = _new(days_ago=days_ago)
    assert (employee in onboarding_due()) is due


@pytest.mark.parametrize(
    ("status", "result", "due"),
    [
        (Enrolment.Status.REQUESTED, "pending", False),
        (Enrolment.Status.ENROLLED, "pending", False),
        (Enrolment.Status.WAITLISTED, "pending", False),
        (Enrolment.Status.ENROLLED, "passed", False),
        (Enrolment.Status.ENROLLED, "not_passed", False),  # Latsar: one attempt, it is used
        (Enrolment.Status.REJECTED, "pending", True),
        (Enrolment.Status.CANCELLED, "pending", True),
    ],
)
def test_a_latsar_attempt_settles_the_proposal(status, result, due):
    employee = _new()
    enrolment(_session(LATSAR), employee, status=status, result=result)
    assert (employee in onboarding_due()) is due


@pytest.mark.parametrize(
    ("status", "result", "due"),
    [
        (Enrolment.Status.ENROLLED, "pending", False),
        (Enrolment.Status.ENROLLED, "passed", False),
        (Enrolment.Status.ENROLLED, "not_passed", True),  # may take it again
        (Enrolment.Status.CANCELLED, "pending", True),
    ],
)
def test_a_pppk_needs_the_orientation_not_latsar(status, result, due):
    employee = _new(AsnType.PPPK)
    enrolment(_session(LATSAR), employee)  # the wrong programme changes nothing
    assert employee in onboarding_due()
    enrolment(_session(ORIENTATION), employee, status=status, result=result)
    assert (employee in onboarding_due()) is due


def test_who_left_is_not_proposed():
    _new(status=Employee.Status.CANCELLED)
    _new(status=Employee.Status.TRANSFERRED)
    assert not onboarding_due().exists()


def test_hr_enrols_a_new_employee_from_the_proposal(client_as, hr):
    pns, pppk = _new(), _new(AsnType.PPPK)
    latsar, orientation = _session(LATSAR), _session(ORIENTATION)
    client = client_as(hr)
    url = reverse("training:onboarding")
    page = client.get(url).content.decode()
    assert pns.full_name in page and pppk.full_name in page
    assert str(latsar) in page and str(orientation) in page
    response = client.post(url, {"employee": pns.pk, "session": latsar.pk})
    assert response.status_code == 302
    assert Enrolment.objects.get(employee=pns).session == latsar
    page = client.get(url).content.decode()
    assert f'data-employee="{pns.pk}"' not in page
    assert f'data-employee="{pppk.pk}"' in page


@pytest.mark.parametrize(
    "data",
    [
        {"employee": "{pns}", "session": "{orientation}"},  # not the programme a PNS needs
        {"employee": "{pns}", "session": ""},
        {"employee": "{pns}", "session": "999999"},
        {"employee": "{old}", "session": "{latsar}"},  # not in the proposal: probation over
        {"employee": "x", "session": "y"},
    ],
)
def test_a_wrong_choice_is_a_clear_error_and_enrols_nobody(client_as, hr, data):
    ids = {
        "pns": _new().pk,
        "old": _new(days_ago=800).pk,
        "latsar": _session(LATSAR).pk,
        "orientation": _session(ORIENTATION).pk,
    }
    filled = {key: value.format(**ids) for key, value in data.items()}
    response = client_as(hr).post(reverse("training:onboarding"), filled)
    assert response.status_code == 400
    assert "data-form-errors" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_a_programme_without_an_open_session_says_so(client_as, hr):
    _new()
    page = client_as(hr).get(reverse("training:onboarding")).content.decode()
    assert "data-no-session" in page


def test_only_hr_sees_the_onboarding_page(client_as, employee, supervisor):
    for user in (employee, supervisor):
        assert client_as(user).get(reverse("training:onboarding")).status_code == 403


def test_the_dashboard_points_to_the_proposals(client_as, hr):
    _new()
    page = client_as(hr).get(reverse("training:hr_dashboard")).content.decode()
    assert "data-onboarding-count" in page and reverse("training:onboarding") in page


def test_the_page_reads_in_a_constant_number_of_queries(client_as, hr, page_cache_off):
    _session(LATSAR)
    _session(ORIENTATION)
    client = client_as(hr)
    url = reverse("training:onboarding")
    counts = []
    for extra in (2, 12):
        for index in range(extra):
            _new(AsnType.PNS if index % 2 else AsnType.PPPK)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_failed_enrolment_shows_the_error_summary_linking_to_the_choice(client_as, hr):
    pns = _new()
    orientation = _session(ORIENTATION)
    _session(LATSAR)
    response = client_as(hr).post(
        reverse("training:onboarding"), {"employee": pns.pk, "session": orientation.pk}
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "data-error-summary" in text
    assert 'href="#id_session"' in text
    assert 'id="id_session"' in text  # the failed row's choice, where the link leads
    assert text.count('id="id_session"') == 1
    assert "Nobody was enrolled. Correct the choice below and enrol again." in text


def test_the_page_without_a_failed_form_has_no_summary(client_as, hr):
    _new()
    _session(LATSAR)
    assert "data-error-summary" not in client_as(hr).get(reverse("training:onboarding")).text
