"""The kernel's PDF helpers (core/pdf.py): nothing is fetched while drawing, the QR code reads back
as its data, a phone photo is turned upright, cropped to 3:4 and made small, and an unreadable
one is left out rather than failing the document."""

import base64
import io

import pytest
import segno
from PIL import Image
from weasyprint import HTML

from core.pdf import PHOTO_PIXELS, no_fetching, photo_data_uri, qr_svg
from tests.pdf_checks import draw_pdf, photo_bytes

URL = "https://portal.rakumpit.go.id/recruitment/verify/ABCDEFGHJKLM/"


def decoded(uri: str) -> Image.Image:
    assert uri.startswith("data:image/jpeg;base64,")
    return Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))


@pytest.mark.parametrize(
    "url", ["http://example.org/x.css", "https://example.org/x.png", "file:///etc/passwd"]
)
def test_it_fetches_no_file_and_no_network(url):
    with pytest.raises(ValueError, match="disallowed protocol"):
        no_fetching().fetch(url)


def test_it_draws_a_qr_code_that_reads_back_as_its_data():
    html = f"<style>@page {{ size: A6 }} svg {{ width: 30mm; height: 30mm }}</style>{qr_svg(URL)}"
    drawn = draw_pdf(HTML(string=html, url_fetcher=no_fetching()).write_pdf())
    assert drawn.qr_codes() == [URL]


def test_it_writes_the_qr_code_as_modules_only():
    svg = str(qr_svg(URL + "<script>"))
    assert svg.startswith("<svg") and "<script" not in svg and "portal" not in svg
    # The same modules segno draws for the address: nothing added, nothing lost.
    assert str(qr_svg(URL)) == segno.make_qr(URL, error="m", boost_error=False).svg_inline(
        border=4, omitsize=True, dark="#000", light="#fff", svgclass="qr"
    )


def test_it_makes_a_big_phone_photo_a_small_3_by_4_jpeg():
    content = photo_bytes((10, 120, 40), size=(3000, 4000), quality=95)
    photo = decoded(photo_data_uri(content))

    assert photo.size == PHOTO_PIXELS
    assert len(photo_data_uri(content)) < 40_000  # about 25 KB of JPEG in base64
    assert photo.getpixel((150, 200))[1] > 100  # still the photo's green


def test_it_crops_a_landscape_photo_around_its_centre():
    image = Image.new("RGB", (800, 400), (255, 255, 255))
    image.paste((0, 0, 200), (250, 0, 550, 400))  # a blue band in the middle third
    out = io.BytesIO()
    image.save(out, "PNG")

    photo = decoded(photo_data_uri(out.getvalue()))
    assert photo.size == PHOTO_PIXELS
    assert photo.getpixel((150, 200))[2] > 150  # the centre is kept
    assert photo.getpixel((5, 200))[2] > 150  # and fills the frame: the white sides are cut


def test_it_turns_a_sideways_phone_photo_upright():
    image = Image.new("RGB", (400, 300), (255, 255, 255))
    image.paste((200, 0, 0), (0, 0, 200, 300))  # red on the left as stored
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was turned: show it rotated 90 degrees clockwise
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)

    photo = decoded(photo_data_uri(out.getvalue()))
    # Upright, the stored left half is the top half of the portrait photo.
    assert photo.getpixel((150, 40))[0] > 150 and photo.getpixel((150, 40))[1] < 80
    assert min(photo.getpixel((150, 360))) > 200  # the white half below


def test_it_puts_a_transparent_png_on_white():
    image = Image.new("RGBA", (300, 400), (0, 0, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    photo = decoded(photo_data_uri(out.getvalue()))
    assert min(photo.getpixel((150, 200))) > 240


@pytest.mark.parametrize(
    "content",
    [None, b"", b"GIF89a not really", b"\xff\xd8\xff\xe0 truncated jpeg", b"x" * (11 << 20)],
    ids=["none", "empty", "not-an-image", "truncated", "too-big"],
)
def test_it_leaves_out_a_photo_it_cannot_read(content):
    assert photo_data_uri(content) == ""
