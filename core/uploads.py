"""Checking and re-encoding uploaded JPEG photos, shared by every app that accepts one.

A plain module: it imports no app, so recruitment (documents) and forums (topic photos) both
depend on it and never on each other. Nothing about an upload is trusted: not its name, not the
browser's content type. The bytes decide. A JPEG is decoded and saved afresh with Pillow, which
drops EXIF (GPS position, camera serial) and anything appended after the image; its EXIF
orientation is applied to the pixels first, and its dimensions are capped before decoding
(a decompression bomb is refused, not decoded)."""

import io
import warnings

import filetype
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

# Quality steps for the re-encoded JPEG: the first that fits the limit wins.
JPEG_QUALITIES = (85, 80, 75, 70, 65, 60)
# Bigger dimensions than this are a decompression bomb, not a photo.
JPEG_MAX_PIXELS = 6_000_000  # 3000 x 2000 is plenty for a photo or an identity card scan
# Browsers sniff the first 1445 bytes (WHATWG MIME sniffing); look a little further.
SNIFF_BYTES = 2048
HTML_MARKERS = (
    b"<!doctype",
    b"<html",
    b"<head",
    b"<body",
    b"<script",
    b"<iframe",
    b"<svg",
    b"<object",
    b"<embed",
    b"<meta",
    b"<a href",
    b"javascript:",
)
EXECUTABLE_MIMES = {
    "application/x-msdownload",  # Windows PE (MZ)
    "application/x-executable",  # ELF
    "application/x-mach-binary",
    "application/x-sh",
    "application/x-shockwave-flash",
}


class UploadRejected(Exception):
    """An upload refused; str(exc) is the translated reason to show to the person."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def kb(size: int) -> int:
    return -(-size // 1024)  # rounded up: 200.1 KB must not read as "200 KB"


def looks_like_html(data: bytes) -> bool:
    head = data[:SNIFF_BYTES].lower()
    return any(marker in head for marker in HTML_MARKERS)


def wrong_type(data: bytes, expected: str) -> UploadRejected:
    """Say what the file really is, whatever its name claims."""
    kind = filetype.guess(data)
    if kind is not None and kind.mime in EXECUTABLE_MIMES:
        return UploadRejected(
            _("This file is a program, not a %(expected)s document. Programs are never accepted.")
            % {"expected": expected}
        )
    if looks_like_html(data):
        return UploadRejected(
            _("This file is a web page (HTML), not a %(expected)s document.")
            % {"expected": expected}
        )
    if kind is not None:
        return UploadRejected(
            _("This file is a %(found)s file, not a %(expected)s, whatever its name says.")
            % {"found": kind.extension.upper(), "expected": expected}
        )
    return UploadRejected(
        _("This file is not a %(expected)s: its content does not match, whatever its name says.")
        % {"expected": expected}
    )


def sanitise_jpeg(data: bytes, *, max_bytes: int) -> bytes:
    """The photo decoded, turned upright and saved afresh without metadata, at the best quality
    that fits `max_bytes`; UploadRejected with the reason otherwise."""
    kind = filetype.guess(data)
    if kind is None or kind.mime != "image/jpeg":
        raise wrong_type(data, "JPEG")
    unreadable = UploadRejected(
        _("The photo could not be read. It may be damaged; take or save it again as a JPEG.")
    )
    try:
        with warnings.catch_warnings():
            # Pillow only warns between 89 and 179 megapixels; our own, lower limit decides.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                # MPO: the multi-picture JPEG that many phone cameras write.
                if probe.format not in {"JPEG", "MPO"}:
                    raise unreadable
                if probe.width * probe.height > JPEG_MAX_PIXELS:
                    raise _too_many_pixels(probe.width, probe.height)
                probe.verify()
            # verify() leaves the image unusable: open again to decode every pixel.
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                pixels = _upright(image).convert("RGB")
    except UploadRejected:
        raise
    except Image.DecompressionBombError:
        raise _too_many_pixels(None, None) from None
    except Exception:  # Pillow raises many kinds of errors for broken or hostile files
        raise unreadable from None
    for quality in JPEG_QUALITIES:
        output = io.BytesIO()
        # No exif=, no icc_profile=: the fresh file carries the pixels and nothing else.
        pixels.save(output, format="JPEG", quality=quality, optimize=True)
        if output.tell() <= max_bytes:
            return output.getvalue()
    raise UploadRejected(
        _("Even after compression the photo is over %(limit)s KB. Reduce its dimensions "
          "(for example to 600 × 800 pixels) and try again.")
        % {"limit": max_bytes // 1024}
    )  # fmt: skip


def _upright(image: Image.Image) -> Image.Image:
    """Phone photos stand the right way up only through their EXIF orientation, which the fresh
    file drops: turn the pixels instead. A broken EXIF block is no reason to refuse the photo."""
    try:
        return ImageOps.exif_transpose(image)
    except Exception:
        return image


def _too_many_pixels(width: int | None, height: int | None) -> UploadRejected:
    if width is None:
        return UploadRejected(
            _("The photo's dimensions are too large to process. Make it smaller and try again.")
        )
    return UploadRejected(
        _("The photo is %(width)s × %(height)s pixels, too large to process. Make it smaller "
          "and try again.")
        % {"width": width, "height": height}
    )  # fmt: skip
