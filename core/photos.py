"""Phone photos made to fit a slot, so that nobody has to resize a photo before sending it.

A photo straight from a phone (JPEG, PNG, WebP, or HEIC/HEIF through the maintained pillow-heif)
of up to `RAW_MAX_BYTES` is decoded once, turned upright by its EXIF orientation, flattened onto
white when it has transparency, converted to sRGB, scaled down to the slot's largest dimensions and
saved afresh as a JPEG at the best quality that fits the slot's byte limit (smaller still when
even the lowest quality does not fit). The fresh file carries the pixels and nothing else: no
EXIF (GPS position, camera serial), no XMP, no colour profile, nothing appended after the image.
The person is told what was done (`PreparedPhoto.summary`).

Refused, with what to do, only when that is impossible: not a photo (whatever its name says), a
damaged file, more pixels than Pillow's decompression-bomb guard (`Image.MAX_IMAGE_PIXELS`)
allows, fewer pixels than the slot's minimum, or a photo that cannot be brought under the byte
limit without going below the slot's minimum dimensions."""

import io
import math
import threading
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

import filetype
import pillow_heif
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageCms, ImageFile, ImageOps

from core.uploads import EXECUTABLE_MIMES, UploadRejected, looks_like_html

pillow_heif.register_heif_opener()  # HEIC/HEIF: what iPhones take by default

# What a phone sends: up to ~15 MB (a 48-megapixel photo). Bigger is refused before decoding.
RAW_MAX_BYTES = 15 * 1024 * 1024
# Pillow's format name -> the name people know. MPO: the multi-picture JPEG many cameras write.
FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WebP", "HEIF": "HEIC"}
# The only decoders Pillow may try (its JPEG decoder opens MPO files too).
DECODERS = ["JPEG", "PNG", "WEBP", "HEIF"]
# What filetype calls the same formats (to tell a damaged photo from another kind of file).
MIMES = {"image/jpeg", "image/png", "image/webp", "image/heic", "image/heif"}
# What file pickers are asked to offer (extensions too: some phones send no content type).
ACCEPT = ".jpg,.jpeg,.png,.webp,.heic,.heif,image/jpeg,image/png,image/webp,image/heic,image/heif"
# Quality steps of the fresh JPEG, best first: the first that fits the byte limit wins.
QUALITIES = (90, 86, 82, 78, 74, 70, 66, 62, 58, 54, 50)
# When even the lowest quality does not fit, the dimensions shrink by this factor, step by step,
# down to the slot's minimum and never below SMALLEST_LONG_SIDE.
SHRINK = 0.8
SMALLEST_LONG_SIDE = 320
ORIENTATION_TURNS_SIDES = {5, 6, 7, 8}  # EXIF orientations that swap width and height
SRGB = ImageCms.createProfile("sRGB")
_STRICT_DECODING = threading.Lock()


@dataclass(frozen=True)
class PhotoRules:
    """What a slot keeps: at most `max_bytes`, within `max_width` × `max_height` pixels, and (when
    the slot needs detail, e.g. a readable identity card) at least `min_width` × `min_height`."""

    max_bytes: int
    max_width: int = 1600
    max_height: int = 1600
    min_width: int = 0
    min_height: int = 0


@dataclass(frozen=True)
class PreparedPhoto:
    data: bytes  # the fresh JPEG, at most the slot's max_bytes
    width: int
    height: int
    source_format: str  # "JPEG", "PNG", "WebP" or "HEIC"
    source_width: int  # upright, as the person sees the photo
    source_height: int
    source_bytes: int
    had_location: bool  # the photo carried a GPS position
    had_metadata: bool  # ... or any other EXIF or XMP data

    @property
    def resized(self) -> bool:
        return (self.width, self.height) != (self.source_width, self.source_height)

    def summary(self) -> str:
        """What was done, in the active language, e.g. "The photo was reduced from 3024 × 4032,
        2.3 MB to 600 × 800, 180 KB. Its location (GPS) and camera data were removed." """
        values = {
            "from_size": dimensions(self.source_width, self.source_height),
            "from_bytes": size_label(self.source_bytes),
            "to_size": dimensions(self.width, self.height),
            "to_bytes": size_label(len(self.data)),
            "format": self.source_format,
        }
        if self.resized:
            sentence = _(
                "The photo was reduced from %(from_size)s, %(from_bytes)s to %(to_size)s, "
                "%(to_bytes)s."
            )
        elif values["to_bytes"] != values["from_bytes"]:
            sentence = _(
                "The photo was compressed from %(from_bytes)s to %(to_bytes)s (%(to_size)s pixels)."
            )
        else:
            sentence = _("The photo is kept at %(to_size)s pixels, %(to_bytes)s.")
        parts = [sentence % values]
        if self.source_format != "JPEG":
            parts.append(_("It was converted from %(format)s to JPEG.") % values)
        if self.had_location:
            parts.append(_("Its location (GPS) and camera data were removed."))
        elif self.had_metadata:
            parts.append(_("Its hidden camera data were removed."))
        return " ".join(str(part) for part in parts)


def dimensions(width: int, height: int) -> str:
    return f"{width} × {height}"


def size_label(size: int) -> str:
    """Kilobytes rounded up below a megabyte (a file of 200.1 KB must not read as "200 KB"),
    megabytes with one decimal above, with the active language's decimal separator."""
    if size < 1024 * 1024:
        return _("%(size)s KB") % {"size": number_format(math.ceil(size / 1024), 0)}
    megabytes = round(size / (1024 * 1024), 1)
    decimals = 0 if megabytes == int(megabytes) else 1  # "15 MB", "2.3 MB"
    return _("%(size)s MB") % {"size": number_format(megabytes, decimals)}


def too_large(size: int | None) -> UploadRejected:
    """The raw upload is over RAW_MAX_BYTES (`size` None: only known to be over)."""
    values = {"limit": size_label(RAW_MAX_BYTES)}
    if size is None or size_label(size) == values["limit"]:
        return UploadRejected(
            _("The photo is larger than %(limit)s. Send the photo as the camera saved it, or "
              "a screenshot of it.")
            % values
        )  # fmt: skip
    values["size"] = size_label(size)
    return UploadRejected(
        _("The photo is %(size)s; photos up to %(limit)s can be sent. Send the photo as the "
          "camera saved it, or a screenshot of it.")
        % values
    )  # fmt: skip


def photo_prepare(data: bytes, rules: PhotoRules) -> PreparedPhoto:
    """The photo re-encoded to fit `rules`, or UploadRejected with the reason and what to do.

    Pillow decides what the file is, from its bytes and among FORMATS only; the file's name and
    the browser's content type play no part."""
    if len(data) > RAW_MAX_BYTES:
        raise too_large(len(data))
    unreadable = UploadRejected(
        _("The photo could not be read. It may be damaged or only partly sent: take or save it "
          "again and send it once more.")
    )  # fmt: skip
    try:
        with warnings.catch_warnings():
            # Pillow only warns between MAX_IMAGE_PIXELS and twice that; here the warning
            # threshold itself is the limit, checked from the header before any decoding.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            try:
                image = Image.open(io.BytesIO(data), formats=DECODERS)
            except Image.UnidentifiedImageError:
                kind = filetype.guess(data)
                raise (unreadable if kind and kind.mime in MIMES else not_a_photo(data)) from None
            with image:
                return _prepare(image, data, rules)
    except UploadRejected:
        raise
    except Image.DecompressionBombError:
        raise _too_many_pixels(None, None) from None
    except Exception:  # Pillow raises many kinds of errors for broken or hostile files
        raise unreadable from None


@contextmanager
def _strict_decoding():
    """A photo cut off in transit must be refused, not completed with grey. Pillow decides that
    with a module-wide flag, which WeasyPrint turns on when it is imported (weasyprint/images.py):
    turn it off while a photo decodes (one decoding at a time per process), and put it back."""
    with _STRICT_DECODING:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def not_a_photo(data: bytes) -> UploadRejected:
    """Say what the file really is, whatever its name claims, and what to send instead."""
    kind = filetype.guess(data)
    what_to_send = _(
        "Choose a photo (JPEG, PNG, WebP or HEIC); for a paper document, take a photo of it."
    )
    if kind is not None and kind.mime in EXECUTABLE_MIMES:
        reason = _("This file is a program, not a photo. Programs are never accepted.")
    elif looks_like_html(data):
        reason = _("This file is a web page (HTML), not a photo.")
    elif kind is not None and kind.mime.startswith("image/"):
        reason = _("%(found)s images cannot be used here.") % {"found": kind.extension.upper()}
    elif kind is not None:
        reason = _("This file is a %(found)s file, not a photo, whatever its name says.") % {
            "found": kind.extension.upper()
        }
    else:
        reason = _("This file is not a photo: its content does not match, whatever its name says.")
    return UploadRejected(f"{reason} {what_to_send}")


def _prepare(image: Image.Image, data: bytes, rules: PhotoRules) -> PreparedPhoto:
    max_pixels = Image.MAX_IMAGE_PIXELS or 89_478_485
    if image.width * image.height > max_pixels:
        raise _too_many_pixels(image.width, image.height)
    with _strict_decoding():  # a PNG's EXIF may follow its pixels: reading it decodes them
        exif = image.getexif()
        turns = _orientation(exif) in ORIENTATION_TURNS_SIDES
        source_width, source_height = (
            (image.height, image.width) if turns else (image.width, image.height)
        )
        if source_width < rules.min_width or source_height < rules.min_height:
            raise _too_few_pixels(source_width, source_height, rules)
        target = _fit(source_width, source_height, rules.max_width, rules.max_height)
        if image.format in {"JPEG", "MPO"}:
            # Decode at 1/2, 1/4 or 1/8 scale when that still covers the target: a 12-megapixel
            # photo then decodes in a tenth of the time and memory.
            image.draft(None, (target[1], target[0]) if turns else target)
        image.load()
    had_location = bool(exif.get_ifd(ExifTags.IFD.GPSInfo))
    had_metadata = bool(exif) or "xmp" in image.info or "XML:com.adobe.xmp" in image.info
    icc_profile = image.info.get("icc_profile")
    pixels = _flatten(_upright(image))
    if pixels.size != target:
        pixels = pixels.resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0)
    pixels = _to_srgb(pixels, icc_profile)
    fresh, size = _encode_within(pixels, rules)
    return PreparedPhoto(
        data=fresh,
        width=size[0],
        height=size[1],
        source_format=FORMATS[image.format],
        source_width=source_width,
        source_height=source_height,
        source_bytes=len(data),
        had_location=had_location,
        had_metadata=had_metadata,
    )


def _orientation(exif: Image.Exif) -> int:
    try:
        return int(exif.get(ExifTags.Base.Orientation, 1))
    except (TypeError, ValueError):
        return 1


def _fit(width: int, height: int, max_width: int, max_height: int) -> tuple[int, int]:
    """The largest size within the box that keeps the proportions; never enlarged."""
    scale = min(1.0, max_width / width, max_height / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _upright(image: Image.Image) -> Image.Image:
    """Phone photos stand the right way up only through their EXIF orientation, which the fresh
    file drops: turn the pixels instead. A broken EXIF block is no reason to refuse the photo.
    (HEIF files carry their rotation in the container: pillow-heif applies it when decoding.)"""
    try:
        return ImageOps.exif_transpose(image)
    except Exception:
        return image


def _flatten(image: Image.Image) -> Image.Image:
    """RGB (or CMYK, converted with its profile later), transparency laid on white: a JPEG has
    no alpha, and a transparent screenshot would otherwise turn black."""
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode in {"RGBA", "LA", "RGBa", "La", "PA"}:
        rgba = image.convert("RGBA")
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    if image.mode.startswith("I;16") or image.mode in {"I", "F"}:
        # 16-bit greyscale: scale to 8 bits instead of clipping everything bright to white.
        return image.convert("I").point(lambda value: value / 256).convert("L").convert("RGB")
    if image.mode in {"RGB", "CMYK"}:
        return image
    return image.convert("RGB")


def _to_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Colours as the camera meant them (phones often shoot in Display P3): converted to sRGB,
    because the fresh file carries no profile. A profile that cannot be read is ignored."""
    if icc_profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            return ImageCms.profileToProfile(image, source, SRGB, outputMode="RGB")
        except Exception:  # noqa: S110 - a broken profile is no reason to refuse the photo
            pass
    return image.convert("RGB")


def _encode_within(image: Image.Image, rules: PhotoRules) -> tuple[bytes, tuple[int, int]]:
    """The best quality that fits, at the target size or, only when even the lowest quality
    does not fit, smaller step by step."""
    while True:
        fresh = _best_quality(image, rules.max_bytes)
        if fresh is not None:
            return fresh, image.size
        smaller = (round(image.width * SHRINK), round(image.height * SHRINK))
        if (
            max(smaller) < SMALLEST_LONG_SIDE
            or smaller[0] < rules.min_width
            or smaller[1] < rules.min_height
        ):
            raise UploadRejected(
                _("Even at %(size)s pixels and a low quality the photo does not fit in "
                  "%(limit)s. Take the photo again against a plain background, or crop it to "
                  "what matters.")
                % {"size": dimensions(*image.size), "limit": size_label(rules.max_bytes)}
            )  # fmt: skip
        image = image.resize(smaller, Image.Resampling.LANCZOS)


def _best_quality(image: Image.Image, max_bytes: int) -> bytes | None:
    """Binary search down QUALITIES (the size falls with the quality): about four encodings."""
    best, low, high = None, 0, len(QUALITIES) - 1
    while low <= high:
        middle = (low + high) // 2
        output = io.BytesIO()
        # No exif=, icc_profile= or xmp=: the fresh file carries the pixels and nothing else.
        image.save(output, format="JPEG", quality=QUALITIES[middle], optimize=True)
        if output.tell() <= max_bytes:
            best, high = output.getvalue(), middle - 1
        else:
            low = middle + 1
    return best


def _too_many_pixels(width: int | None, height: int | None) -> UploadRejected:
    if width is None:
        return UploadRejected(
            _("The photo's dimensions are too large to process. Send the photo as the camera "
              "saved it, or a screenshot of it.")
        )  # fmt: skip
    return UploadRejected(
        _("The photo is %(size)s pixels, more than can be processed. Send the photo as the "
          "camera saved it, or a screenshot of it.")
        % {"size": dimensions(width, height)}
    )  # fmt: skip


def _too_few_pixels(width: int, height: int, rules: PhotoRules) -> UploadRejected:
    return UploadRejected(
        _("The photo is only %(size)s pixels; this document needs at least %(minimum)s so that "
          "it can be read. Take the photo again with the camera (not a screenshot or a copy "
          "from a chat, which are made smaller).")
        % {"size": dimensions(width, height), "minimum": dimensions(rules.min_width,
                                                                   rules.min_height)}
    )  # fmt: skip
