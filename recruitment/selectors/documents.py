"""The document slots of an application, shaped for `recruitment/_document_slot.html`."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce

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
    """The same rule as the upload service, for display: a draft while registration is open."""
    return (
        application.status == Application.Status.DRAFT
        and application.formation.is_published
        and application.period.is_registration_open()
    )


def document_slots(application: Application) -> list[Slot]:
    """Every slot of the application's period, required ones flagged, in the period's order.

    Two queries: the slots (with "required" and the version count annotated) and their current
    documents, once `application.formation` and `application.period` are loaded (the access
    helpers load both)."""
    required = Formation.required_documents.through.objects.filter(
        formation_id=application.formation_id, documentrequirement_id=OuterRef("pk")
    )
    # Counted per requirement in a subquery on this application's documents: a join with every
    # document of the requirement (all applicants') took 165 ms at 50,000 applications.
    versions = (
        Document.objects.filter(application=application, requirement_id=OuterRef("pk"))
        .order_by()
        .values("requirement_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    requirements = (
        DocumentRequirement.objects.filter(period_id=application.period_id)
        .annotate(
            is_required=Exists(required),
            version_count=Coalesce(Subquery(versions), 0),
        )
        .prefetch_related(
            Prefetch(
                "documents",
                queryset=Document.objects.filter(application=application, is_current=True),
                to_attr="current_documents",
            )
        )
        .order_by("order", "name")
    )
    editable = documents_editable(application)
    return [
        Slot(
            requirement=requirement,
            required=requirement.is_required,
            current=next(iter(requirement.current_documents), None),
            versions=requirement.version_count,
            editable=editable,
        )
        for requirement in requirements
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
    """The required documents not uploaded yet, from slots already read (the same answer as
    `services.applications.missing_documents`, without its two queries)."""
    return [slot.requirement for slot in slots if slot.required and slot.current is None]
