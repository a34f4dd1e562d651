"""The document slots of an application, shaped for `recruitment/_document_slot.html`."""

from dataclasses import dataclass

from core import photos
from core.pagecache import remember
from recruitment import rules
from recruitment.cache import APPLICATIONS
from recruitment.defaults import PHOTO_DEFAULT_DIMENSIONS, PHOTO_DIMENSIONS
from recruitment.models import Application, Document, DocumentRequirement, Formation

# Image slots take any photo a phone takes (core.photos makes it a JPEG that fits).
ACCEPT = {
    DocumentRequirement.Format.JPEG: photos.ACCEPT,
    DocumentRequirement.Format.PDF: ".pdf,application/pdf",
}


def is_photo_slot(requirement: DocumentRequirement) -> bool:
    return requirement.file_format == DocumentRequirement.Format.JPEG


def photo_rules(requirement: DocumentRequirement) -> photos.PhotoRules:
    """What an image slot keeps: its byte limit, within its largest dimensions."""
    width, height = PHOTO_DIMENSIONS.get(requirement.slug, PHOTO_DEFAULT_DIMENSIONS)
    return photos.PhotoRules(max_bytes=requirement.max_bytes, max_width=width, max_height=height)


def upload_max_bytes(requirement: DocumentRequirement) -> int:
    """How much of an upload to a slot is received at all: a photo may be far larger than the
    slot keeps (it is made smaller), a PDF is stored as it is sent."""
    if is_photo_slot(requirement):
        return max(photos.RAW_MAX_BYTES, requirement.max_bytes)
    return requirement.max_bytes


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

    @property
    def is_photo(self) -> bool:
        return is_photo_slot(self.requirement)

    @property
    def photo_rules(self) -> photos.PhotoRules | None:
        return photo_rules(self.requirement) if self.is_photo else None

    @property
    def upload_max_bytes(self) -> int:
        return upload_max_bytes(self.requirement)

    @property
    def upload_limit_label(self) -> str:
        """How large an upload may be, e.g. "15 MB", in the active language."""
        return photos.size_label(self.upload_max_bytes)

    @property
    def photo_box(self) -> str:
        """The largest photo kept, e.g. "600 × 800" ("" for a PDF slot)."""
        rules = self.photo_rules
        return photos.dimensions(rules.max_width, rules.max_height) if rules else ""


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
