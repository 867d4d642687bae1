"""«Pièces justificatives»: the table with each document's state, uploads checked by their content (hostile
files refused with a French message and nothing stored), validation in the instructors' queue, expiry and
reminders, access by another family and by anonymous visitors."""

import io
import zipfile
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter
from reportlab.pdfgen import canvas

from espace_famille.demandes.models import Request, RequestKind, RequestState
from espace_famille.dossier.models import Subscription
from espace_famille.justificatifs import rules, services
from espace_famille.justificatifs.models import Document, DocumentState, DocumentType, Validity
from notifications.models import OutboxMessage
from tests.commun import hostile
from tests.espace_facturation.factories import text
from tests.factories import ChildFactory, FamilyFactory, GuardianFactory, UserFactory, role, service_instructor
from tests.intents import intent_in, submit

pytestmark = pytest.mark.django_db
LIST = "/espace-famille/pieces-justificatives/"


def pdf_bytes(text_="Attestation d'assurance") -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text_)
    page.save()
    return buffer.getvalue()


def png_bytes(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, "PNG")
    return buffer.getvalue()


def upload(name, data, content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def family(site):
    family = FamilyFactory(name="DURANT")
    GuardianFactory(family=family)
    return family


@pytest.fixture
def leo(family):
    return ChildFactory(family=family, first_name="Léo", birth_date=date(2016, 5, 1))


@pytest.fixture
def parent(client, family):
    user = UserFactory(email="jean.durant@example.org")
    Subscription.objects.create(user=user, family=family, method="code")
    client.force_login(user)
    return user


@pytest.fixture
def insurance():
    return DocumentType.objects.create(
        name="Attestation d'assurance", per_child=True, validity=Validity.YEAR, mandatory=True
    )


@pytest.fixture
def address_proof():
    return DocumentType.objects.create(name="Justificatif de domicile", validity=Validity.SEMESTER)


# Rules --------------------------------------------------------------------------------------------------------------


def test_validity_runs_from_the_validation_day():
    assert rules.valid_until(validity=Validity.SEMESTER, fixed=None, validated_on=date(2026, 8, 31)) == date(
        2027, 2, 28
    )
    assert rules.valid_until(validity=Validity.YEAR, fixed=None, validated_on=date(2024, 2, 29)) == date(2025, 2, 28)
    assert rules.valid_until(validity=Validity.DATE, fixed=date(2027, 7, 3), validated_on=date(2026, 9, 1)) == date(
        2027, 7, 3
    )


@pytest.mark.parametrize(
    ("state", "until", "shown"),
    [
        (None, None, rules.TO_PROVIDE),
        (DocumentState.PENDING, None, rules.PENDING),
        (DocumentState.REFUSED, None, rules.REFUSED),
        (DocumentState.VALIDATED, date(2026, 12, 1), rules.VALIDATED),
        (DocumentState.VALIDATED, date(2026, 11, 23), rules.EXPIRED),
    ],
)
def test_the_state_a_family_sees(state, until, shown):
    assert rules.shown_state(state=state, until=until, today=date(2026, 11, 24)) == shown
    assert rules.is_missing(shown) == (shown in (rules.TO_PROVIDE, rules.REFUSED, rules.EXPIRED))


# The family's screen -------------------------------------------------------------------------------------------------


def test_the_table_lists_each_type_per_child_with_what_is_missing(
    client, parent, family, leo, insurance, address_proof
):
    ChildFactory(family=family, first_name="Nathan", birth_date=date(2018, 1, 1))
    page = text(client.get(LIST))
    for column in ("Nom du document", "Enfant", "Validité", "Obligatoire", "Fichier", "Actions"):
        assert f">{column}</th>" in page
    assert page.count("Attestation d'assurance</td>") == 2 and "Justificatif de domicile</td>" in page
    assert "2 documents obligatoires manquants" in page and "Semestriel" in page and "Annuel" in page
    assert page.count("à fournir") >= 3


def test_a_parent_uploads_a_pdf_that_becomes_a_request_waiting_for_the_service(client, parent, family, leo, insurance):
    url = reverse("justificatifs:upload", args=[insurance.pk]) + f"?enfant={leo.pk}"
    response = submit(client, url, {"file": upload("attestation.pdf", pdf_bytes())})
    assert response.status_code == 302
    document = Document.objects.get()
    assert (
        document.state == DocumentState.PENDING
        and document.child == leo
        and document.original_name == "attestation.pdf"
    )
    assert document.file.name.startswith(f"pieces/{family.pk}/") and "attestation" not in document.file.name
    request = document.request
    assert request.kind == RequestKind.DOCUMENT and request.state == RequestState.PENDING
    assert "Attestation d'assurance — Léo" in request.subject
    assert OutboxMessage.objects.filter(kind="request_received", to_email=parent.email).count() == 1
    page = text(client.get(LIST))
    assert "en attente de validation" in page and "attestation.pdf" in page and "Remplacer" in page
    detail = text(client.get(reverse("espace_famille:request_detail", args=[request.pk])))
    assert "Document envoyé" in detail and "attestation.pdf" in detail


def test_the_file_is_served_as_an_attachment_to_the_family_only(client, parent, family, leo, insurance):
    document = services.document_upload(
        family=family, document_type=insurance, child=leo, upload=upload("a.png", png_bytes(), "image/png"), by=parent
    )
    response = client.get(reverse("justificatifs:file", args=[document.pk]))
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment") and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    stranger = UserFactory()
    Subscription.objects.create(user=stranger, family=FamilyFactory(), method="code")
    client.force_login(stranger)
    assert client.get(reverse("justificatifs:file", args=[document.pk])).status_code == 404
    assert client.get(reverse("justificatifs:upload", args=[insurance.pk]) + f"?enfant={leo.pk}").status_code == 404
    client.logout()
    for url in (
        LIST,
        reverse("justificatifs:file", args=[document.pk]),
        reverse("justificatifs:upload", args=[insurance.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login")), url


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def javascript_pdf() -> bytes:
    data = pdf_bytes()
    return data.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>", 1)


def zip_named_pdf() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "bonjour")
    return buffer.getvalue()


def bomb_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("virus.pdf", zip_named_pdf(), "Ce fichier n'est pas un PDF, JPEG ou PNG"),
        ("script.pdf", javascript_pdf(), "contenu actif"),
        ("echappe.pdf", hostile.hex_escaped_javascript_pdf(), "contenu actif"),
        ("compresse.pdf", hostile.javascript_in_object_stream_pdf(), "contenu actif"),
        ("secret.pdf", encrypted_pdf(), "protégé par un mot de passe"),
        ("proprietaire.pdf", hostile.encrypted_pdf(""), "protégé par un mot de passe"),
        ("bombe.png", bomb_png(), "trop grande"),
        ("39-megapixels.png", hostile.big_png(), "trop grande"),
        ("page.html", b"<html><body>bonjour</body></html>", "Ce fichier n'est pas un PDF, JPEG ou PNG"),
        ("x" * 150 + ".pdf", pdf_bytes(), "Le nom du fichier n'est pas accepté"),
        ("gros.pdf", pdf_bytes() + b"%" * (5 * 1024 * 1024), "Le fichier dépasse 5 Mo."),
        ("vide.pdf", b"", "vide"),
    ],
)
def test_hostile_files_are_refused_beside_the_field_and_nothing_is_stored(
    client, parent, leo, insurance, name, data, message
):
    url = reverse("justificatifs:upload", args=[insurance.pk]) + f"?enfant={leo.pk}"
    storage, folder = Document.file.field.storage, f"pieces/{leo.family_id}"

    def stored():
        return storage.listdir(folder)[1] if storage.exists(folder) else []

    before = stored()
    response = submit(client, url, {"file": upload(name, data)})
    assert response.status_code == 400
    assert message in text(response) and 'id="id_file_error"' in text(response)
    assert not Document.objects.exists() and not Request.objects.exists()
    assert stored() == before


def test_a_document_sent_twice_is_one_document_and_one_request(client, parent, family, leo, insurance):
    url = reverse("justificatifs:upload", args=[insurance.pk]) + f"?enfant={leo.pk}"
    token = intent_in(client.get(url))
    client.post(url, {"file": upload("attestation.pdf", pdf_bytes()), "intent": token})
    again = client.post(url, {"file": upload("attestation.pdf", pdf_bytes()), "intent": token})

    assert again.status_code == 302 and again["Location"] == LIST
    assert "Cette demande est déjà enregistrée." in text(client.get(LIST))
    assert Document.objects.count() == 1
    assert Request.objects.filter(kind=RequestKind.DOCUMENT).count() == 1


def test_an_upload_page_names_its_document_type_and_child(client, parent, family, leo, insurance):
    nathan = ChildFactory(family=family, first_name="Nathan", birth_date=date(2018, 1, 1))
    leo_page = reverse("justificatifs:upload", args=[insurance.pk]) + f"?enfant={leo.pk}"
    nathan_page = reverse("justificatifs:upload", args=[insurance.pk]) + f"?enfant={nathan.pk}"
    response = client.post(
        nathan_page, {"file": upload("attestation.pdf", pdf_bytes()), "intent": intent_in(client.get(leo_page))}
    )
    assert response.status_code == 400
    assert "Cette page a expiré ou ne correspond pas à votre demande" in text(response)
    assert not Document.objects.exists()


def test_what_is_stored_is_the_re_encoded_image_without_its_comment_or_gps_position(client, parent, leo, insurance):
    url = reverse("justificatifs:upload", args=[insurance.pk]) + f"?enfant={leo.pk}"
    sent = hostile.jpeg_with_secrets()
    assert submit(client, url, {"file": upload("IMG_0001.jpg", sent, "image/jpeg")}).status_code == 302
    document = Document.objects.get()
    assert document.content_type == "image/jpeg" and document.extension == ".jpg"
    with document.file.open("rb") as stored:
        content = stored.read()
    hostile.assert_bare(content)
    assert document.size == len(content)


class UntouchableBody:
    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_an_oversize_upload_is_answered_413_unread_and_nothing_is_stored(client, parent, leo, insurance):
    url = reverse("justificatifs:upload", args=[insurance.pk]) + f"?enfant={leo.pk}"
    response = client.generic(
        "POST",
        url,
        b"--B--",
        content_type="multipart/form-data; boundary=B",
        CONTENT_LENGTH=str(2 * 1024 * 1024 * 1024),
        **{"wsgi.input": UntouchableBody()},
    )
    assert response.status_code == 413
    page = text(response)
    assert "L'envoi dépasse 11 Mo : il n'a pas été lu et rien n'a été enregistré." in page
    assert f'<a class="button" href="{url}">Revenir au formulaire</a>' in page
    with override_settings(UPLOAD_MAX_REQUEST_BYTES=1024 * 1024):
        response = submit(client, url, {"file": upload("scan.pdf", pdf_bytes() + b"%" * (1024 * 1024))})
    assert response.status_code == 413 and "L'envoi dépasse 1 Mo" in text(response)
    assert not Document.objects.exists() and not Request.objects.exists()


@pytest.mark.parametrize("chosen", ["", "abc", "1' OR '1'='1", "99999999999999999999999", "-1"])
def test_a_strange_child_in_the_address_gives_404_not_an_error(client, parent, leo, insurance, chosen):
    """Found by `make scan` (wapiti): a non-numeric «enfant» gave a server error."""
    url = reverse("justificatifs:upload", args=[insurance.pk])
    assert client.get(url, {"enfant": chosen}).status_code == 404


def test_a_path_in_the_file_name_never_reaches_the_storage(client, parent, family, leo, insurance):
    url = reverse("justificatifs:upload", args=[insurance.pk]) + f"?enfant={leo.pk}"
    submit(client, url, {"file": upload("../../../etc/passwd.pdf", pdf_bytes())})
    document = Document.objects.get()
    assert document.original_name == "passwd.pdf" and ".." not in document.file.name
    assert document.file.name.startswith(f"pieces/{family.pk}/")


def test_a_document_decision_sent_twice_is_taken_once(client, family, leo, insurance):
    parent = UserFactory()
    Subscription.objects.create(user=parent, family=family, method="code")
    document = services.document_upload(
        family=family, document_type=insurance, child=leo, upload=upload("a.pdf", pdf_bytes()), by=parent
    )
    instructor(client)
    form = {"documents": [document.pk], "decision": "validate", "message": ""}
    form["intent"] = intent_in(client.get("/admin/pieces-justificatives/"))
    client.post("/admin/pieces-justificatives/", form)
    again = client.post("/admin/pieces-justificatives/", form)

    assert again.status_code == 302
    page = text(client.get(again.url))
    assert "Cette demande est déjà enregistrée." in page and "déjà été traité" not in page
    document.refresh_from_db()
    assert document.state == DocumentState.VALIDATED


# The service --------------------------------------------------------------------------------------------------------


def instructor(client):
    user = UserFactory(email="instructeur@example.org")
    user.groups.add(role("Instructeurs"))
    client.force_login(user)
    return user


def test_instructors_validate_in_bulk_and_refuse_with_a_message(client, family, leo, insurance, address_proof):
    parent = UserFactory()
    Subscription.objects.create(user=parent, family=family, method="code")
    first = services.document_upload(
        family=family, document_type=insurance, child=leo, upload=upload("a.pdf", pdf_bytes()), by=parent
    )
    second = services.document_upload(
        family=family, document_type=address_proof, child=None, upload=upload("b.pdf", pdf_bytes()), by=parent
    )
    agent = instructor(client)
    queue = text(client.get("/admin/pieces-justificatives/"))
    assert "Attestation d'assurance" in queue and "DURANT" in queue and "a.pdf" in queue
    assert client.get(reverse("justificatifs:file", args=[first.pk])).status_code == 200
    response = submit(
        client, "/admin/pieces-justificatives/", {"documents": [second.pk], "decision": "refuse", "message": ""}
    )
    assert response.status_code == 400 and "Dites à la famille pourquoi" in text(response)
    submit(
        client,
        "/admin/pieces-justificatives/",
        {"documents": [second.pk], "decision": "refuse", "message": "Document illisible."},
    )
    submit(client, "/admin/pieces-justificatives/", {"documents": [first.pk], "decision": "validate", "message": ""})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (
        first.state == DocumentState.VALIDATED
        and first.valid_until is not None
        and first.request.state == RequestState.ACCEPTED
    )
    assert second.state == DocumentState.REFUSED and second.request.events.last().message == "Document illisible."
    assert first.request.decided_by == agent


def test_a_parent_cannot_reach_the_queue(client, parent):
    assert client.get("/admin/pieces-justificatives/").status_code == 403


def test_an_expired_document_counts_as_missing_and_the_family_is_reminded_once(client, parent, family, leo, insurance):
    document = services.document_upload(
        family=family, document_type=insurance, child=leo, upload=upload("a.pdf", pdf_bytes()), by=parent
    )
    services.documents_decide(documents=[document.pk], accept=True, by=service_instructor(), today=date(2025, 12, 1))
    document.refresh_from_db()
    assert document.valid_until == date(2026, 12, 1)
    assert services.expiry_reminders_send(today=date(2026, 11, 24), days_before=30) == 1
    services.expiry_reminders_send(today=date(2026, 11, 25), days_before=30)
    email = OutboxMessage.objects.get(kind="document_expiry")
    assert "Attestation d'assurance — Léo" in email.subject and "01/12/2026" in email.body_text
    Document.objects.filter(pk=document.pk).update(valid_until=date(2026, 11, 1))
    page = text(client.get(LIST))
    assert "expiré" in page and "1 document obligatoire manquant" in page


def test_the_family_page_reads_with_a_fixed_number_of_queries(client, parent, family, leo, insurance, address_proof):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for name in ("Nathan", "Léa", "Tom"):
        child = ChildFactory(family=family, first_name=name)
        services.document_upload(
            family=family, document_type=insurance, child=child, upload=upload("a.pdf", pdf_bytes()), by=parent
        )
    with CaptureQueriesContext(connection) as many:
        client.get(LIST)
    assert len(many) == len(few)


def saved_as(content_disposition: str) -> str:
    """The name a browser gives the downloaded file: RFC 6266's filename* (UTF-8) or filename, then only what
    follows the last «/» or «\\» (a path is never followed)."""
    from urllib.parse import unquote

    if "filename*=" in content_disposition:
        name = unquote(content_disposition.split("filename*=")[1].split(";")[0].split("''", 1)[1])
    else:
        name = content_disposition.split('filename="')[1].rsplit('"', 1)[0].replace('\\"', '"')
    return name.replace("\\", "/").rsplit("/", 1)[-1]


@pytest.mark.parametrize(
    ("title", "saved"),
    [
        ("Attestation CAF 01/2026", "Attestation CAF 01-2026.pdf"),
        ("Quotient familial 2025/2026 (CAF)", "Quotient familial 2025-2026 (CAF).pdf"),
        ("Certificat médical 01/2026", "Certificat médical 01-2026.pdf"),
        ('Assurance "extra\\scolaire"', "Assurance extra-scolaire.pdf"),
    ],
)
def test_a_downloaded_document_keeps_every_word_of_its_name(client, parent, family, title, saved):
    document_type = DocumentType.objects.create(name=title, validity=Validity.YEAR)
    document = services.document_upload(
        family=family, document_type=document_type, child=None, upload=upload("a.pdf", pdf_bytes()), by=parent
    )
    response = client.get(reverse("justificatifs:file", args=[document.pk]))
    assert response["Content-Disposition"].startswith("attachment; filename")
    assert saved_as(response["Content-Disposition"]) == saved
