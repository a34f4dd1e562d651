"""Reading the portal's PDFs as a person and a scanner would: the page drawn as an image
(pypdfium2), the QR codes on it decoded (zxing-cpp), the text extracted (pypdf), the paper size
and the number of pages. Each drawn page is also saved under test-artifacts/pdfs/ to look at."""

import io
import re
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
import zxingcpp
from PIL import Image, ImageChops
from pypdf import PdfReader

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "pdfs"
DPI = 150
MM_PER_POINT = 25.4 / 72
A4 = (210, 297)
A5 = (148, 210)


@dataclass
class DrawnPdf:
    pages: int
    size_mm: tuple[float, float]  # of the first page, width x height
    text: str  # every page's, whitespace collapsed
    image: Image.Image  # the first page, RGB at DPI

    @property
    def joined(self) -> str:
        """The text without whitespace: an address wrapped at the end of a line reads whole."""
        return self.text.replace(" ", "")

    @property
    def words(self) -> str:
        """The text in capitals: a heading set in capitals by CSS is extracted in capitals."""
        return self.text.upper()

    def qr_codes(self) -> list[str]:
        return [code.text for code in zxingcpp.read_barcodes(self.image)]

    def pixels_near(self, colour: tuple[int, int, int], tolerance: int = 40) -> int:
        """How many pixels of the first page are within `tolerance` of `colour` on each channel."""
        masks = [
            band.point(lambda value, c=c: 255 if abs(value - c) <= tolerance else 0)
            for band, c in zip(self.image.split(), colour, strict=True)
        ]
        inside = ImageChops.multiply(ImageChops.multiply(masks[0], masks[1]), masks[2])
        return inside.histogram()[255]

    def is_size(self, paper: tuple[int, int], *, landscape: bool = False) -> bool:
        width, height = paper[::-1] if landscape else paper
        return abs(self.size_mm[0] - width) < 1 and abs(self.size_mm[1] - height) < 1


def mm_to_pixels(mm: float) -> int:
    return round(mm / 25.4 * DPI)


def draw_pdf(content: bytes, name: str = "") -> DrawnPdf:
    assert content.startswith(b"%PDF"), content[:80]
    document = pypdfium2.PdfDocument(content)
    try:
        page = document[0]
        width, height = page.get_size()
        image = page.render(scale=DPI / 72).to_pil().convert("RGB")
        pages = len(document)
    finally:
        document.close()
    reader = PdfReader(io.BytesIO(content))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    if name:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        image.save(ARTIFACTS / f"{name}.png")
    return DrawnPdf(
        pages=pages,
        size_mm=(width * MM_PER_POINT, height * MM_PER_POINT),
        text=text,
        image=image,
    )


def photo_bytes(colour=(200, 16, 32), size=(600, 800), fmt="JPEG", **save) -> bytes:
    """A phone photo stand-in: a plain colour the drawn page can be searched for."""
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, fmt, **save)
    return out.getvalue()
