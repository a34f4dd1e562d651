"""Real photo files made here, as phones and computers write them, for the upload tests."""

import io
import struct
import zlib

import pillow_heif
from PIL import ExifTags, Image, ImageCms

pillow_heif.register_heif_opener()

MARKER = (230, 20, 20)  # a red block in the corner of the sensor image, to follow the turning
CAMERA = "PhoneMaker"


def phone_exif(orientation: int = 1) -> Image.Exif:
    """EXIF as a phone camera writes it: maker, orientation and a GPS position."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = CAMERA
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (1.0, 58.0, 12.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (113.0, 50.0, 30.0)
    return exif


def sensor_image(size=(4032, 3024)) -> Image.Image:
    """Photo-like pixels (smooth grain over a gradient, so a JPEG of it weighs what a phone photo
    weighs) with a red block in the top-left corner of the sensor image."""
    small = (max(1, size[0] // 4), max(1, size[1] // 4))
    grain = Image.effect_noise(small, 60).resize(size, Image.Resampling.BILINEAR)
    gradient = Image.linear_gradient("L").resize(size)
    image = Image.merge("RGB", (gradient, grain, gradient.transpose(Image.Transpose.ROTATE_180)))
    corner = (size[0] // 5, size[1] // 5)
    image.paste(Image.new("RGB", corner, MARKER), (0, 0))
    return image


def phone_jpeg(size=(4032, 3024), *, orientation=6, quality=85, icc=False) -> bytes:
    """A phone photo: 12 megapixels held sideways (orientation 6: turn 90° clockwise to view),
    with the camera's EXIF and GPS position; about 3.5 MB at quality 85."""
    out = io.BytesIO()
    extra = {"icc_profile": srgb_profile()} if icc else {}
    sensor_image(size).save(out, "JPEG", quality=quality, exif=phone_exif(orientation), **extra)
    return out.getvalue()


def plain_jpeg(size=(120, 160), *, quality=90, exif=None) -> bytes:
    out = io.BytesIO()
    extra = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, (190, 30, 40)).save(out, "JPEG", quality=quality, **extra)
    return out.getvalue()


def noisy_jpeg(side: int, quality: int) -> bytes:
    """Noise does not compress, so the JPEG quality decides the size."""
    out = io.BytesIO()
    Image.effect_noise((side, side), 80).convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


def transparent_png(size=(800, 600)) -> bytes:
    """A screenshot-like PNG whose right half is fully transparent."""
    image = Image.new("RGBA", size, (20, 90, 200, 255))
    image.paste(Image.new("RGBA", (size[0] // 2, size[1]), (0, 0, 0, 0)), (size[0] // 2, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def encoded(image: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def heic(size=(1200, 900)) -> bytes:
    """An HEIC photo (pillow-heif's encoder) with the camera's EXIF and GPS position. Smooth
    pixels: the HEVC encoder is slow on grain."""
    gradient = Image.linear_gradient("L").resize(size)
    across = gradient.transpose(Image.Transpose.ROTATE_90).resize(size)
    image = Image.merge("RGB", (gradient, across, Image.new("L", size, 120)))
    return encoded(image, "HEIF", quality=70, exif=phone_exif(1).tobytes())


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def swapped_profile() -> bytes:
    """An RGB colour profile whose red and blue primaries are swapped: pixels that read as red
    without it are blue once it is applied (a stand-in for a phone's Display P3 profile, with a
    difference no rounding can hide)."""
    data = bytearray(srgb_profile())
    (count,) = struct.unpack(">I", data[128:132])
    entries = {bytes(data[132 + 12 * i : 136 + 12 * i]): 132 + 12 * i for i in range(count)}
    red, blue = entries[b"rXYZ"], entries[b"bXYZ"]
    data[red + 4 : red + 12], data[blue + 4 : blue + 12] = (
        data[blue + 4 : blue + 12],
        data[red + 4 : red + 12],
    )
    return bytes(data)


def png_with_header_size(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` × `height` pixels: a decompression bomb as far as
    anything that trusts the header is concerned."""
    data = bytearray(encoded(Image.new("L", (8, 8)), "PNG"))
    # IHDR: length (4) "IHDR" (4) width (4) height (4) ... then the CRC over type and data.
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def jpeg_with_header_size(width: int, height: int) -> bytes:
    """A small JPEG whose frame header (SOF0) claims `width` × `height` pixels."""
    data = bytearray(plain_jpeg((16, 16)))
    start = data.index(b"\xff\xc0")
    data[start + 5 : start + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def stored_pixels(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image
