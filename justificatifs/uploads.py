"""A supporting document is checked by its content, never by its name or the type the browser declares.

PDFs are parsed and refused when encrypted or carrying active content; images are verified, decoded within a
pixel budget and re-encoded (what was hidden in them does not survive). Any refusal is a French message."""

import io
import re

from django.conf import settings
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from .exceptions import InvalidDocument

MAGIC = {b"%PDF-": "pdf", b"\xff\xd8\xff": "jpeg", b"\x89PNG\r\n\x1a\n": "png"}
LABELS = {"pdf": "PDF", "jpeg": "JPEG", "png": "PNG"}
CONTENT_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}
EXTENSIONS = {"pdf": ".pdf", "jpeg": ".jpg", "png": ".png"}
# Names of PDF objects that run something, open something or carry files.
ACTIVE = [b"/JavaScript", b"/JS", b"/OpenAction", b"/Launch", b"/EmbeddedFile", b"/AA", b"/RichMedia", b"/XFA"]
MARKUP = re.compile(rb"<\s*(script|html|svg|iframe|body|!doctype)", re.IGNORECASE)
MAX_PIXELS = 40_000_000


def _kind(data: bytes) -> str | None:
    return next((kind for magic, kind in MAGIC.items() if data.startswith(magic)), None)


def _name(name: str) -> str:
    if not name or "/" in name or "\\" in name or ".." in name or len(name) > 120 or "\x00" in name:
        raise InvalidDocument("Le nom du fichier n'est pas accepté : renommez-le simplement (« attestation.pdf »).")
    return name


def _pdf(data: bytes) -> bytes:
    if any(marker in data for marker in ACTIVE):
        raise InvalidDocument(
            "Ce PDF contient du contenu actif (script, action automatique ou fichier joint) : il est refusé."
        )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise InvalidDocument("Ce PDF est protégé par un mot de passe : déposez une version sans protection.")
        if not reader.pages:
            raise InvalidDocument("Ce PDF n'a aucune page.")
        for page in reader.pages:
            if "/AA" in page or "/Annots" in page and b"/Launch" in data:
                raise InvalidDocument("Ce PDF contient une action automatique : il est refusé.")
    except InvalidDocument:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise InvalidDocument("Ce PDF est illisible ou abîmé.") from error
    return data


def _image(data: bytes, kind: str) -> bytes:
    if MARKUP.search(data):
        raise InvalidDocument("Cette image contient du code : elle est refusée.")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise InvalidDocument("L'image est trop grande (plus de 40 millions de pixels).")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            out = io.BytesIO()
            if kind == "jpeg":
                image.convert("RGB").save(out, "JPEG", quality=90)
            else:
                image.save(out, "PNG", optimize=True)
    except InvalidDocument:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise InvalidDocument("L'image est trop grande (plus de 40 millions de pixels).") from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise InvalidDocument("Cette image est illisible ou abîmée.") from error
    return out.getvalue()


def document_clean(upload) -> tuple[bytes, str, str, str]:
    """(the bytes to store, the content type, the extension, the original name), or InvalidDocument."""
    name = _name(getattr(upload, "name", "") or "")
    limit = settings.DOCUMENT_MAX_BYTES
    if upload.size == 0:
        raise InvalidDocument("Le fichier est vide.")
    if upload.size > limit:
        raise InvalidDocument(f"Le fichier dépasse {limit // (1024 * 1024)} Mo.")
    data = upload.read(limit + 1)
    kind = _kind(data)
    allowed = settings.DOCUMENT_FORMATS
    if kind not in allowed:
        accepted = ", ".join(LABELS[k] for k in allowed)
        raise InvalidDocument(f"Ce fichier n'est pas un {accepted} : seuls ces formats sont acceptés.")
    data = _pdf(data) if kind == "pdf" else _image(data, kind)
    return data, CONTENT_TYPES[kind], EXTENSIONS[kind], name
