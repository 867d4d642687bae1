"""What a parent sees in «Espace facturation»: Mes Factures, an invoice, its PDF, Payer en ligne through the
simulator, Mes Opérations and Mes Règlements; another family gets 404, an anonymous visitor the login."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from espace_facturation import payments, services
from espace_facturation.models import InvoiceState, OnlinePayment, Payment, PaymentKind

from .factories import MONDAYS, billed_household, cashier, household, regie, text

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def the_regie(site):
    return regie()


@pytest.fixture
def invoice(the_regie, client):
    invoice, parent = billed_household(the_regie)
    client.force_login(parent)
    return invoice


def pdf_text(response) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)


def test_mes_factures_lists_the_invoices_with_the_guides_columns_and_payer_en_ligne(client, invoice):
    page = text(client.get(reverse("espace_facturation:invoices")))
    assert "Facture(s) (1 Résultat)" in page
    for column in ("Date", "Service", "Emetteur", "Echéance", "Montant", "Télécharger", "Payer en ligne"):
        assert f">{column}</th>" in page
    assert "05/12/2026" in page and "Regie NEO Technique" in page and "Regie BL Enfance" in page
    assert "04/01/2027" in page and "8,40\u00a0€" in page and "Payer en ligne<span" in page


def test_the_filters_nature_and_annee_narrow_the_list(client, invoice):
    services.credit_note_issue(invoice=invoice, amount=D("2.10"), reason="erreur", by=cashier())
    url = reverse("espace_facturation:invoices")
    assert "Facture(s) (2 Résultats)" in text(client.get(url))
    assert "Facture(s) (1 Résultat)" in text(client.get(url, {"nature": "credit", "year": ""}))
    assert "Facture(s) (1 Résultat)" in text(client.get(url, {"nature": "invoice", "year": "2026"}))
    # A year without invoices is not offered: asked anyway, it is refused beside the field and ignored.
    page = text(client.get(url, {"year": "2025"}))
    assert "Sélectionnez un choix valide" in page and "Facture(s) (2 Résultats)" in page


def test_a_paid_invoice_has_no_payer_en_ligne(client, invoice):
    payments.payment_record(
        regie=invoice.regie,
        family=invoice.family,
        kind=PaymentKind.CHEQUE,
        amount=D("8.40"),
        paid_on=date(2026, 12, 9),
        reference="1",
        by=cashier(),
    )
    page = text(client.get(reverse("espace_facturation:invoices")))
    assert "Payer en ligne<span" not in page and "Réglée" in page


def test_the_invoice_detail_shows_its_lines_totals_and_what_is_left(client, invoice):
    page = text(client.get(reverse("espace_facturation:invoice_detail", args=[invoice.pk])))
    assert f"Facture n° {invoice.number}" in page and "Léo DURANT" in page and "Péri SOIR" in page
    assert "Reste à payer" in page and "Payer en ligne 8,40\u00a0€" in page


def test_the_pdf_is_an_avis_des_sommes_a_payer_with_its_mentions(client, invoice):
    response = client.get(reverse("espace_facturation:invoice_pdf", args=[invoice.pk]))
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'attachment; filename="facture-{invoice.number}.pdf"'
    content = pdf_text(response)
    for expected in (
        f"Facture n° {invoice.number}",
        "Avis des sommes à payer",
        "Mairie de Boulogne-Billancourt",
        "Regie BL Enfance",
        "Famille DURANT",
        "1 rue de la Paix",
        "Léo DURANT",
        "Péri SOIR",
        "2,10 €",
        "8,40 €",
        "Reste à payer",
        "Payer en ligne",
        "Hôtel de ville",
        "article L. 1617-5",
        invoice.personal_code,
        "05/12/2026",
        "04/01/2027",
    ):
        assert expected in content, expected


def test_the_pdf_writes_thousands_with_a_space_its_font_has(client, invoice):
    """Helvetica has no narrow no-break space: «1 234,50 €» keeps a no-break space, never a missing glyph."""
    invoice.lines.update(unit_price=D("1234.50"), amount=D("1234.50"))
    type(invoice).objects.filter(pk=invoice.pk).update(amount=D("1234.50"))
    response = client.get(reverse("espace_facturation:invoice_pdf", args=[invoice.pk]))
    content = pdf_text(response)
    assert content.count("1 234,50 €") == 4 and "\u25a0" not in content  # unit price, line, total, left to pay


def pay_by_cheque(invoice, amount: str, paid_on: date):
    payments.payment_record(
        regie=invoice.regie,
        family=invoice.family,
        kind=PaymentKind.CHEQUE,
        amount=D(amount),
        paid_on=paid_on,
        reference="1",
        by=cashier(),
    )


def test_a_paid_invoices_pdf_says_the_day_it_was_paid_not_a_day_to_pay_before(client, invoice):
    url = reverse("espace_facturation:invoice_pdf", args=[invoice.pk])
    pay_by_cheque(invoice, "3.00", date(2027, 1, 5))
    partly = pdf_text(client.get(url))
    assert "À régler avant le 04/01/2027" in partly and "Comment payer" in partly and "Payée le" not in partly

    pay_by_cheque(invoice, "5.40", date(2027, 1, 12))
    paid = pdf_text(client.get(url))
    assert "Payée le 12/01/2027" in paid
    assert "À régler avant" not in paid and "Comment payer" not in paid and "Payer en ligne" not in paid


def test_paying_online_through_the_simulator_then_reading_reglements_and_operations(client, invoice):
    response = client.post(reverse("espace_facturation:invoice_pay", args=[invoice.pk]))
    online = OnlinePayment.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "espace_facturation:simulator", args=[online.order_id]
    )
    page = text(client.get(response["Location"]))
    assert "8,40\u00a0€" in page and "paiement accepté" in page and "refusé" in page and "abandon" in page
    back = client.post(response["Location"], {"choice": "accepted"})
    assert back["Location"] == reverse("espace_facturation:payment_return", args=[online.order_id])
    assert "Paiement accepté." in text(client.get(back["Location"]))
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.PAID

    payment = Payment.objects.get()
    reglements = text(client.get(reverse("espace_facturation:payments")))
    assert "Mes Règlements (1 Résultat)" in reglements and payment.operation_number in reglements
    assert f"Règlement en ligne - Transaction n°{payment.reference}" in reglements
    operations = text(client.get(reverse("espace_facturation:operations")))
    for column in ("N Opération", "Date", "Description", "Crédit", "Débit", "A Payer"):
        assert f">{column}</th>" in operations
    assert invoice.number in operations and "Réglé" in operations and payment.operation_number in operations


def test_an_abandoned_payment_leaves_the_invoice_to_pay(client, invoice):
    client.post(reverse("espace_facturation:invoice_pay", args=[invoice.pk]))
    online = OnlinePayment.objects.get()
    client.post(reverse("espace_facturation:simulator", args=[online.order_id]), {"choice": "abandon"})
    page = text(client.get(reverse("espace_facturation:payment_return", args=[online.order_id])))
    assert "Paiement abandonné." in page and "reste à payer" in page
    assert "Payer en ligne<span" in text(client.get(reverse("espace_facturation:invoices")))


def test_operations_filters_by_nature_service_and_year(client, invoice):
    payments.payment_record(
        regie=invoice.regie,
        family=invoice.family,
        kind=PaymentKind.CHEQUE,
        amount=D("5"),
        paid_on=date(2026, 12, 9),
        reference="564654646",
        by=cashier(),
    )
    url = reverse("espace_facturation:operations")
    only_payments = text(client.get(url, {"nature": "payment", "regie": "", "year": ""}))
    assert "Chèque 564654646" in only_payments and invoice.number not in only_payments
    assert "Chèque 564654646" not in text(client.get(url, {"nature": "invoice"}))


@pytest.mark.parametrize("name", ["invoices", "operations", "payments"])
def test_the_lists_read_with_a_fixed_number_of_queries(client, the_regie, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    invoice, parent = billed_household(the_regie, days=MONDAYS[:1])
    payments.payment_record(
        regie=the_regie,
        family=invoice.family,
        kind=PaymentKind.CASH,
        amount=D("1"),
        paid_on=date(2026, 12, 9),
        by=cashier(),
    )
    client.force_login(parent)
    url = reverse(f"espace_facturation:{name}")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for day in MONDAYS[1:]:
        more, _ = billed_household(the_regie, f"F{day.day}", days=[day])
        more.family.subscriptions.create(user=parent, method="code")
    for _ in range(5):
        payments.payment_record(
            regie=the_regie,
            family=invoice.family,
            kind=PaymentKind.CASH,
            amount=D("0.10"),
            paid_on=date(2026, 12, 9),
            by=cashier(),
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    # The site's frame (session, account, family, site, navigation, unread counter) and the list's own reads.
    assert len(many) == len(few) <= 22


def family_urls(invoice, online):
    return [
        reverse("espace_facturation:invoice_detail", args=[invoice.pk]),
        reverse("espace_facturation:invoice_pdf", args=[invoice.pk]),
        reverse("espace_facturation:invoice_pay", args=[invoice.pk]),
        reverse("espace_facturation:simulator", args=[online.order_id]),
        reverse("espace_facturation:payment_return", args=[online.order_id]),
    ]


def test_another_familys_invoices_pdfs_and_payments_give_404(client, the_regie):
    invoice, parent = billed_household(the_regie)
    online = payments.online_payment_start(invoices=[invoice], by=parent)
    _, _, stranger = household("ETRANGER")
    client.force_login(stranger)
    for url in family_urls(invoice, online):
        response = client.post(url) if url.endswith("/payer/") else client.get(url)
        assert response.status_code == 404, url
    assert OnlinePayment.objects.count() == 1


def test_anonymous_visitors_are_sent_to_the_login(client, the_regie):
    invoice, parent = billed_household(the_regie)
    online = payments.online_payment_start(invoices=[invoice], by=parent)
    for url in family_urls(invoice, online) + [reverse("espace_facturation:invoices")]:
        response = client.post(url) if url.endswith("/payer/") else client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login")), url
