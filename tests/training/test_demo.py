"""The training demo data: every kind of programme, past and upcoming sessions, staff above and
below the minimum, the demo employee's certificate and pending request; safe to run twice."""

import pytest
from django.utils import timezone

from rakumpit_asn.management import demo
from training import demo as training_demo
from training.models import Certificate, Enrolment, Programme, Session
from training.selectors.ledger import shortfall_summary

pytestmark = pytest.mark.django_db


def test_it_seeds_the_training_demo_twice_without_duplicates():
    users = demo.seed()["users"]
    training_demo.seed(users)
    counts = (Programme.objects.count(), Session.objects.count(), Enrolment.objects.count())
    training_demo.seed(users)
    assert counts == (
        Programme.objects.count(),
        Session.objects.count(),
        Enrolment.objects.count(),
    )
    assert set(Programme.objects.values_list("kind", flat=True)) == set(Programme.Kind.values)
    today = timezone.localdate()
    assert Session.objects.filter(ends_on__lt=today).exists()
    assert Session.objects.filter(starts_on__gt=today).exists()
    me = users["employee"].employee
    assert Certificate.objects.filter(enrolment__employee=me).exists()
    assert Enrolment.objects.filter(employee=me, status=Enrolment.Status.REQUESTED).exists()
    [health] = [
        row for row in shortfall_summary(today.year)["by_sector"] if row.label == "Kesehatan"
    ]
    assert health.short > 0
    assert health.complete > 0
