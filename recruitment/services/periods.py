"""HR's side of periods: the default rule values a new period starts with."""

from django.db import transaction

from recruitment.defaults import DOCUMENTS
from recruitment.models import DocumentRequirement, SelectionPeriod


@transaction.atomic
def period_add_default_documents(*, period: SelectionPeriod) -> list[DocumentRequirement]:
    """The DOMAIN.md 1.3 document slots, created when missing (HR's edits are kept)."""
    created = []
    for order, (slug, name, name_en, file_format, max_kb, _required) in enumerate(DOCUMENTS):
        requirement, _ = DocumentRequirement.objects.get_or_create(
            period=period,
            slug=slug,
            defaults={
                "name": name,
                "name_en": name_en,
                "file_format": file_format,
                "max_kb": max_kb,
                "order": order,
            },
        )
        created.append(requirement)
    return created


def default_required_slugs() -> list[str]:
    return [slug for slug, *_rest, required in DOCUMENTS if required]
