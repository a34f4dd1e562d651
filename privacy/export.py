"""'My data': everything the portal holds about one person, as data.json plus their own files,
in a zip written to a temporary file (bounded memory, whatever the size of the uploads).

Only the person's own data goes in: each app says what that is (core.personaldata.register_export).
Records made by staff about them say "staff" instead of a name; other people's posts (replies on
the person's topic, for instance) are left out.
"""

import json
import logging
import shutil
import tempfile
import zipfile

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from core.personaldata import Export, export_sections

logger = logging.getLogger(__name__)


def export_data(user) -> tuple[dict, list[tuple[str, str]]]:
    """The person's data and the list of their files (storage name, name in the zip)."""
    export = Export(user)
    data = {
        "exported_at": timezone.localtime().isoformat(),
        "portal": settings.SITE_URL,
        "privacy_notice_version": settings.PRIVACY_NOTICE_VERSION,
        **export_sections(export),
    }
    return data, export.files


def export_zip(user):
    """A temporary file holding the zip; the caller streams it and closes it."""
    data, files = export_data(user)
    missing = []
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the response that streams it
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for storage_name, zip_name in files:
            try:
                with (
                    default_storage.open(storage_name, "rb") as source,
                    archive.open(zip_name, "w") as target,
                ):
                    shutil.copyfileobj(source, target, 64 * 1024)
            except (FileNotFoundError, OSError):
                missing.append(zip_name)
        data["missing_files"] = missing
        archive.writestr(
            "data.json",
            json.dumps(data, ensure_ascii=False, indent=2, default=str),
        )
    spool.seek(0)
    logger.info(
        "personal data exported: user=%s files=%s missing=%s", user.pk, len(files), len(missing)
    )
    return spool
