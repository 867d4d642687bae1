"""«Votre espace de facturation» in a real browser: a parent sees an unpaid invoice, downloads its PDF, pays it
through the payment simulator, then finds the payment in «Mes Règlements» and «Mes Opérations».
Every page is checked by axe-core."""

from io import BytesIO

import pytest
from pypdf import PdfReader

from espace_facturation.models import InvoiceState
from tests.espace_facturation.factories import billed_household, regie
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_parent_pays_an_invoice_online_and_finds_the_payment(live_server, page, axe, site):
    invoice, parent = billed_household(regie())
    url = live_server.url

    page.goto(url + "/compte/login/")
    page.get_by_role("textbox", name="Identifiant (obligatoire)").fill(parent.email)
    page.get_by_role("textbox", name="Mot de passe (obligatoire)").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/mon-espace/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Espace facturation").click()
    assert "1 facture à payer." in page.content()
    axe(page)
    page.get_by_role("link", name="Mes Factures").click()
    page.wait_for_url("**/factures/")
    assert page.get_by_role("heading", name="Facture(s) (1 Résultat)").is_visible()
    axe(page)

    with page.expect_download() as download:
        page.get_by_role("link", name=f"PDF de la facture {invoice.number}").click()
    content = download.value.path().read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(content)).pages)
    assert f"Facture n° {invoice.number}" in text and "8,40 €" in text and "Avis des sommes à payer" in text

    page.get_by_role("button", name=f"Payer en ligne 8,40 € de la facture {invoice.number}").click()
    page.wait_for_url("**/simulateur/")
    axe(page)
    page.get_by_role("button", name="paiement accepté").click()
    page.wait_for_url("**/paiement/*/")
    assert "Paiement accepté." in page.content()
    axe(page)
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.PAID

    page.get_by_role("link", name="Mes Règlements").click()
    page.wait_for_url("**/reglements/")
    assert page.get_by_role("heading", name="Mes Règlements (1 Résultat)").is_visible()
    assert "Règlement en ligne - Transaction n°" in page.content()
    axe(page)
    page.goto(url + "/espace-facturation/operations/")
    row = page.get_by_role("row").filter(has_text=invoice.number)
    assert "Réglé" in row.inner_text()
    axe(page)
    page.goto(url + "/espace-facturation/factures/")
    assert page.get_by_role("button", name="Payer en ligne").count() == 0
