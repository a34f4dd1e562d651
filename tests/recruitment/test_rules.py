"""The selection rules that several places share live once (recruitment.rules and the models'
QuerySets): the filter and the loaded period agree on "registration is open" at its edges."""

from datetime import timedelta

import pytest
from django.utils import timezone

from recruitment import rules
from recruitment.models import Formation, SelectionPeriod
from tests.factories import FormationFactory, SelectionPeriodFactory

pytestmark = pytest.mark.django_db

US = timedelta(microseconds=1)


def _open_both_ways(period, now) -> tuple[bool, bool, bool]:
    loaded = period.is_registration_open(now)
    filtered = SelectionPeriod.objects.registration_open(now).filter(pk=period.pk).exists()
    formations = Formation.objects.open_for_registration(now).filter(period=period).exists()
    return loaded, filtered, formations


def test_registration_is_open_from_its_first_instant_to_just_before_its_deadline():
    opens = timezone.now().replace(microsecond=0) - timedelta(days=1)
    closes = opens + timedelta(days=15)
    period = SelectionPeriodFactory(registration_opens_at=opens, registration_closes_at=closes)
    FormationFactory(period=period)
    assert _open_both_ways(period, opens - US) == (False, False, False)
    assert _open_both_ways(period, opens) == (True, True, True)
    assert _open_both_ways(period, closes - US) == (True, True, True)
    assert _open_both_ways(period, closes) == (False, False, False)


def test_registration_is_closed_when_unpublished_or_marked_closed():
    now = timezone.now()
    unpublished = SelectionPeriodFactory(is_published=False)
    marked = SelectionPeriodFactory()
    SelectionPeriod.objects.filter(pk=marked.pk).update(registration_closed=True)
    marked.refresh_from_db()
    for period in (unpublished, marked):
        FormationFactory(period=period)
        assert _open_both_ways(period, now) == (False, False, False)


def test_an_unpublished_formation_takes_no_registration():
    formation = FormationFactory(is_published=False)
    assert formation.period.is_registration_open()
    assert not Formation.objects.open_for_registration().filter(pk=formation.pk).exists()
    assert rules.registration_refusal(formation)


def test_missing_documents_keep_the_order_given():
    first, second, third = (
        type("Requirement", (), {"pk": pk, "__repr__": lambda self, pk=pk: f"R{pk}"})()
        for pk in (1, 2, 3)
    )
    assert rules.missing_documents([first, second, third], [2]) == [first, third]
    assert rules.missing_documents([first], [1, 2]) == []
