"""Checking uploads, shared by every app that accepts files: what a file really is, and a cap
on how much of a request is kept at all. Photos are made to fit in `core.photos`.

A plain module: it imports no app, so recruitment (documents) and forums (topic photos) both
depend on it and never on each other. Nothing about an upload is trusted: not its name, not the
browser's content type. The bytes decide."""

import io
from functools import wraps

import filetype
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

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


class SizeLimitUploadHandler(FileUploadHandler):
    """Put first in `request.upload_handlers`: once a file passes `limit`, its remaining bytes
    are counted and dropped instead of being buffered in memory or written to a temporary file.
    The view then receives an empty stand-in that carries the real size, and the service refuses
    it with that size in the message."""

    def __init__(self, request, *, limit: int):
        super().__init__(request)
        self.limit = limit
        self.oversize = False

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.oversize = False

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.oversize = True
        return None if self.oversize else raw_data  # None: later handlers get nothing more

    def file_complete(self, file_size):
        if not self.oversize:
            return None  # the default handlers hold the file
        return InMemoryUploadedFile(
            io.BytesIO(), self.field_name, self.file_name, self.content_type, file_size, None
        )


def limit_upload(request, limit: int) -> None:
    """Keep at most `limit` bytes of each file of this request. Must run before anything reads
    request.POST or request.FILES (the CSRF check does): see `upload_limit`."""
    request.upload_handlers.insert(0, SizeLimitUploadHandler(request, limit=limit))


def upload_limit(limit: int):
    """A view decorator (the outermost one): files of the request are kept up to `limit` bytes,
    then the CSRF token is checked as usual (Django's docs: the handlers must be in place before
    the middleware reads the form)."""

    def decorator(view):
        protected = csrf_protect(view)

        @wraps(view)
        def limited(request, *args, **kwargs):
            limit_upload(request, limit)
            return protected(request, *args, **kwargs)

        return csrf_exempt(limited)

    return decorator
