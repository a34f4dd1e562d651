"""core.photos: a phone photo made to fit a slot, with real files made here (tests/photos.py).

What is kept must be an upright RGB JPEG within the slot's dimensions and bytes, carrying no
metadata; a refusal happens only when fitting is impossible, and says what to do."""

import io
import math

import pytest
from django.utils import translation
from PIL import ExifTags, Image, ImageFile, JpegImagePlugin

from core import photos
from core.photos import PhotoRules, photo_prepare
from core.uploads import UploadRejected
from tests.photos import (
    CAMERA,
    encoded,
    heic,
    jpeg_with_header_size,
    noisy_jpeg,
    phone_exif,
    phone_jpeg,
    plain_jpeg,
    png_with_header_size,
    srgb_profile,
    stored_pixels,
    swapped_profile,
    transparent_png,
)

PAS_FOTO = PhotoRules(max_bytes=200 * 1024, max_width=600, max_height=800)


@pytest.fixture(scope="module")
def phone_photo() -> bytes:
    return phone_jpeg()


def assert_clean(data: bytes) -> None:
    """A JPEG carrying the pixels only: no EXIF, GPS, XMP or colour profile."""
    image = stored_pixels(data)
    assert (image.format, image.mode) == ("JPEG", "RGB")
    assert dict(image.getexif()) == {}
    assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    for key in ("exif", "icc_profile", "xmp", "XML:com.adobe.xmp"):
        assert key not in image.info, key
    assert CAMERA.encode() not in data


def is_red(pixel) -> bool:
    red, green, blue = pixel
    return red > 180 and green < 90 and blue < 90


# --- a phone photo, made to fit -------------------------------------------------------------------


def test_it_turns_scales_and_compresses_a_phone_photo_to_the_slot(phone_photo):
    assert 2 * 1024 * 1024 < len(phone_photo) <= photos.RAW_MAX_BYTES  # a real-sized photo

    photo = photo_prepare(phone_photo, PAS_FOTO)

    assert len(photo.data) <= PAS_FOTO.max_bytes
    image = stored_pixels(photo.data)
    # 4032 × 3024 on the sensor, held upright (orientation 6): 3024 × 4032 as seen, 600 × 800 kept.
    assert image.size == (photo.width, photo.height) == (600, 800)
    assert (photo.source_width, photo.source_height) == (3024, 4032)
    # The sensor's top-left corner is the top-right one once turned 90° clockwise.
    assert is_red(image.getpixel((590, 10)))
    assert not is_red(image.getpixel((10, 10)))
    assert_clean(photo.data)
    assert photo.had_location and photo.had_metadata


def test_it_says_what_it_did_with_the_numbers_of_each_language(phone_photo):
    photo = photo_prepare(phone_photo, PAS_FOTO)
    megabytes = round(len(phone_photo) / 1024 / 1024, 1)
    kilobytes = math.ceil(len(photo.data) / 1024)

    with translation.override("en"):
        english = photo.summary()
    with translation.override("id"):
        indonesian = photo.summary()

    assert english == (
        f"The photo was reduced from 3024 × 4032, {megabytes} MB to 600 × 800, {kilobytes} KB. "
        "Its location (GPS) and camera data were removed."
    )
    assert f"{megabytes} MB".replace(".", ",") in indonesian  # "3,5 MB", never "3.5 MB"
    assert f"{megabytes} MB" not in indonesian


def test_it_decodes_a_large_jpeg_at_a_reduced_scale(monkeypatch, phone_photo):
    # One decode per upload, and a cheap one: Pillow's draft mode picks 1/2, 1/4 or 1/8 scale.
    requested = []
    draft = JpegImagePlugin.JpegImageFile.draft

    def spy(self, mode, size):
        result = draft(self, mode, size)
        requested.append((size, self.size))
        return result

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)

    photo_prepare(phone_photo, PAS_FOTO)

    [(size, decoded)] = requested
    assert size == (800, 600)  # the target in the sensor's orientation
    assert decoded == (1008, 756)  # a quarter of 4032 × 3024, still covering the target


def test_it_never_enlarges_a_small_photo_and_says_it_is_kept():
    photo = photo_prepare(plain_jpeg((120, 160)), PAS_FOTO)

    assert stored_pixels(photo.data).size == (120, 160)
    with translation.override("en"):
        assert photo.summary() == "The photo is kept at 120 × 160 pixels, 1 KB."


def test_it_keeps_a_landscape_photo_within_the_box():
    photo = photo_prepare(phone_jpeg((2000, 1500), orientation=1), PAS_FOTO)

    assert stored_pixels(photo.data).size == (600, 450)


# --- the byte limit at its edge -------------------------------------------------------------------


def test_a_photo_exactly_at_the_limit_is_accepted_and_still_cleaned():
    # Decision: even a photo that already fits is decoded and saved afresh (its GPS position
    # must go), and what is kept is at most the limit.
    sent = plain_jpeg((600, 800), exif=phone_exif())
    rules = PhotoRules(max_bytes=len(sent), max_width=600, max_height=800)

    photo = photo_prepare(sent, rules)

    assert len(photo.data) <= rules.max_bytes
    assert_clean(photo.data)


def test_a_photo_one_byte_over_the_limit_is_made_to_fit_not_refused():
    sent = phone_jpeg((600, 800), orientation=1, quality=95)
    rules = PhotoRules(max_bytes=len(sent) - 1, max_width=600, max_height=800)

    photo = photo_prepare(sent, rules)

    assert len(photo.data) <= rules.max_bytes
    assert stored_pixels(photo.data).size == (600, 800)  # fitted by quality, not by size


def test_it_lowers_the_quality_before_the_size():
    sent = noisy_jpeg(500, quality=95)
    rules = PhotoRules(max_bytes=len(noisy_jpeg(500, quality=60)) + 2048)

    photo = photo_prepare(sent, rules)

    assert stored_pixels(photo.data).size == (500, 500)
    assert len(photo.data) <= rules.max_bytes


def test_it_makes_the_photo_smaller_when_even_the_lowest_quality_does_not_fit():
    sent = noisy_jpeg(1000, quality=90)
    rules = PhotoRules(max_bytes=40 * 1024)

    photo = photo_prepare(sent, rules)

    assert len(photo.data) <= rules.max_bytes
    assert 320 <= photo.width < 1000 and photo.width == photo.height


def test_it_refuses_a_photo_that_cannot_fit_without_going_below_the_minimum():
    rules = PhotoRules(max_bytes=40 * 1024, min_width=900, min_height=900)

    with (
        translation.override("en"),
        pytest.raises(UploadRejected, match="Even at 1000 × 1000 pixels and a low quality"),
    ):
        photo_prepare(noisy_jpeg(1000, quality=90), rules)


# --- other formats --------------------------------------------------------------------------------


def test_it_lays_a_transparent_png_on_white():
    photo = photo_prepare(transparent_png(), PhotoRules(max_bytes=100 * 1024))

    image = stored_pixels(photo.data)
    assert image.size == (800, 600)
    assert all(channel > 245 for channel in image.getpixel((700, 300)))  # white, not black
    assert image.getpixel((100, 300))[2] > 150  # the opaque half keeps its blue
    with translation.override("en"):
        assert "It was converted from PNG to JPEG." in photo.summary()


def test_it_accepts_an_heic_photo_and_drops_its_location():
    sent = heic()

    photo = photo_prepare(sent, PhotoRules(max_bytes=200 * 1024, max_width=800, max_height=800))

    assert stored_pixels(photo.data).size == (800, 600)
    assert_clean(photo.data)
    assert photo.source_format == "HEIC" and photo.had_location
    with translation.override("en"):
        assert "It was converted from HEIC to JPEG." in photo.summary()


@pytest.mark.parametrize(
    ("image", "fmt", "params"),
    [
        (Image.new("RGB", (640, 480), (10, 200, 30)), "WEBP", {"quality": 90}),
        (Image.new("CMYK", (640, 480), (0, 80, 80, 0)), "JPEG", {}),
        (Image.new("L", (640, 480), 128), "JPEG", {}),
        (Image.new("I;16", (640, 480), 40000), "PNG", {}),
        (Image.new("P", (640, 480), 3), "PNG", {"transparency": 3}),
        (Image.new("RGB", (640, 480), (10, 200, 30)), "JPEG", {"icc_profile": srgb_profile()}),
    ],
    ids=["webp", "cmyk-jpeg", "grey-jpeg", "16-bit-png", "palette-png", "jpeg-with-profile"],
)
def test_it_turns_every_kind_of_photo_into_a_clean_rgb_jpeg(image, fmt, params):
    photo = photo_prepare(encoded(image, fmt, **params), PhotoRules(max_bytes=100 * 1024))

    assert stored_pixels(photo.data).size == (640, 480)
    assert_clean(photo.data)


def test_it_converts_a_colour_profile_instead_of_dropping_it():
    # A photo in another colour space looks wrong once its profile is gone: its pixels are
    # converted to sRGB first. With this profile, what reads as red without it is blue.
    image = Image.new("RGB", (64, 64), (220, 30, 30))
    sent = encoded(image, "JPEG", icc_profile=swapped_profile(), quality=95)

    photo = photo_prepare(sent, PhotoRules(max_bytes=10240))

    red, _green, blue = stored_pixels(photo.data).getpixel((32, 32))
    assert blue > 180 and red < 80
    assert_clean(photo.data)


def test_it_drops_anything_hidden_after_the_photo():
    sent = plain_jpeg(exif=phone_exif()) + b"<html><script>alert(1)</script></html>"

    photo = photo_prepare(sent, PAS_FOTO)

    assert b"<script>" not in photo.data
    assert_clean(photo.data)


# --- refusals, each with what to do ---------------------------------------------------------------


def pdf() -> bytes:
    return encoded(Image.new("RGB", (10, 10)), "PDF")


REFUSALS = [
    ("pdf-renamed-jpg", pdf, "This file is a PDF file, not a photo, whatever its name says. "
     "Choose a photo (JPEG, PNG, WebP or HEIC); for a paper document, take a photo of it."),
    ("truncated-jpeg", lambda: phone_jpeg((800, 600), orientation=1)[:20_000],
     "The photo could not be read."),
    ("broken-jpeg", lambda: b"\xff\xd8\xff\xe0" + b"junk" * 100, "The photo could not be read."),
    ("cut-off-png", lambda: encoded(Image.effect_noise((64, 64), 80), "PNG")[:600],
     "The photo could not be read."),
    ("gif", lambda: encoded(Image.new("RGB", (64, 64)), "GIF"),
     "GIF images cannot be used here. Choose a photo (JPEG, PNG, WebP or HEIC)"),
    ("html", lambda: b"<!DOCTYPE html><html><script>alert(1)</script></html>",
     "This file is a web page (HTML), not a photo."),
    ("program", lambda: b"MZ\x90\x00\x03" + b"\x00" * 59 + b"PE\x00\x00" + b"\x00" * 200,
     "This file is a program, not a photo. Programs are never accepted."),
    ("unknown", lambda: b"hello, world\n" * 20,
     "This file is not a photo: its content does not match, whatever its name says."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("make", "reason"), [pytest.param(*case[1:], id=case[0]) for case in REFUSALS]
)
def test_it_refuses_what_is_not_a_usable_photo_and_says_what_to_do(make, reason):
    with translation.override("en"), pytest.raises(UploadRejected) as refusal:
        photo_prepare(make(), PAS_FOTO)

    assert refusal.value.message.startswith(reason)


@pytest.mark.parametrize(
    "make",
    [
        lambda: phone_jpeg((1600, 1200), orientation=1)[:30_000],
        lambda: encoded(Image.effect_noise((64, 64), 80), "PNG")[:600],
    ],
    ids=["jpeg", "png"],
)
def test_it_refuses_a_cut_off_photo_even_after_weasyprint_relaxed_pillow(monkeypatch, make):
    # Importing WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES, which completes a cut-off photo
    # with grey instead of failing; an upload must still be refused.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    cut_off = make()

    with translation.override("en"), pytest.raises(UploadRejected, match="could not be read"):
        photo_prepare(cut_off, PAS_FOTO)

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # put back for WeasyPrint


@pytest.mark.parametrize(
    "make",
    [
        lambda: png_with_header_size(20_000, 20_000),  # 400 megapixels: Pillow's own error
        lambda: png_with_header_size(10_000, 9_000),  # 90 megapixels: just over the guard
        lambda: jpeg_with_header_size(12_000, 8_000),
    ],
    ids=["png-400-mp", "png-90-mp", "jpeg-96-mp"],
)
def test_it_refuses_a_decompression_bomb_without_decoding_it(monkeypatch, make):
    decoded = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decoded.append(self))

    with translation.override("en"), pytest.raises(UploadRejected) as refusal:
        photo_prepare(make(), PAS_FOTO)

    assert "too large to process" in refusal.value.message or "more than can be processed" in (
        refusal.value.message
    )
    assert decoded == []
    assert Image.MAX_IMAGE_PIXELS == 89_478_485  # Pillow's guard is kept, not switched off


def test_it_names_the_dimensions_of_a_photo_over_the_guard():
    with translation.override("en"), pytest.raises(UploadRejected) as refusal:
        photo_prepare(png_with_header_size(10_000, 9_000), PAS_FOTO)

    assert refusal.value.message.startswith(
        "The photo is 10000 × 9000 pixels, more than can be processed."
    )


def test_it_refuses_a_photo_smaller_than_the_slot_needs():
    rules = PhotoRules(max_bytes=200 * 1024, min_width=300, min_height=400)

    with translation.override("en"), pytest.raises(UploadRejected) as refusal:
        photo_prepare(plain_jpeg((200, 300)), rules)

    assert refusal.value.message.startswith(
        "The photo is only 200 × 300 pixels; this document needs at least 300 × 400"
    )
    # Held sideways, a 400 × 300 sensor image is 300 × 400 as seen: enough.
    sideways = phone_jpeg((400, 300), orientation=6)
    assert stored_pixels(photo_prepare(sideways, rules).data).size == (300, 400)


def test_it_refuses_more_than_a_phone_sends_before_looking_at_it():
    with translation.override("en"), pytest.raises(UploadRejected) as refusal:
        photo_prepare(b"\xff\xd8\xff" + b"\x00" * 16 * 1024 * 1024, PAS_FOTO)
    assert refusal.value.message.startswith("The photo is 16 MB; photos up to 15 MB can be sent.")

    with translation.override("en"), pytest.raises(UploadRejected) as refusal:
        photo_prepare(b"\xff\xd8\xff" + b"\x00" * photos.RAW_MAX_BYTES, PAS_FOTO)
    assert refusal.value.message.startswith("The photo is larger than 15 MB.")


def test_the_kept_file_can_be_opened_by_anything_that_reads_a_jpeg(phone_photo):
    data = photo_prepare(phone_photo, PAS_FOTO).data

    assert data.startswith(b"\xff\xd8\xff") and data.endswith(b"\xff\xd9")
    with Image.open(io.BytesIO(data)) as image:
        image.verify()
