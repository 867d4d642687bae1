"""The one upload policy: every file a person sends is checked by its content and rewritten before it is stored.

A file is what its bytes say (magic number, then a real parse), never what its name or the browser's content type
claim. A PDF is parsed by qpdf (pikepdf: object streams decompressed, `#xx` names decoded), refused when encrypted
or carrying anything that runs, opens or hides a file, then saved anew. An image's size is read from its header
and refused above a pixel budget before a single pixel is decoded; it is then decoded and re-encoded with no
metadata at all (EXIF and its GPS position, comments, ICC and XMP, text chunks). Each refusal is a French message
for the field; the caller stores nothing. A request whose multipart body is larger than any upload allows is
answered 413 before its body is read (`UploadSizeMiddleware`)."""

import io
import os
import secrets
import warnings
from dataclasses import dataclass

import pikepdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.shortcuts import render
from PIL import Image, ImageOps, UnidentifiedImageError

DOCUMENT = "document"
PHOTO = "photo"

MAGIC = {b"%PDF-": "pdf", b"\xff\xd8\xff": "jpeg", b"\x89PNG\r\n\x1a\n": "png"}
LABELS = {"pdf": "PDF", "jpeg": "JPEG", "png": "PNG"}
CONTENT_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}
EXTENSIONS = {"pdf": ".pdf", "jpeg": ".jpg", "png": ".png"}
PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG"}
MEGABYTE = 1024 * 1024

# Names that run code (JavaScript), act without a click (additional actions), start a program (Launch), carry or
# fetch files (embedded files, attachments, remote go-to, data import, form submission) or embed players (Flash,
# XFA forms, media). They are refused wherever they appear, as a key or as a value (an action's /S, an
# annotation's /Subtype). /URI links are kept: they need a click, the viewer shows the address first, and many
# administrative PDFs (CAF, impôts) carry them.
ACTIVE_NAMES = frozenset(
    {
        "/JavaScript",
        "/JS",
        "/AA",
        "/Launch",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/FileAttachment",
        "/RichMedia",
        "/RichMediaContent",
        "/XFA",
        "/SubmitForm",
        "/ImportData",
        "/GoToR",
        "/GoToE",
        "/Movie",
        "/Sound",
        "/Rendition",
    }
)

ACTIVE = "Ce PDF contient du contenu actif (script, action automatique ou fichier joint) : il est refusé."
ENCRYPTED = "Ce PDF est protégé par un mot de passe : déposez une version sans protection."
BROKEN_PDF = "Ce PDF est illisible ou abîmé."
BROKEN_IMAGE = "Cette image est illisible ou abîmée."


class UploadRefused(ValidationError):
    """A file the policy refuses, with the French message shown beside the field."""

    def __init__(self, message: str):
        super().__init__(message, code="upload_refused")


@dataclass(frozen=True)
class Kind:
    formats: tuple[str, ...]
    max_bytes_setting: str
    # The municipality may narrow the formats of a kind (DOCUMENT_FORMATS), never widen them.
    formats_setting: str | None = None
    # Photos are shown small and always as JPEG; documents keep their format and size so that a scan stays legible.
    max_side: int | None = None
    flatten_to_jpeg: bool = False

    @property
    def max_bytes(self) -> int:
        return getattr(settings, self.max_bytes_setting)

    def allowed(self) -> tuple[str, ...]:
        if self.formats_setting is None:
            return self.formats
        return tuple(f for f in self.formats if f in getattr(settings, self.formats_setting))


KINDS = {
    DOCUMENT: Kind(
        formats=("pdf", "jpeg", "png"), max_bytes_setting="DOCUMENT_MAX_BYTES", formats_setting="DOCUMENT_FORMATS"
    ),
    PHOTO: Kind(formats=("jpeg", "png"), max_bytes_setting="PHOTO_MAX_BYTES", max_side=800, flatten_to_jpeg=True),
}


@dataclass(frozen=True)
class CleanFile:
    """What may be stored: the rewritten bytes under a random name that says nothing of the person."""

    content: bytes
    content_type: str
    extension: str
    # What the family called it, for display only; it never reaches the storage.
    original_name: str

    @property
    def name(self) -> str:
        return f"{secrets.token_hex(16)}{self.extension}"

    def as_file(self) -> ContentFile:
        return ContentFile(self.content, name=self.name)


def accepted_formats(kind: str) -> str:
    """«PDF, JPEG ou PNG»: the formats a kind accepts, for help texts and messages."""
    labels = [LABELS[f] for f in KINDS[kind].allowed()]
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} ou {labels[-1]}"


def upload_help(kind: str) -> str:
    """«PDF, JPEG ou PNG, 5 Mo au plus.»: the help text of a file field."""
    return f"{accepted_formats(kind)}, {KINDS[kind].max_bytes // MEGABYTE} Mo au plus."


def upload_clean(upload, *, kind: str) -> CleanFile:
    """The clean file to store, or UploadRefused with a French message (then nothing is to be stored)."""
    policy = KINDS[kind]
    original = _original_name(getattr(upload, "name", "") or "")
    limit = policy.max_bytes
    # Checked on the size the parser counted, before the policy reads a byte of the content.
    if upload.size == 0:
        raise UploadRefused("Le fichier est vide.")
    if upload.size > limit:
        raise UploadRefused(f"Le fichier dépasse {limit // MEGABYTE} Mo. Choisissez un fichier plus léger.")
    upload.seek(0)
    data = upload.read(limit + 1)
    fmt = next((f for magic, f in MAGIC.items() if data.startswith(magic)), None)
    if fmt not in policy.allowed():
        what = "un" if "pdf" in policy.allowed() else "une image"
        raise UploadRefused(
            f"Ce fichier n'est pas {what} {accepted_formats(kind)} : seuls ces formats sont acceptés "
            "(c'est le contenu du fichier qui compte, pas son nom)."
        )
    if fmt == "pdf":
        content = _pdf(data)
    else:
        content, fmt = _image(data, fmt, policy)
    return CleanFile(
        content=content, content_type=CONTENT_TYPES[fmt], extension=EXTENSIONS[fmt], original_name=original
    )


def _original_name(name: str) -> str:
    name = os.path.basename(name.replace("\\", "/"))
    if not name or len(name) > 120 or any(ord(c) < 32 for c in name):
        raise UploadRefused("Le nom du fichier n'est pas accepté : renommez-le simplement (« attestation.pdf »).")
    return name


# PDF --------------------------------------------------------------------------------------------------------------


def _pdf(data: bytes) -> bytes:
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if pdf.is_encrypted:  # an owner password only: opens, yet restricts and hides
                raise UploadRefused(ENCRYPTED)
            if len(pdf.pages) == 0:
                raise UploadRefused("Ce PDF n'a aucune page.")
            if _has_active_content(pdf):
                raise UploadRefused(ACTIVE)
            out = io.BytesIO()
            # Streams are copied as they are: decoding them would let a compressed bomb fill the memory.
            pdf.save(out, stream_decode_level=pikepdf.StreamDecodeLevel.none, fix_metadata_version=False)
    except pikepdf.PasswordError as error:
        raise UploadRefused(ENCRYPTED) from error
    except (pikepdf.PdfError, ValueError, RecursionError) as error:
        raise UploadRefused(BROKEN_PDF) from error
    return out.getvalue()


def _has_active_content(pdf: pikepdf.Pdf) -> bool:
    """Every object of the file, those inside object streams too, with names as qpdf decoded them."""
    pending = [pdf.trailer, *pdf.objects]
    while pending:
        item = pending.pop()
        if isinstance(item, pikepdf.Stream):
            item = item.stream_dict
        if isinstance(item, pikepdf.Dictionary):
            pairs = item.items()
        elif isinstance(item, pikepdf.Array):
            pairs = ((None, value) for value in item)
        else:
            continue
        for key, value in pairs:
            if key in ACTIVE_NAMES or _active_name(value) or (key == "/OpenAction" and _is_action(value)):
                return True
            # An indirect object is one of pdf.objects, walked there once: reference cycles end.
            if isinstance(value, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream)) and not value.is_indirect:
                pending.append(value)
    return False


def _active_name(value) -> bool:
    """A name as a value: an action's /S /JavaScript, an annotation's /Subtype /RichMedia, a /Type /EmbeddedFile."""
    return isinstance(value, pikepdf.Name) and str(value) in ACTIVE_NAMES


def _is_action(value) -> bool:
    """An opening action that does more than show a page (a destination array, or a plain /GoTo, is harmless)."""
    if not isinstance(value, pikepdf.Dictionary):
        return False
    return value.get("/S") != pikepdf.Name.GoTo or "/Next" in value


# Images -----------------------------------------------------------------------------------------------------------


def _image(data: bytes, fmt: str, policy: Kind) -> tuple[bytes, str]:
    limit = settings.UPLOAD_MAX_PIXELS
    too_big = f"L'image est trop grande ({limit // 1_000_000} millions de pixels au plus) : réduisez sa définition."
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # open() reads the header only; only the decoder of the format the magic number named is tried.
            with Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[fmt]]) as image:
                width, height = image.size
                if width * height > limit:
                    raise UploadRefused(too_big)
                if policy.max_side and fmt == "jpeg":
                    # A photo shown small is decoded at 1/2, 1/4 or 1/8 of its size: a fraction of the memory.
                    image.draft("RGB", (policy.max_side, policy.max_side))
                image.load()
                return _reencode(image, fmt, policy)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise UploadRefused(too_big) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        raise UploadRefused(BROKEN_IMAGE) from error


def _reencode(image: Image.Image, fmt: str, policy: Kind) -> tuple[bytes, str]:
    # The orientation is applied while the EXIF is there (in place: no second copy of the pixels); then nothing of
    # the original's metadata is kept.
    ImageOps.exif_transpose(image, in_place=True)
    transparency = image.info.get("transparency") if fmt == "png" else None
    image.info = {}
    out = io.BytesIO()
    if policy.flatten_to_jpeg:
        if image.mode not in ("RGB", "RGBA", "L", "LA"):
            image = image.convert("RGBA" if transparency is not None else "RGB")
        # Shrunk first, so that flattening and converting work on the small picture.
        image.thumbnail((policy.max_side, policy.max_side))
        if image.mode in ("RGBA", "LA"):
            background = Image.new("RGB", image.size, "white")
            background.paste(image.convert("RGBA"), mask=image.getchannel("A"))
            image = background
        image.convert("RGB").save(out, "JPEG", quality=90)
        return out.getvalue(), "jpeg"
    if fmt == "jpeg":
        if image.mode not in ("L", "RGB", "CMYK"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=90)
    else:
        extra = {"transparency": transparency} if transparency is not None else {}
        image.save(out, "PNG", optimize=False, **extra)
    return out.getvalue(), fmt


# The request ------------------------------------------------------------------------------------------------------


class UploadSizeMiddleware:
    """Answers 413 to a multipart request larger than UPLOAD_MAX_REQUEST_BYTES, before its body is read.

    Django's DATA_UPLOAD_MAX_MEMORY_SIZE leaves files out: without this, any visitor could make the server spool
    gigabytes to its temporary folder. The check runs before any view or middleware reads request.POST (the CSRF
    check reads it in process_view, after every middleware's __call__). Django reads no more than CONTENT_LENGTH
    bytes, so a body that lies about its length is cut there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.META.get("CONTENT_TYPE", "").lower().startswith("multipart/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            limit = settings.UPLOAD_MAX_REQUEST_BYTES
            if length > limit:
                context = {"limit": limit // MEGABYTE, "back": request.get_full_path()}
                return render(request, "commun/upload_too_large.html", context, status=413)
        return self.get_response(request)
