"""The document slots of an application, shaped for `recruitment/_document_slot.html`."""

from dataclasses import dataclass

from core.pagecache import remember
from recruitment import rules
from recruitment.cache import APPLICATIONS
from recruitment.models import Application, Document, DocumentRequirement, Formation

ACCEPT = {
    DocumentRequirement.Format.JPEG: ".jpg,.jpeg,image/jpeg",
    DocumentRequirement.Format.PDF: ".pdf,application/pdf",
}


@dataclass(frozen=True)
class Slot:
    requirement: DocumentRequirement
    required: bool
    current: Document | None
    versions: int  # every version kept, the current one included
    editable: bool  # the applicant may still upload (a draft while registration is open)

    @property
    def earlier_versions(self) -> int:
        return max(self.versions - 1, 0) if self.current else self.versions

    @property
    def accept(self) -> str:
        return ACCEPT[self.requirement.file_format]


def documents_editable(application: Application) -> bool:
    """The upload service's rule (recruitment.rules.document_refusal), for display."""
    return rules.document_refusal(application) is None


def formation_slots(formation_id: int, period_id: int) -> list[tuple[DocumentRequirement, bool]]:
    """The period's document slots in order, each with whether the formation requires it: the
    same for every application to the formation, so kept in the cache until the recruitment
    data every application page shows change (a slot or a formation edited)."""

    def read():
        required = set(
            Formation.required_documents.through.objects.filter(
                formation_id=formation_id
            ).values_list("documentrequirement_id", flat=True)
        )
        requirements = DocumentRequirement.objects.filter(period_id=period_id)
        return [(r, r.pk in required) for r in requirements.order_by("order", "name")]

    return remember(f"formation-slots:{formation_id}", (APPLICATIONS,), read)


def document_slots(application: Application) -> list[Slot]:
    """Every slot of the application's period, required ones flagged, in the period's order.

    One query, for the application's documents (every version: a handful per slot), once the
    formation's slots are in the cache (`formation_slots`; two more when they are not) and
    `application.formation` and `application.period` are loaded (the access helpers load
    both)."""
    current, versions = {}, {}
    for document in Document.objects.filter(application=application):
        versions[document.requirement_id] = versions.get(document.requirement_id, 0) + 1
        if document.is_current:
            current[document.requirement_id] = document
    editable = documents_editable(application)
    return [
        Slot(
            requirement=requirement,
            required=required,
            current=current.get(requirement.pk),
            versions=versions.get(requirement.pk, 0),
            editable=editable,
        )
        for requirement, required in formation_slots(
            application.formation_id, application.period_id
        )
    ]


def document_slot(application: Application, requirement: DocumentRequirement) -> Slot:
    """One slot, for the upload page and the fragment answered to a script."""
    documents = list(Document.objects.filter(application=application, requirement=requirement))
    required = application.formation.required_documents.filter(pk=requirement.pk).exists()
    return Slot(
        requirement=requirement,
        required=required,
        current=next((doc for doc in documents if doc.is_current), None),
        versions=len(documents),
        editable=documents_editable(application),
    )


def missing_from(slots: list[Slot]) -> list[DocumentRequirement]:
    """The required documents not uploaded yet (recruitment.rules.missing_documents), from slots
    already read: no query."""
    return rules.missing_documents(
        [slot.requirement for slot in slots if slot.required],
        [slot.requirement.pk for slot in slots if slot.current is not None],
    )
