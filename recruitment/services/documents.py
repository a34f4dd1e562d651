"""The applicant's documents: check what an upload really is, then keep it as a new version.

Nothing about an upload is trusted: not its name, not the browser's content type, not its
declared size. The bytes decide. Photos (JPEG, PNG, WebP, HEIC, as a phone takes them) are made
to fit the slot by core.photos: turned upright, scaled down, saved afresh as a JPEG without EXIF
(GPS position, camera serial) or anything appended after the image; what is stored, and
checksummed, is that fresh file. PDFs must parse and must not look like a web page to a browser
that sniffs; they are stored as sent. Accepted files get a server-generated name in private
storage; refused ones are never written anywhere."""

import hashlib
import io
import logging
import re
import secrets
from dataclasses import dataclass

import filetype
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from pypdf import PdfReader

from core import photos, uploads
from recruitment import rules
from recruitment.models import Application, Document, DocumentRequirement
from recruitment.selectors.documents import is_photo_slot, photo_rules, upload_max_bytes
from recruitment.services.applications import ApplicationError

logger = logging.getLogger(__name__)

Format = DocumentRequirement.Format

READ_CHUNK = 64 * 1024
PDF_SCRIPT = re.compile(rb"/(?:JavaScript|JS)\b")
CONTENT_TYPES = {Format.JPEG: ("jpg", "image/jpeg"), Format.PDF: ("pdf", "application/pdf")}
CONTENT_TYPE_BY_EXTENSION = dict(CONTENT_TYPES.values())


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    extension: str
    content_type: str
    summary: str = ""  # what was done to the file, for the person (a photo made smaller)


def document_upload(
    *, application: Application, requirement: DocumentRequirement, uploaded_file, user
) -> Document:
    """Store a new version of one document slot and make it the current one.

    Refusals raise ApplicationError with the reason; they change nothing, so the earlier valid
    version stays current. The heavy checks run before the application row is locked. The
    document returned carries `upload_summary`: what was done to a photo, to tell the applicant
    ("" for a PDF, which is stored as sent)."""
    if application.applicant_id != user.pk:
        raise ApplicationError(_("Only the applicant can upload documents to an application."))
    if requirement.period_id != application.period_id:
        raise ApplicationError(_("This document does not belong to the application's selection."))
    _ensure_editable(application)
    try:
        checked = check_document(uploaded_file, requirement)
    except ApplicationError as refusal:
        logger.info(
            "document refused: application=%s slot=%s reason=%s",
            application.pk,
            requirement.slug,
            refusal,
        )
        raise
    document = _store(
        application=application,
        requirement=requirement,
        checked=checked,
        original_name=clean_original_name(getattr(uploaded_file, "name", "") or ""),
    )
    document.upload_summary = checked.summary
    return document


def document_open(document: Document) -> File:
    """The stored file, opened for reading, for a streaming response (the caller closes it)."""
    return document.file.storage.open(document.file.name, "rb")


def document_content_type(document: Document) -> str:
    """From the stored file's own extension: what we checked, not what the browser said."""
    return CONTENT_TYPE_BY_EXTENSION[document.extension]


def document_filename(document: Document) -> str:
    """A download name built from our own values only, e.g. RKP-2026-000042-ijazah-v3.pdf."""
    application = document.application
    reference = application.registration_number or f"application-{application.pk}"
    return f"{reference}-{document.requirement.slug}-v{document.version}.{document.extension}"


def clean_original_name(name: str) -> str:
    """The name as the applicant knows it, for display only: no folders, no control characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:200]


# --- checks ----------------------------------------------------------------------------------


def check_document(uploaded_file, requirement: DocumentRequirement) -> CheckedFile:
    """Read at most one byte past what the slot receives (a photo: up to core.photos'
    RAW_MAX_BYTES, made smaller afterwards; a PDF: the slot's limit), then check the content
    against the slot's format."""
    limit = upload_max_bytes(requirement)
    # Django counts an UploadedFile's size from the bytes it received, not from the browser's
    # claim; the view's upload handler hands over an oversize file as an empty stand-in.
    declared = getattr(uploaded_file, "size", None)
    if declared and declared > limit:
        raise _too_large(requirement, declared)
    data = _read_at_most(uploaded_file, limit + 1)
    if not data:
        raise ApplicationError(_("The file is empty. Choose the file again and upload it."))
    if len(data) > limit:
        raise _too_large(requirement, None)
    if is_photo_slot(requirement):
        return _check_photo(data, requirement)
    return _check_pdf(data)


def _read_at_most(uploaded_file, size: int) -> bytes:
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    buffer = bytearray()
    while len(buffer) < size:
        chunk = uploaded_file.read(min(READ_CHUNK, size - len(buffer)))
        if not chunk:
            break
        buffer += chunk
    return bytes(buffer)


def _too_large(requirement: DocumentRequirement, size: int | None) -> ApplicationError:
    if is_photo_slot(requirement):
        return ApplicationError(photos.too_large(size).message)
    if size is None:
        return ApplicationError(
            _("The file is larger than the limit of %(limit)s KB for this document.")
            % {"limit": requirement.max_kb}
        )
    return ApplicationError(
        _("The file is %(size)s KB; the limit for this document is %(limit)s KB.")
        % {"size": _kb(size), "limit": requirement.max_kb}
    )


def _kb(size: int) -> int:
    return uploads.kb(size)


def _wrong_type(data: bytes, expected: str) -> ApplicationError:
    """Say what the file really is, whatever its name claims."""
    return ApplicationError(uploads.wrong_type(data, expected).message)


def _looks_like_html(data: bytes) -> bool:
    return uploads.looks_like_html(data)


def _check_photo(data: bytes, requirement: DocumentRequirement) -> CheckedFile:
    """The shared check and re-encoding (core.photos), to the slot's size and byte limit."""
    try:
        photo = photos.photo_prepare(data, photo_rules(requirement))
    except uploads.UploadRejected as refusal:
        raise ApplicationError(refusal.message) from None
    extension, content_type = CONTENT_TYPES[Format.JPEG]
    return CheckedFile(photo.data, extension, content_type, summary=photo.summary())


def _check_pdf(data: bytes) -> CheckedFile:
    kind = filetype.guess(data)
    if kind is None or kind.mime != "application/pdf":
        raise _wrong_type(data, "PDF")
    if _looks_like_html(data):
        # A polyglot: a browser that sniffs would run it as a web page.
        raise ApplicationError(
            _("The PDF contains web-page code (HTML or script) and was refused. Save or print "
              "the document again as a PDF.")
        )  # fmt: skip
    unreadable = ApplicationError(
        _("The PDF could not be read. It may be damaged; save or print it again as a PDF.")
    )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ApplicationError(
                _("The PDF is protected with a password (encrypted). Upload it without one.")
            )
        if len(reader.pages) < 1:
            raise ApplicationError(_("The PDF has no pages."))
        has_script = _pdf_has_script(reader)
    except ApplicationError:
        raise
    except Exception:  # pypdf raises many kinds of errors for broken or hostile files
        raise unreadable from None
    if has_script or PDF_SCRIPT.search(data):
        raise ApplicationError(
            _("The PDF contains scripts, actions or attached files and was refused. Save or "
              "print the document again as a plain PDF.")
        )  # fmt: skip
    extension, content_type = CONTENT_TYPES[Format.PDF]
    return CheckedFile(data, extension, content_type)


# Names that make a PDF act rather than show: scripts, launching programs, sending or importing
# data, embedded files and media. pypdf decodes escaped names (/J#61vaScript), so every object
# of the file is walked, compressed object streams included.
ACTIVE_PDF_NAMES = frozenset(
    {
        "/JavaScript", "/JS", "/Launch", "/AA", "/ImportData", "/SubmitForm", "/GoToE",
        "/EmbeddedFiles", "/EmbeddedFile", "/RichMedia", "/XFA",
    }
)  # fmt: skip
MAX_PDF_OBJECTS = 50_000


def _pdf_has_script(reader: PdfReader) -> bool:
    """True when any object of the file carries an active name, as a key or as a value."""
    size = int(reader.trailer.get("/Size", 0))
    seen: set[int] = set()
    stack = [reader.trailer]
    for number in range(1, min(size, MAX_PDF_OBJECTS)):
        try:
            stack.append(reader.get_object(number))
        except Exception:  # noqa: S112 - free or broken entries are skipped, not trusted
            continue
    while stack:
        item = stack.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, dict):
            for key, value in item.items():
                if key in ACTIVE_PDF_NAMES or (
                    isinstance(value, str) and value in ACTIVE_PDF_NAMES
                ):
                    return True
                if isinstance(value, (dict, list)):
                    stack.append(value)
        elif isinstance(item, list):
            for value in item:
                if isinstance(value, str) and value in ACTIVE_PDF_NAMES:
                    return True
                if isinstance(value, (dict, list)):
                    stack.append(value)
    return False


# --- storing ---------------------------------------------------------------------------------


def _ensure_editable(application: Application) -> None:
    refusal = rules.document_refusal(application)
    if refusal:
        raise ApplicationError(refusal)


@transaction.atomic
def _store(
    *,
    application: Application,
    requirement: DocumentRequirement,
    checked: CheckedFile,
    original_name: str,
) -> Document:
    # The row lock serialises uploads to one application: two parallel uploads to the same slot
    # get versions n+1 and n+2, and exactly one of them is current.
    locked = (
        Application.objects.select_for_update()
        .select_related("formation__period")
        .get(pk=application.pk)
    )
    _ensure_editable(locked)  # the applicant may have finalised while we were checking
    slot_documents = Document.objects.filter(application=locked, requirement=requirement)
    version = (slot_documents.aggregate(last=Max("version"))["last"] or 0) + 1
    slot_documents.filter(is_current=True).update(is_current=False)
    document = Document(
        application=locked,
        requirement=requirement,
        version=version,
        is_current=True,
        token=secrets.token_hex(16),
        extension=checked.extension,
        original_name=original_name or f"{requirement.slug}.{checked.extension}",
        content_type=checked.content_type,
        size=len(checked.data),
        sha256=hashlib.sha256(checked.data).hexdigest(),
    )
    document.file.save("upload", ContentFile(checked.data), save=False)  # name from upload_to
    try:
        document.full_clean(validate_unique=False, validate_constraints=False)
        document.save()
    except Exception:
        document.file.storage.delete(document.file.name)  # no row, no file
        raise
    return document
