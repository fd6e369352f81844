"""Uploaded photos: checked by their content (not their name), oriented, re-encoded, thumbnailed."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

MAX_SIDE = 2560
THUMB_SIDE = 320
MAX_PIXELS = 50_000_000  # a 48-megapixel phone photo passes; decoding one costs ~200 MB
ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP", "BMP", "MPO", "TIFF"}


@dataclass(frozen=True)
class ProcessedImage:
    jpeg: bytes
    thumb: bytes
    width: int
    height: int


def check_size(size: int | None) -> None:
    limit = settings.MAX_UPLOAD_BYTES
    if size is not None and size > limit:
        raise ValidationError(
            _("The photo is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": _mb(size), "limit": _mb(limit)},
            code="too_large",
        )


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}"


def process_upload(upload: Any) -> ProcessedImage:
    """Open the upload as an image or raise ValidationError with a message for the user."""
    check_size(getattr(upload, "size", None))
    # Read one byte more than allowed: enough to know, without loading a huge file.
    data = upload.read(settings.MAX_UPLOAD_BYTES + 1)
    check_size(len(data))
    image = _open(data)
    # Phones store the camera's rotation in EXIF; apply it so the photo stands upright.
    image = ImageOps.exif_transpose(image).convert("RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    thumb = image.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    return ProcessedImage(_jpeg(image, 85), _jpeg(thumb, 80), image.width, image.height)


def _open(data: bytes) -> Image.Image:
    bad = ValidationError(
        _("The file is not a photo or it is damaged. Upload a JPEG or PNG picture."),
        code="not_an_image",
    )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise bad
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("The picture has too many pixels."), code="too_large")
            probe.verify()
        image = Image.open(io.BytesIO(data))
        _load_every_byte(image)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise bad from None
    return image


def _load_every_byte(image: Image.Image) -> None:
    """Decode the whole picture: a truncated file fails here.

    WeasyPrint, once imported (the PDF reports), sets Pillow's process-wide
    LOAD_TRUNCATED_IMAGES, which would let half a photo through padded with grey.
    """
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        image.load()
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, optimize=True)
    return buffer.getvalue()
