"""Photos of guardians and children: checked by their content, re-encoded without metadata."""

import io

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from .exceptions import InvalidPhoto

PHOTO_MAX_BYTES = 8 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000
PHOTO_MAX_SIDE = 800
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}


def photo_clean(upload) -> ContentFile:
    """A JPEG of at most 800 px a side, with no EXIF (no GPS position, no camera), or InvalidPhoto."""
    if upload.size > PHOTO_MAX_BYTES:
        raise InvalidPhoto("La photo dépasse 8 Mo. Choisissez une image plus légère.")
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in PHOTO_FORMATS:
                raise InvalidPhoto("Le fichier doit être une image JPEG, PNG ou WebP.")
            if probe.width * probe.height > PHOTO_MAX_PIXELS:
                raise InvalidPhoto("L'image est trop grande (plus de 40 millions de pixels).")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            if image.mode not in ("RGB", "L"):
                background = Image.new("RGB", image.size, "white")
                background.paste(image.convert("RGBA"), mask=image.convert("RGBA").split()[-1])
                image = background
            image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    except InvalidPhoto:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as error:
        raise InvalidPhoto("Le fichier n'est pas une image lisible (JPEG, PNG ou WebP).") from error
    return ContentFile(out.getvalue(), name="photo.jpg")
