"""The upload policy: files known by their content, hostile PDFs refused, images bounded before decoding and
re-encoded without metadata, oversize requests answered 413 before their body is read."""

import io
from html import unescape

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image, ImageFile

from commun.uploads import ACTIVE, BROKEN_IMAGE, DOCUMENT, ENCRYPTED, PHOTO, UploadRefused, upload_clean
from tests.commun import hostile

MB = 1024 * 1024


def clean(data: bytes, *, name="fichier.pdf", kind=DOCUMENT, content_type="application/pdf"):
    return upload_clean(SimpleUploadedFile(name, data, content_type=content_type), kind=kind)


def refusal(data: bytes, **kwargs) -> str:
    with pytest.raises(UploadRefused) as caught:
        clean(data, **kwargs)
    return caught.value.message


# PDFs ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", hostile.ACTIVE_KINDS)
def test_a_pdf_with_active_content_is_refused(kind):
    assert refusal(hostile.action_pdf(kind)) == ACTIVE


def test_a_hex_escaped_name_is_read_as_qpdf_decodes_it():
    data = hostile.hex_escaped_javascript_pdf()
    assert b"/JavaScript" not in data and b"/JS" not in data  # a scan of the bytes finds nothing
    assert refusal(data) == ACTIVE


def test_javascript_inside_a_compressed_object_stream_is_found():
    data = hostile.javascript_in_object_stream_pdf()
    assert b"/ObjStm" in data and b"JavaScript" not in data
    assert refusal(data) == ACTIVE


@pytest.mark.parametrize("user_password", ["secret", ""])
def test_an_encrypted_pdf_is_refused_even_when_it_opens_without_a_password(user_password):
    assert refusal(hostile.encrypted_pdf(user_password)) == ENCRYPTED


def test_html_that_starts_like_a_pdf_is_refused():
    assert refusal(hostile.html_named_pdf(), name="certificat.pdf") == "Ce PDF est illisible ou abîmé."


def test_a_pdf_without_a_page_is_refused():
    assert refusal(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n") in (
        "Ce PDF n'a aucune page.",
        "Ce PDF est illisible ou abîmé.",
    )


@pytest.mark.parametrize("kind", ["uri_link", "open_view"])
def test_links_and_an_opening_view_are_kept(kind):
    stored = clean(hostile.harmless_pdf(kind))
    assert stored.content_type == "application/pdf" and stored.extension == ".pdf"
    with pikepdf.open(io.BytesIO(stored.content)) as pdf:
        assert len(pdf.pages) == 1


def test_what_is_stored_is_the_rewritten_pdf_not_what_was_sent():
    sent = hostile.pdf_bytes() + b"<html><script>alert(document.cookie)</script></html>"
    stored = clean(sent).content
    assert stored != sent and b"<script" not in stored
    with pikepdf.open(io.BytesIO(stored)) as pdf:
        assert len(pdf.pages) == 1


# Type by content -----------------------------------------------------------------------------------------------


def test_the_type_comes_from_the_content_never_from_the_name_or_the_browser():
    png = clean(hostile.png_of(10, 10), name="attestation.pdf", content_type="application/pdf")
    assert (png.content_type, png.extension) == ("image/png", ".png")
    pdf = clean(hostile.pdf_bytes(), name="photo.jpg", content_type="image/jpeg")
    assert (pdf.content_type, pdf.extension) == ("application/pdf", ".pdf")


@pytest.mark.parametrize(
    ("data", "kind", "message"),
    [
        (b"<html><body>bonjour</body></html>", DOCUMENT, "Ce fichier n'est pas un PDF, JPEG ou PNG"),
        (b"PK\x03\x04 une archive", DOCUMENT, "Ce fichier n'est pas un PDF, JPEG ou PNG"),
        (b"GIF89a\x01\x00\x01\x00", DOCUMENT, "Ce fichier n'est pas un PDF, JPEG ou PNG"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", PHOTO, "Ce fichier n'est pas une image JPEG ou PNG"),
        (b"%PDF-1.7 un document", PHOTO, "Ce fichier n'est pas une image JPEG ou PNG"),
    ],
)
def test_other_formats_are_refused_with_the_accepted_ones(data, kind, message):
    assert refusal(data, kind=kind).startswith(message)


@override_settings(DOCUMENT_FORMATS=["pdf"])
def test_the_municipality_may_narrow_the_document_formats():
    assert refusal(hostile.png_of(10, 10)).startswith("Ce fichier n'est pas un PDF :")


def test_a_broken_image_is_refused():
    assert refusal(hostile.png_of(10, 10)[:48]) == BROKEN_IMAGE


# Sizes --------------------------------------------------------------------------------------------------------------


class Unreadable(SimpleUploadedFile):
    def read(self, *args):
        raise AssertionError("the content was read")


@override_settings(DOCUMENT_MAX_BYTES=MB)
def test_an_oversize_file_is_refused_on_its_size_before_its_content_is_read():
    upload = Unreadable("gros.pdf", b"%" * (MB + 1), content_type="application/pdf")
    with pytest.raises(UploadRefused, match="Le fichier dépasse 1 Mo."):
        upload_clean(upload, kind=DOCUMENT)


def test_an_empty_file_is_refused():
    assert refusal(b"") == "Le fichier est vide."


def test_a_40_megapixel_png_of_a_few_kilobytes_is_refused_before_any_pixel_is_decoded(monkeypatch):
    data = hostile.big_png()
    assert len(data) < 200_000
    with Image.open(io.BytesIO(data)) as probe:
        assert probe.size == (6500, 6000)

    def no_decoding(self):
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    for kind in (DOCUMENT, PHOTO):
        assert refusal(data, kind=kind).startswith("L'image est trop grande (25 millions de pixels au plus)")


@override_settings(UPLOAD_MAX_PIXELS=100)
def test_the_pixel_budget_is_a_setting():
    assert clean(hostile.png_of(10, 10)).content_type == "image/png"
    assert "trop grande" in refusal(hostile.png_of(11, 10))


# Metadata -------------------------------------------------------------------------------------------------------


def test_a_jpeg_loses_its_comment_gps_camera_icc_and_xmp():
    sent = hostile.jpeg_with_secrets()
    with Image.open(io.BytesIO(sent)) as original:
        assert original.info["comment"] and original.getexif().get_ifd(0x8825)
    stored = clean(sent, name="IMG_0001.jpg", content_type="image/jpeg")
    assert stored.content_type == "image/jpeg"
    hostile.assert_bare(stored.content)


def test_a_png_loses_its_text_chunks_and_icc_profile_and_stays_a_png():
    stored = clean(hostile.png_with_text(), name="scan.png", content_type="image/png")
    assert stored.content_type == "image/png"
    hostile.assert_bare(stored.content)
    assert b"tEXt" not in stored.content and b"iTXt" not in stored.content and b"iCCP" not in stored.content


def test_the_orientation_is_applied_before_the_exif_goes():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated: the camera was held upright
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(out, "JPEG", exif=exif)
    with Image.open(io.BytesIO(clean(out.getvalue(), kind=DOCUMENT).content)) as image:
        assert image.size == (20, 40)


def test_a_photo_becomes_a_small_jpeg_without_metadata():
    stored = clean(hostile.jpeg_with_secrets(size=(1600, 1200)), kind=PHOTO, name="IMG_0001.jpg")
    assert stored.content_type == "image/jpeg"
    hostile.assert_bare(stored.content)
    with Image.open(io.BytesIO(stored.content)) as image:
        assert image.size == (800, 600)
    transparent = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(transparent, "PNG")
    with Image.open(io.BytesIO(clean(transparent.getvalue(), kind=PHOTO).content)) as image:
        assert image.format == "JPEG" and image.getpixel((5, 5)) == (255, 255, 255)


def test_html_appended_to_an_image_does_not_survive_the_re_encoding():
    stored = clean(hostile.png_of(10, 10) + b"<html><script>alert(document.cookie)</script></html>")
    assert b"<script" not in stored.content


# Names --------------------------------------------------------------------------------------------------------------


def test_the_stored_name_is_random_and_the_family_s_name_kept_for_display_only():
    stored = clean(hostile.pdf_bytes(), name="certificat médical Léo.pdf")
    assert stored.original_name == "certificat médical Léo.pdf"
    assert stored.name.endswith(".pdf") and "Léo" not in stored.name and len(stored.name) == 36
    assert stored.name != stored.as_file().name  # a new random name each time one is asked


@pytest.mark.parametrize("name", ["x" * 150 + ".pdf", "a\x00b.pdf", "a\nb.pdf"])
def test_strange_names_are_refused(name):
    assert refusal(hostile.pdf_bytes(), name=name).startswith("Le nom du fichier n'est pas accepté")


# The request ---------------------------------------------------------------------------------------------------


class UntouchableBody:
    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


@pytest.mark.django_db
def test_an_oversize_multipart_request_is_answered_413_before_its_body_is_read(client, site):
    response = client.generic(
        "POST",
        "/espace-famille/pieces-justificatives/1/ajouter/",
        b"--B--",
        content_type="multipart/form-data; boundary=B",
        CONTENT_LENGTH=str(500 * MB),
        **{"wsgi.input": UntouchableBody()},
    )
    assert response.status_code == 413
    page = unescape(response.content.decode())
    assert "Fichier trop volumineux" in page and "L'envoi dépasse 11 Mo : il n'a pas été lu" in page
    assert 'href="/espace-famille/pieces-justificatives/1/ajouter/"' in page


@pytest.mark.django_db
def test_a_request_within_the_limit_goes_through(client, site):
    response = client.post("/espace-famille/pieces-justificatives/1/ajouter/", {"file": io.BytesIO(b"x")})
    assert response.status_code == 302  # to the login page: the middleware let it pass
