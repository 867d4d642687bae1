"""The family's documents on a phone (360 px): «Mes Règlements» links each payment's receipt, «Mes attestations»
lists the childcare certificates by year and child; both PDFs download; every page passes axe-core and fits the
screen."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from espace_facturation import payments
from espace_facturation.models import PaymentKind
from tests.espace_facturation.factories import billed_household, cashier, regie
from tests.factories import PASSWORD
from tests.test_authorization_sweep import certificate_of

pytestmark = pytest.mark.django_db(transaction=True)


def _pdf_text(download) -> str:
    content = download.value.path().read_bytes()
    return "\n".join(p.extract_text() for p in PdfReader(BytesIO(content)).pages)


def test_a_parent_downloads_a_receipt_and_an_attestation_on_a_phone(live_server, page, axe, site):
    invoice, parent = billed_household(regie(signatory_name="Marie DUPONT"))
    payment = payments.payment_record(
        regie=invoice.regie,
        family=invoice.family,
        kind=PaymentKind.CHEQUE,
        amount=Decimal("8.40"),
        paid_on=date(2026, 12, 9),
        reference="564654646",
        by=cashier(),
    )
    certificate_of(invoice.family, invoice.family.children.get(), invoice.regie, name="Léo DURANT")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/compte/login/")
    page.get_by_role("textbox", name="Identifiant (obligatoire)").fill(parent.email)
    page.get_by_role("textbox", name="Mot de passe (obligatoire)").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/mon-espace/")

    page.goto(live_server.url + "/espace-facturation/reglements/")
    assert page.get_by_role("columnheader", name="Reçu").is_visible()
    axe(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=f"PDF du reçu de l'opération {payment.operation_number}").click()
    text = _pdf_text(download)
    assert f"Reçu n° {payment.operation_number}" in text and "Chèque 564654646" in text

    page.goto(live_server.url + "/espace-facturation/")
    page.get_by_role("link", name="Mes attestations").first.click()
    page.wait_for_url("**/attestations/")
    assert page.get_by_role("heading", name="Année 2025").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    axe(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF de l'attestation 2025 de Léo DURANT").click()
    text = _pdf_text(download)
    assert "Attestation de frais de garde 2025" in text and "120,00 €" in text
