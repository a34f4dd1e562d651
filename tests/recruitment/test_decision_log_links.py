"""The decision log keeps its links without foreign-key constraints in the database
(recruitment.models.Decision: a ranking's 100,000 decisions were checked one by one at the
commit): Django deletes an application's decisions with it and clears a deleted user as the
actor, so no decision points at nothing."""

import pytest
from django.db import connection

from recruitment.models import Application, Decision
from tests.factories import ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _decision(application, actor=None) -> Decision:
    return Decision.objects.create(
        application=application, kind=Decision.Kind.SCORE, subject="skd", after="311", actor=actor
    )


def _orphans() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM recruitment_decision d WHERE NOT EXISTS"
            " (SELECT 1 FROM recruitment_application a WHERE a.id = d.application_id)"
            " OR (d.actor_id IS NOT NULL AND NOT EXISTS"
            " (SELECT 1 FROM accounts_user u WHERE u.id = d.actor_id))"
        )
        return cursor.fetchone()[0]


def test_deleting_an_application_deletes_its_decisions_only():
    gone, kept = ApplicationFactory(), ApplicationFactory()
    _decision(gone), _decision(gone), _decision(kept)
    gone.delete()
    assert list(Decision.objects.values_list("application", flat=True)) == [kept.pk]
    Application.objects.filter(pk=kept.pk).delete()  # a queryset delete collects them too
    assert not Decision.objects.exists()
    assert _orphans() == 0


def test_deleting_the_actor_keeps_the_decision_without_an_actor():
    officer, other = UserFactory(), UserFactory()
    application = ApplicationFactory()
    by_officer, by_other = _decision(application, officer), _decision(application, other)
    officer.delete()
    by_officer.refresh_from_db()
    by_other.refresh_from_db()
    assert by_officer.actor_id is None and by_officer.after == "311"
    assert by_other.actor_id == other.pk
    assert _orphans() == 0


def test_the_log_has_no_foreign_key_constraint_to_check_row_by_row():
    """What the ranking's speed rests on (docs/performance.md): a constraint put back by a
    later migration would cost 0.44 s per 100,000 decisions again."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Decision._meta.db_table)
    assert not [name for name, c in constraints.items() if c["foreign_key"]]
