"""HR's completion table: counted in the database per unit, the late named on the page up to a
limit (all of them in the export), and the same rows whichever way they are computed."""

from datetime import timedelta

import pytest

from performance.selectors.dashboard import completion_by_unit
from tests.performance.factories import agreed_skp, checkpoint, cycle, final_review, team

pytestmark = pytest.mark.django_db


def test_it_counts_per_unit_and_names_the_first_late_ones(supervisor):
    the_cycle = cycle(2026)
    q1 = checkpoint(the_cycle)
    _boss, members = team(supervisor, 8)
    for member in members[:2]:
        final_review(agreed_skp(member, the_cycle, by=supervisor), q1, by=supervisor)
    agreed_skp(members[2], the_cycle, by=supervisor)
    unit_name = members[0].position.unit.name
    late = sorted(m.full_name for m in members[2:])

    before_due = {row.unit: row for row in completion_by_unit(q1, q1.due_date)}
    assert before_due[unit_name].late == [] and before_due[unit_name].late_count == 0

    after_due = q1.due_date + timedelta(days=1)
    page = {row.unit: row for row in completion_by_unit(q1, after_due, late_names=4)}[unit_name]
    assert (page.staff, page.skp_agreed, page.reviewed) == (8, 3, 2)
    assert page.late == late[:4]
    assert (page.late_count, page.late_more) == (6, 2)

    export = {row.unit: row for row in completion_by_unit(q1, after_due)}[unit_name]
    assert export.late == late and export.late_more == 0


def test_it_asks_the_database_a_fixed_number_of_times(supervisor, django_assert_num_queries):
    the_cycle = cycle(2026)
    q1 = checkpoint(the_cycle)
    team(supervisor, 3)
    with django_assert_num_queries(2):
        completion_by_unit(q1, q1.due_date + timedelta(days=1), late_names=5)
    team(supervisor, 12)
    with django_assert_num_queries(2):
        completion_by_unit(q1, q1.due_date + timedelta(days=1), late_names=5)
