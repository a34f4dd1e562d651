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


def test_it_asks_the_database_a_fixed_number_of_times(
    page_cache_off, supervisor, django_assert_num_queries
):
    the_cycle = cycle(2026)
    q1 = checkpoint(the_cycle)
    team(supervisor, 3)
    with django_assert_num_queries(3):
        completion_by_unit(q1, q1.due_date + timedelta(days=1), late_names=5)
    team(supervisor, 12)
    with django_assert_num_queries(3):
        completion_by_unit(q1, q1.due_date + timedelta(days=1), late_names=5)


def test_it_pages_the_unit_tables_and_the_unit_chart(
    client_as, supervisor, hr, monkeypatch, settings
):
    """A kecamatan with more units than a page: each per-unit table pages on its own, keeps
    the other's page, and the unit chart draws the units of the table's page beneath it."""
    from django.urls import reverse

    from performance.views import dashboard as views

    monkeypatch.setattr(views, "UNITS_PER_PAGE", 2)
    settings.LANGUAGE_CODE = "en"
    the_cycle = cycle(2026)
    q1 = checkpoint(the_cycle)
    units = []
    for _ in range(3):
        _boss, (member,) = team(supervisor, 1)
        final_review(agreed_skp(member, the_cycle, by=supervisor), q1, by=supervisor)
        units.append(member.position.unit.name)
    units.sort()
    client = client_as(hr)
    url = reverse("performance:dashboard")
    # The supervisor's own unit is in the register too (staff without a review).
    staff_units = sorted({*units, supervisor.employee.position.unit.name})

    def completion(html):
        section = html.split('id="completion-heading"')[1].split("</section>")[0]
        return [name for name in staff_units if f'<th scope="row">{name}</th>' in section]

    def by_unit(html):
        section = html.split("Predikat by unit")[-1]
        return [name for name in units if f'<th scope="row">{name}</th>' in section]

    first = client.get(url, {"checkpoint": q1.pk}).content.decode()
    assert completion(first) == staff_units[:2]
    assert by_unit(first) == units[:2]
    assert "units_page=2" in first and "page=2" in first

    second = client.get(url, {"checkpoint": q1.pk, "page": 2, "units_page": 2}).content.decode()
    assert completion(second) == staff_units[2:]
    assert by_unit(second) == units[2:]

    chart = reverse("performance:dashboard_chart", args=["unit"])
    svg = client.get(chart, {"checkpoint": q1.pk, "units_page": 2}).content.decode()
    assert units[2] in svg and units[0] not in svg and units[1] not in svg
