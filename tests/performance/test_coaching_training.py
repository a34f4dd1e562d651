import pytest

from performance.models import BehaviourValue, CoachingPlan
from tests.performance.factories import agreed_skp, checkpoint, cycle, employee_for, final_review
from tests.training.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def test_it_recommends_training_for_the_values_rated_below_expectation(supervisor, employee):
    value = BehaviourValue.objects.order_by("order").first()
    ProgrammeFactory(name="Pelayanan prima bagi nakes", competencies=f"{value.name}, komunikasi")
    ProgrammeFactory(name="Manajemen keuangan", competencies="anggaran")
    the_cycle = cycle(2026)
    boss = employee_for(supervisor)
    member = employee_for(employee, supervisor=boss)
    skp = agreed_skp(member, the_cycle, by=supervisor)
    review = final_review(
        skp, checkpoint(the_cycle), by=supervisor, hasil="below", perilaku="below"
    )
    plan = CoachingPlan.objects.get(review=review)
    assert "Pelayanan prima bagi nakes" in plan.recommended_training
    assert "Manajemen keuangan" not in plan.recommended_training
