"""One team definition (workforce.selectors.teams) for performance and training: the active
direct reports of the supervisor, in one query."""

import pytest

from accounts.roles import Role
from performance.selectors.reviews import team_members as performance_team
from tests.factories import UserFactory
from tests.performance.factories import cycle, employee_for, team
from workforce.models import Employee
from workforce.selectors.teams import team_members

pytestmark = pytest.mark.django_db


def test_it_is_the_active_direct_reports(supervisor):
    boss, members = team(supervisor, 5)
    statuses = [
        Employee.Status.ON_LEAVE,
        Employee.Status.TRANSFERRED,
        Employee.Status.RETIRED,
        Employee.Status.CANCELLED,
    ]
    for member, status in zip(members[1:], statuses, strict=True):
        Employee.objects.filter(pk=member.pk).update(status=status)
    # someone else's report, and a report of a report, are not in the team
    other = UserFactory(roles=[Role.EMPLOYEE, Role.SUPERVISOR])
    team(other, 2)
    grand = employee_for(supervisor=members[0])

    expected = [members[0].pk]
    assert [e.pk for e in team_members(boss)] == expected
    assert [e.pk for e in team_members(user=supervisor)] == expected
    assert grand.pk not in [e.pk for e in team_members(boss)]
    assert list(team_members()) == []


def test_performance_uses_the_same_team(supervisor, django_assert_num_queries):
    boss, members = team(supervisor, 3)
    Employee.objects.filter(pk=members[2].pk).update(status=Employee.Status.ON_LEAVE)
    the_cycle = cycle(2026)
    shared = [e.pk for e in team_members(boss)]
    assert [e.pk for e in performance_team(supervisor, the_cycle)] == shared
    assert len(shared) == 2


def test_it_reads_the_team_in_one_query(supervisor, django_assert_num_queries):
    boss, _members = team(supervisor, 3)
    with django_assert_num_queries(1):
        names = [(e.full_name, e.position.unit.name) for e in team_members(boss)]
    team(supervisor, 10)
    with django_assert_num_queries(1):
        names = [(e.full_name, e.position.unit.name) for e in team_members(boss)]
    assert len(names) == 13
