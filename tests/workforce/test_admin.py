from datetime import date

import pytest

from tests.factories import EmployeeFactory, PlanningYearFactory, PositionFactory
from workforce.models import Employee, FormationProposal
from workforce.services.proposals import proposal_create

pytestmark = pytest.mark.django_db


def _proposal(hr):
    year = PlanningYearFactory(year=2026)
    position = PositionFactory()
    return proposal_create(
        planning_year=year,
        title="Usulan 2026",
        items=[(position, "PNS", 1, "Beban kerja melebihi pegawai.")],
        user=hr,
    )


def test_it_lets_hr_view_but_not_change_or_delete_proposals_in_the_admin(client_as, hr):
    proposal = _proposal(hr)
    client = client_as(hr)
    url = f"/admin/workforce/formationproposal/{proposal.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"status": "approved", "decided_by": hr.pk})
    assert response.status_code == 403
    assert (
        client.post(
            f"/admin/workforce/formationproposal/{proposal.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    proposal.refresh_from_db()
    assert proposal.status == FormationProposal.Status.DRAFT
    assert hr.has_perm("workforce.view_formationproposal")
    assert not hr.has_perm("workforce.change_formationproposal")
    assert hr.has_perm("workforce.change_abksheet")


def test_it_keeps_workflow_fields_read_only_even_for_superusers(client_as, admin_user, hr):
    proposal = _proposal(hr)
    page = client_as(admin_user).get(f"/admin/workforce/formationproposal/{proposal.pk}/change/")
    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()


def test_it_moves_retirement_dates_when_the_admin_changes_a_retirement_age(client_as, admin_user):
    position = PositionFactory(retirement_age=58)
    employee = EmployeeFactory(position=position, birth_date=date(1990, 5, 17))
    assert employee.retirement_date == date(2048, 6, 1)
    data = {
        "unit": position.unit_id,
        "name": position.name,
        "kind": position.kind,
        "asn_type": position.asn_type,
        "education_level": position.education_level,
        "education_fields": "",
        "competency_standard": "",
        "norm_key": position.norm_key,
        "retirement_age": 60,
    }
    response = client_as(admin_user).post(f"/admin/workforce/position/{position.pk}/change/", data)
    assert response.status_code == 302
    assert Employee.objects.get(pk=employee.pk).retirement_date == date(2050, 6, 1)
