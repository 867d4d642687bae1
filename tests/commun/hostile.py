"""Hostile and honest files, built in memory, for the upload policy and every upload path."""

import io
import struct
import zlib

import pikepdf
from PIL import Image
from reportlab.pdfgen import canvas

SCRIPT = "app.alert('portail')"


def pdf_bytes(text="Attestation d'assurance") -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.save()
    return buffer.getvalue()


def raw_pdf(*objects: bytes, root: int = 1) -> bytes:
    """A PDF written by hand, byte for byte, with a correct cross-reference table: what a tool would not emit."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def hex_escaped_javascript_pdf() -> bytes:
    """A link whose action is `/S /J#61vaScript /J#53 (...)`: qpdf reads /JavaScript and /JS, a byte scan does not."""
    return raw_pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots [4 0 R] >>",
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 200 200] /A << /S /J#61vaScript /J#53 ("
        + SCRIPT.encode()
        + b") >> >>",
    )


def _pikepdf(build, **save) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    build(pdf)
    out = io.BytesIO()
    pdf.save(out, **save)
    return out.getvalue()


def _link(pdf, action: pikepdf.Dictionary) -> None:
    annotation = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 200, 200])
    annotation.A = pdf.make_indirect(action)
    pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(annotation)]))


def javascript_in_object_stream_pdf() -> bytes:
    """The JavaScript action sits in a compressed object stream: its bytes never appear in the file."""

    def build(pdf):
        _link(pdf, pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String(SCRIPT)))

    return _pikepdf(build, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True)


def action_pdf(kind: str) -> bytes:
    """A PDF with one kind of active content, as tools write it."""

    def build(pdf):
        root, page = pdf.Root, pdf.pages[0]
        if kind == "javascript":
            _link(pdf, pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String(SCRIPT)))
        elif kind == "open_action":
            root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://pister.example/"))
        elif kind == "additional_action":
            page.obj.AA = pikepdf.Dictionary(O=pikepdf.Dictionary(S=pikepdf.Name.GoTo, D=[page.obj, pikepdf.Name.Fit]))
        elif kind == "launch":
            _link(pdf, pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("calc.exe")))
        elif kind == "submit_form":
            _link(pdf, pikepdf.Dictionary(S=pikepdf.Name.SubmitForm, F=pikepdf.String("https://pister.example/")))
        elif kind == "remote_goto":
            _link(pdf, pikepdf.Dictionary(S=pikepdf.Name.GoToR, F=pikepdf.String("\\\\serveur\\partage\\a.pdf")))
        elif kind == "embedded_file":
            pdf.attachments["facture.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00", mime_type="text/plain")
        elif kind == "rich_media":
            annotation = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.RichMedia, Rect=[0, 0, 9, 9])
            page.obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(annotation)]))
        elif kind == "xfa":
            xfa = pikepdf.Stream(pdf, b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'/>")
            root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array(), XFA=xfa)
        else:
            raise ValueError(kind)

    return _pikepdf(build)


ACTIVE_KINDS = [
    "javascript",
    "open_action",
    "additional_action",
    "launch",
    "submit_form",
    "remote_goto",
    "embedded_file",
    "rich_media",
    "xfa",
]


def harmless_pdf(kind: str) -> bytes:
    """What honest tools write and the policy keeps: a web link, an opening view on the first page."""

    def build(pdf):
        if kind == "uri_link":
            _link(pdf, pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://www.caf.fr/")))
        elif kind == "open_view":
            pdf.Root.OpenAction = pikepdf.Array([pdf.pages[0].obj, pikepdf.Name.XYZ, None, None, 0])
        else:
            raise ValueError(kind)

    return _pikepdf(build)


def encrypted_pdf(user_password: str = "secret") -> bytes:
    """With a user password it does not open; with an owner password only, it opens yet is encrypted."""
    encryption = pikepdf.Encryption(owner="proprietaire", user=user_password)
    return _pikepdf(lambda pdf: None, encryption=encryption)


def html_named_pdf() -> bytes:
    """An HTML page that begins with %PDF- and ends with %%EOF: a check of both ends takes it for a PDF."""
    return b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF\n"


def png_of(width: int, height: int) -> bytes:
    """A 1-bit PNG written by hand with zlib: a few hundred kilobytes whatever its pixel count."""
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def big_png() -> bytes:
    """39 megapixels (under the old 40-Mpx limit, over the policy's 25): once decoded, hundreds of megabytes."""
    return png_of(6500, 6000)


def jpeg_with_secrets(size=(40, 20)) -> bytes:
    """A phone's photo: a comment (COM), EXIF with the GPS position and the camera, an ICC profile, XMP."""
    exif = Image.Exif()
    exif[0x010F] = "Appareil du parent"  # Make
    exif[0x8825] = {1: "N", 2: (48.0, 50.0, 0.0), 3: "E", 4: (2.0, 20.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(
        out,
        "JPEG",
        exif=exif,
        comment=b"domicile: 12 rue des Lilas",
        icc_profile=b"\x00" * 128,
        xmp=b"<x:xmpmeta>domicile</x:xmpmeta>",
    )
    return out.getvalue()


SECRETS = (b"domicile", b"Appareil du parent", b"Exif\x00\x00")


def assert_bare(content: bytes) -> None:
    """Nothing of the original's metadata is left: no EXIF (GPS, camera), comment, ICC profile, XMP or text."""
    for secret in SECRETS:
        assert secret not in content
    with Image.open(io.BytesIO(content)) as image:
        assert not image.getexif()
        assert not set(image.info) & {"comment", "icc_profile", "xmp", "exif", "Comment", "XML:com.adobe.xmp"}


def png_with_text() -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "domicile: 12 rue des Lilas")
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>domicile</x:xmpmeta>")
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(out, "PNG", pnginfo=info, icc_profile=b"\x00" * 128)
    return out.getvalue()
