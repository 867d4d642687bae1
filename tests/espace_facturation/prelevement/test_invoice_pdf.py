"""The invoice PDF of a family on direct debit says the day of the debit («Prélèvement le 15/01/2027», the date the
screens show) instead of inviting to pay online; once debited, that it was paid by direct debit; rejected, how to
pay again."""

import io
from datetime import date

import pytest
from pypdf import PdfReader

from espace_facturation import debit_returns, debits

from ..factories import billed_household
from .helpers import debit_household, debit_regie, generated_batch, notified_household, regisseur_user

pytestmark = pytest.mark.django_db


def pdf_of(client, invoice) -> str:
    response = client.get(f"/espace-facturation/factures/{invoice.pk}/facture.pdf")
    assert response.status_code == 200
    # Words joined by one space: the PDF breaks lines (and cells) where the layout does.
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.content)).pages)


def test_a_pre_notified_invoice_says_the_day_of_its_debit_not_pay_online(client, site):
    the_regie = debit_regie()
    invoice, parent, _ = notified_household(the_regie)
    client.force_login(parent)

    page = pdf_of(client, invoice)
    screen = client.get(f"/espace-facturation/factures/{invoice.pk}/").content.decode()

    assert "Prélèvement le 15/01/2027." in page and "Prélèvement le 15/01/2027" in screen
    assert "vous n'avez rien à faire" in page
    assert "Payer en ligne" not in page and "Au guichet" not in page and "À régler avant" not in page


def test_a_family_on_debit_before_the_notice_reads_its_due_date_as_the_screens_do(client, site):
    invoice, parent, _ = debit_household(debit_regie())
    client.force_login(parent)

    assert "Prélèvement le 15/01/2027." in pdf_of(client, invoice)


def test_an_invoice_in_a_lot_says_the_debit_is_under_way(client, site):
    batch = generated_batch(debit_regie())
    invoice = batch.transactions.get().invoice
    client.force_login(invoice.family.subscriptions.get().user)

    assert "Prélèvement le 15/01/2027 : en cours auprès de votre banque." in pdf_of(client, invoice)


def test_a_debited_invoice_says_it_was_paid_by_direct_debit(client, site):
    batch = generated_batch(debit_regie())
    invoice = batch.transactions.get().invoice
    debits.batches_settle(today=date(2027, 1, 16))
    client.force_login(invoice.family.subscriptions.get().user)

    page = pdf_of(client, invoice)

    assert "Payée par prélèvement le 15/01/2027." in page and "Reste à payer 0,00" in page
    assert "Prélèvement le" not in page


def test_a_rejected_debit_invites_to_pay_again_online_or_at_the_counter(client, site):
    batch = generated_batch(debit_regie())
    tx = batch.transactions.get()
    debit_returns.debit_reject(transaction_id=tx.pk, reason="AM04", by=regisseur_user())
    client.force_login(tx.invoice.family.subscriptions.get().user)

    page = pdf_of(client, tx.invoice)

    assert "Prélèvement le" not in page and "Comment payer" in page and "Au guichet" in page


def test_a_family_not_on_direct_debit_is_invited_to_pay(client, site):
    invoice, parent = billed_household(debit_regie(), "MARTIN")
    client.force_login(parent)

    page = pdf_of(client, invoice)

    assert "Prélèvement" not in page and "Comment payer" in page
