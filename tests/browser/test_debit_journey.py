"""The régisseur's direct debits in a real browser: signed in to the Wagtail admin, they open «Prélèvements», preview
the next lot (families, amounts, total), generate it, download its pain.008 (it parses and follows the schema),
import the bank's pain.002 return that rejects one debit, and read that invoice back «À payer»; the family then reads
it on its invoice page, to pay online. Every page passes axe-core, with no console error and nothing blocked.

The live server reads the real clock: the invoices fall due, and are pre-notified, from today's date."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from espace_facturation import debits, sepa_xml
from espace_facturation.models import DebitBatch, DebitState, Invoice, InvoiceState
from espace_famille.comptes.roles import REGISSEURS
from tests.browser.staff import staff_log_in
from tests.espace_facturation.prelevement.helpers import (
    ISSUED,
    PAIN002,
    debit_household,
    debit_regie,
    return_file,
)
from tests.espace_famille.planning.test_booking_admin import staff
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_regisseur_generates_a_lot_then_imports_a_rejection_the_family_reads(
    live_server, admin_page, page, axe, site
):
    today = timezone.localdate()
    # Due in 14 days, the régie's notice period: the notices go today and announce that day.
    collection_date = today + timedelta(days=14)
    the_regie = debit_regie(due_days=(collection_date - ISSUED).days)
    durant, parent, _ = debit_household(the_regie, "DURANT")
    aderno, _, _ = debit_household(the_regie, "ADERNO")
    assert {n.debit_on for n in debits.debit_notices_send(today=today)} == {collection_date}
    regisseur = staff(REGISSEURS, email="regisseur@example.org")
    url = live_server.url
    day = f"{collection_date:%d/%m/%Y}"

    staff_log_in(admin_page, url, regisseur)
    admin_page.goto(url + "/admin/facturation/prelevements/")
    axe(admin_page)
    admin_page.get_by_label("Régie").select_option(label=the_regie.name)
    with admin_page.expect_navigation():
        admin_page.get_by_role("button", name="Aperçu").click()
    main = admin_page.get_by_role("main")
    assert main.get_by_role("heading", name="Aperçu : 2 prélèvements, 16,80\u00a0€").is_visible()
    preview = main.get_by_role("table", name=f"Factures à prélever le {day}")
    for invoice in (durant, aderno):
        row = preview.get_by_role("row").filter(has_text=invoice.number)
        assert invoice.family.name in row.inner_text() and "8,40\u00a0€" in row.inner_text()
    assert "16,80\u00a0€" in preview.get_by_role("row", name="Total").inner_text()
    axe(admin_page)

    with admin_page.expect_navigation():
        admin_page.get_by_role("button", name="Générer le fichier de prélèvement").click()
    batch = DebitBatch.objects.get()
    assert admin_page.url.endswith(f"/admin/facturation/prelevements/{batch.pk}/")
    assert "2 prélèvements, somme de contrôle 16,80" in admin_page.inner_text("main")
    axe(admin_page)
    with admin_page.expect_download() as download:
        admin_page.get_by_role("link", name="Télécharger le fichier pain.008").click()
    xml = download.value.path().read_bytes()
    sepa_xml.validate(xml)
    summary = sepa_xml.read_pain008(xml)
    assert summary.count == 2 and summary.control_sum == Decimal("16.80") and summary.message_id == batch.message_id

    rejected = batch.transactions.get(invoice=durant)
    accepted = batch.transactions.get(invoice=aderno)
    admin_page.get_by_label("Fichier de retour de la banque (pain.002 ou camt.054)").set_input_files(
        {
            "name": "retour.xml",
            "mimeType": "application/xml",
            "buffer": return_file(PAIN002, batch, rejected, accepted, day=today),
        }
    )
    with admin_page.expect_navigation():
        admin_page.get_by_role("button", name="Importer les rejets").click()
    assert "1 rejet(s) enregistré(s)." in admin_page.inner_text("main")
    row = admin_page.get_by_role("row").filter(has_text=durant.number)
    assert "Rejeté : AM04 — Provision insuffisante" in row.inner_text() and "À payer" in row.inner_text()
    assert "En cours de prélèvement" in admin_page.get_by_role("row").filter(has_text=aderno.number).inner_text()
    axe(admin_page)
    rejected.refresh_from_db()
    assert rejected.state == DebitState.REJECTED
    assert Invoice.objects.get(pk=durant.pk).state == InvoiceState.TO_PAY

    page.goto(url + "/compte/login/")
    page.get_by_role("textbox", name="Identifiant (obligatoire)").fill(parent.email)
    page.get_by_role("textbox", name="Mot de passe (obligatoire)").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/mon-espace/")
    page.goto(url + f"/espace-facturation/factures/{durant.pk}/")
    content = page.inner_text("main")
    assert "À payer" in content and "Prélèvement le" not in content
    assert page.get_by_role("button", name="Payer en ligne").is_visible()
    axe(page)
