"""The yearly JP rule values (docs/domain.md 3)."""

from django.db import transaction

from training.models import TrainingYearRule


@transaction.atomic
def training_year_rule_ensure(*, year: int) -> TrainingYearRule:
    """The year's rule row, created with the defaults of docs/domain.md 3 when missing (never
    changed)."""
    rule, _created = TrainingYearRule.objects.get_or_create(year=year)
    return rule
