"""The documents the portal issues as PDFs (registration and exam cards, training certificates,
announcements): drawn by WeasyPrint from a template that carries its CSS inline, on white paper.

Drawing fetches nothing: no file and no network, so a document prints the same whatever is down
(docs/domain.md 1.14: a link outage once blocked card printing nationwide), and no URL that
ends up in a template (an applicant's name, say) is ever followed. The only resources are the
ones the portal puts into the page itself: the QR code as inline SVG and the holder's photo as a
`data:` URI, re-encoded here."""

import base64
import io

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from PIL import Image, ImageOps, UnidentifiedImageError
from weasyprint import HTML
from weasyprint.urls import URLFetcher

# A pas foto is 3 x 4 cm; 300 x 400 pixels prints it at 254 dpi, sharp on any office printer,
# in about 25 KB.
PHOTO_PIXELS = (300, 400)
# The largest photo file read: the biggest document slot a period may have (10 MB).
PHOTO_MAX_BYTES = 10 * 1024 * 1024


def no_fetching() -> URLFetcher:
    """A fetcher that fetches nothing: only `data:` URIs (the content is in the URI itself)."""
    return URLFetcher(allowed_protocols=frozenset({"data"}))


def render_pdf(template_name: str, context: dict, *, tighter: int = 0) -> bytes:
    """The template drawn as a PDF, in the active language.

    A card or a certificate is one sheet of paper. With `tighter` > 0, a document that runs onto a
    second page (a very long name or address) is drawn again up to that many times with `fit`
    1, 2... in its context: the template sets itself tighter (smaller type, less space) at each
    step. The first drawing that fits on one page is kept; failing that, the tightest."""
    for fit in range(tighter + 1):
        html = render_to_string(template_name, {**context, "fit": fit})
        document = HTML(string=html, url_fetcher=no_fetching()).render()
        if len(document.pages) == 1:
            break
    return document.write_pdf()


def site_url(path: str) -> str:
    """An absolute link to a path of the portal, at the address it is served at (SITE_URL:
    `make run` sets it to its own host and port unless the environment or .env says otherwise),
    for documents and e-mails that leave the browser."""
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def qr_svg(data: str) -> SafeString:
    """`data` as a QR code, inline SVG sized by its container's CSS. Error correction M (15 %)
    survives a fold or a smudge on a printed card; the quiet zone of 4 modules is the standard's."""
    code = segno.make_qr(data, error="m", boost_error=False)
    svg = code.svg_inline(border=4, omitsize=True, dark="#000", light="#fff", svgclass="qr")
    # Only modules and our own attributes: nothing of `data` appears as text in the markup.
    return mark_safe(svg)  # noqa: S308


def photo_data_uri(content: bytes | None) -> str:
    """A photo for a card: turned upright (EXIF), cropped to 3:4 around the centre, scaled to
    PHOTO_PIXELS and re-encoded as a small JPEG `data:` URI. "" when there is no photo or it cannot
    be read: the card then shows an empty photo box, never an error."""
    if not content or len(content) > PHOTO_MAX_BYTES:
        return ""
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.draft("RGB", (PHOTO_PIXELS[0] * 2, PHOTO_PIXELS[1] * 2))  # fast JPEG decode
            upright = ImageOps.exif_transpose(image)
            if upright.mode in ("RGBA", "LA", "P"):
                upright = upright.convert("RGBA")
                background = Image.new("RGB", upright.size, (255, 255, 255))
                background.paste(upright, mask=upright.getchannel("A"))
                upright = background
            photo = ImageOps.fit(upright.convert("RGB"), PHOTO_PIXELS, Image.Resampling.LANCZOS)
            out = io.BytesIO()
            photo.save(out, "JPEG", quality=85, optimize=True)
    except (OSError, ValueError, UnidentifiedImageError, Image.DecompressionBombError):
        return ""
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")
