"""«Gérer vos pièces justificatives» in a real browser: a parent uploads a document, an instructor opens it in
the admin queue and validates it, finds it in «Justificatifs» and opens its screen; the parent sees it «validé».
axe-core checks the parent's pages and «Justificatifs»."""

import io

import pytest
from django.contrib.auth.models import Group
from reportlab.pdfgen import canvas

from espace_famille.comptes.permissions import ensure_staff_groups
from espace_famille.dossier.models import Subscription
from espace_famille.justificatifs.models import Document, DocumentState, DocumentType, Validity
from tests.browser.staff import staff_log_in
from tests.factories import PASSWORD, ChildFactory, FamilyFactory, GuardianFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_parent_uploads_a_document_and_an_instructor_validates_it(live_server, page, axe, site, tmp_path):
    family = FamilyFactory(name="DURANT")
    GuardianFactory(family=family)
    ChildFactory(family=family, first_name="Léo")
    parent = UserFactory(email="jean.durant@example.org")
    Subscription.objects.create(user=parent, family=family, method="code")
    DocumentType.objects.create(name="Attestation d'assurance", per_child=True, validity=Validity.YEAR, mandatory=True)
    ensure_staff_groups()
    instructor = UserFactory(email="instructrice@example.org", is_staff=True)
    instructor.groups.add(Group.objects.get(name="Instructeurs"))
    pdf = tmp_path / "attestation.pdf"
    drawing = io.BytesIO()
    sheet = canvas.Canvas(drawing)
    sheet.drawString(72, 720, "Attestation d'assurance scolaire")
    sheet.save()
    pdf.write_bytes(drawing.getvalue())
    url = live_server.url

    page.goto(url + "/compte/login/")
    page.get_by_role("textbox", name="Identifiant (obligatoire)").fill(parent.email)
    page.get_by_role("textbox", name="Mot de passe (obligatoire)").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/mon-espace/")
    page.goto(url + "/espace-famille/")
    page.get_by_role("link", name="Pièces justificatives").click()
    page.wait_for_url("**/pieces-justificatives/")
    assert "1 document obligatoire manquant" in page.content() and "à fournir" in page.content()
    axe(page)
    page.get_by_role("link", name="Ajouter : Attestation d'assurance de Léo").click()
    axe(page)
    page.get_by_label("Fichier").set_input_files(str(pdf))
    page.get_by_role("button", name="Envoyer").click()
    page.wait_for_url("**/pieces-justificatives/")
    assert "en attente de validation" in page.content() and "attestation.pdf" in page.content()
    axe(page)

    admin = page.context.browser.new_context(locale="fr-FR")
    staff_page = admin.new_page()
    staff_log_in(staff_page, url, instructor)
    staff_page.goto(url + "/admin/pieces-justificatives/")
    assert "attestation.pdf" in staff_page.content() and "DURANT" in staff_page.content()
    staff_page.get_by_label("Choisir Attestation d'assurance — Léo (DURANT)").check()
    staff_page.get_by_role("button", name="Valider").click()
    staff_page.wait_for_load_state()
    assert "1 document validé." in staff_page.content()
    staff_page.goto(url + "/admin/justificatifs/")
    assert "Validé" in staff_page.content() and "DURANT" in staff_page.content()
    axe(staff_page)
    with staff_page.expect_navigation():
        staff_page.get_by_role("link", name="Attestation d'assurance").click()
    assert "attestation.pdf" in staff_page.content() and "Demande acceptée" in staff_page.content()
    axe(staff_page)
    admin.close()

    assert Document.objects.get().state == DocumentState.VALIDATED
    page.reload()
    assert "validé" in page.content() and "manquant" not in page.content()
    axe(page)
