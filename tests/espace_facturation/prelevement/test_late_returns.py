"""The bank's return files, as a French bank sends them (samples/): the pain.002 status report and the camt.054 debit
notification, each read before the lot is settled and after (a debit returned days after the collection date). After
settlement the «Prélèvement» payment is cancelled: its allocation undone, the invoice «À payer» again, the journal's
rejection entry on the day of the return, the fee charged and the family told, once, whatever the times the same
file is imported."""

import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader
from wagtail.models import ModelLogEntry

from espace_facturation import debit_returns, debits, journal, selectors, sepa_xml
from espace_facturation.models import (
    DebitState,
    Invoice,
    InvoiceState,
    Payment,
    PaymentAllocation,
    PaymentKind,
)
from notifications.models import OutboxMessage

from .helpers import CAMT054, DUE, PAIN002, debit_regie, generated_batch, regisseur_user, return_file

pytestmark = pytest.mark.django_db

SETTLED = date(2027, 1, 16)
RETURNED = date(2027, 1, 20)  # the bank books the return five days after the collection date
REJECTED_BEFORE = date(2027, 1, 12)  # the bank's report before the collection date


@pytest.fixture
def lot():
    the_regie = debit_regie(debit_rejection_fee=Decimal("5.00"))
    batch = generated_batch(the_regie, "DURANT", "ADERNO")
    rejected = batch.transactions.get(invoice__family__name="DURANT")
    accepted = batch.transactions.get(invoice__family__name="ADERNO")
    return batch, rejected, accepted


@pytest.mark.parametrize("name", [PAIN002, CAMT054])
def test_each_return_file_names_the_rejected_debit_its_reason_and_day(lot, name):
    batch, rejected, accepted = lot

    read = sepa_xml.read_return(return_file(name, batch, rejected, accepted, day=RETURNED, reason="MD01"))

    assert read == [sepa_xml.Rejection(end_to_end_id=rejected.end_to_end_id, reason="MD01", on=RETURNED)]


def test_a_camt053_statement_reads_as_the_notification_does(lot):
    batch, rejected, accepted = lot
    notification = return_file(CAMT054, batch, rejected, accepted, day=RETURNED).decode()
    statement = (
        notification.replace("camt.054.001.02", "camt.053.001.02")
        .replace("BkToCstmrDbtCdtNtfctn>", "BkToCstmrStmt>")
        .replace("Ntfctn>", "Stmt>")
    )

    assert sepa_xml.read_return(statement.encode()) == sepa_xml.read_return(notification.encode())


@pytest.mark.parametrize("name", [PAIN002, CAMT054])
def test_a_return_before_settlement_puts_the_invoice_back_to_pay_once(lot, name):
    batch, rejected, accepted = lot
    content = return_file(name, batch, rejected, accepted, day=REJECTED_BEFORE)

    first = debit_returns.debit_return_import(content=content, by=regisseur_user())
    again = debit_returns.debit_return_import(content=content, by=regisseur_user())
    debits.batches_settle(today=SETTLED)

    assert [tx.pk for tx in first.rejected] == [rejected.pk] and again.already == [rejected.end_to_end_id]
    rejected.refresh_from_db()
    assert rejected.state == DebitState.REJECTED and rejected.reason == "AM04" and rejected.payment is None
    assert rejected.rejected_on == REJECTED_BEFORE
    assert Invoice.objects.get(pk=rejected.invoice_id).state == InvoiceState.TO_PAY
    assert Invoice.objects.get(pk=accepted.invoice_id).state == InvoiceState.PAID
    assert OutboxMessage.objects.filter(kind="debit_rejected").count() == 1
    # Never paid, nothing to reverse: the journal holds the accepted debit's payment only.
    book = journal.journal(regie=batch.regie, start=DUE, end=RETURNED)
    assert {e.nature for e in book.entries} == {journal.PAYMENT}


@pytest.mark.parametrize("name", [PAIN002, CAMT054])
def test_a_return_after_settlement_cancels_the_debits_payment_and_puts_the_invoice_back_to_pay(lot, name):
    batch, rejected, accepted = lot
    debits.batches_settle(today=SETTLED)
    rejected.refresh_from_db()
    payment = rejected.payment
    assert Invoice.objects.get(pk=rejected.invoice_id).state == InvoiceState.PAID
    content = return_file(name, batch, rejected, accepted, day=RETURNED)

    first = debit_returns.debit_return_import(content=content, by=regisseur_user())
    again = debit_returns.debit_return_import(content=content, by=regisseur_user())

    assert [tx.pk for tx in first.rejected] == [rejected.pk] and first.unknown == []
    assert again.rejected == [] and again.already == [rejected.end_to_end_id]
    rejected.refresh_from_db()
    assert rejected.state == DebitState.REJECTED and rejected.reason == "AM04" and rejected.rejected_on == RETURNED
    invoice = Invoice.objects.get(pk=rejected.invoice_id)
    assert invoice.state == InvoiceState.TO_PAY and invoice.amount_paid == 0 and invoice.left_to_pay == rejected.amount
    payment.refresh_from_db()
    assert payment.cancelled_on == RETURNED and "AM04" in payment.cancel_reason
    assert not PaymentAllocation.objects.filter(payment=payment).exists()
    # The other family's debit stays paid.
    assert Invoice.objects.get(pk=accepted.invoice_id).state == InvoiceState.PAID
    assert ModelLogEntry.objects.filter(action="portail.payment.cancel", object_id=str(payment.pk)).count() == 1
    assert ModelLogEntry.objects.filter(action="portail.debit.reject", object_id=str(invoice.pk)).count() == 1
    fee = rejected.fee_invoice
    assert fee.amount == Decimal("5.00") and fee.state == InvoiceState.TO_PAY
    emails = OutboxMessage.objects.filter(kind="debit_rejected")
    assert emails.count() == 1 and "Provision insuffisante" in emails.get().body_text
    assert "de nouveau à payer" in emails.get().body_text


def test_the_journal_reverses_the_returned_debit_on_the_day_of_the_return(lot):
    batch, rejected, accepted = lot
    debits.batches_settle(today=SETTLED)
    content = return_file(CAMT054, batch, rejected, accepted, day=RETURNED)
    debit_returns.debit_return_import(content=content, by=regisseur_user())
    payment = Payment.objects.get(debit=rejected)
    regie = batch.regie

    collection = journal.journal(regie=regie, start=DUE, end=DUE)
    returned = journal.journal(regie=regie, start=RETURNED, end=RETURNED)

    # The payment stays in the journal of its day (an exported month does not change)...
    assert [e.piece for e in collection.entries if e.nature == journal.PAYMENT].count(payment.operation_number) == 2
    # ...and is reversed on the day of the return: the family's account debited again, the bank credited.
    rejection = [e for e in returned.entries if e.nature == journal.REJECTION]
    assert [(e.account, e.debit, e.credit) for e in rejection] == [
        (regie.account_families, rejected.amount, Decimal("0")),
        (regie.account_bank, Decimal("0"), rejected.amount),
    ]
    assert all(e.piece == payment.operation_number and "Provision insuffisante" in e.label for e in rejection)
    assert returned.balanced


def test_the_familys_operations_count_the_returned_debit_and_the_fee(lot):
    batch, rejected, accepted = lot
    debits.batches_settle(today=SETTLED)
    debit_returns.debit_return_import(
        content=return_file(PAIN002, batch, rejected, accepted, day=RETURNED), by=regisseur_user()
    )
    family = rejected.invoice.family

    operations = selectors.operations(family=family)

    assert operations.balance == rejected.amount + Decimal("5.00")
    assert any(row.description.startswith("Annulation du règlement") for row in operations.rows)
    assert Payment.objects.get(family=family).kind == PaymentKind.DIRECT_DEBIT


@pytest.mark.parametrize("reason", ["AC04", "AM04", "MD01"])
def test_a_rejection_entered_by_hand_after_settlement_cancels_the_payment(lot, reason):
    batch, rejected, _ = lot
    debits.batches_settle(today=SETTLED)

    tx = debit_returns.debit_reject(
        transaction_id=rejected.pk, reason=reason, by=regisseur_user(), rejected_on=RETURNED
    )

    assert tx.state == DebitState.REJECTED and tx.reason == reason
    assert tx.payment.cancelled_on == RETURNED and reason in tx.payment.cancel_reason
    assert Invoice.objects.get(pk=tx.invoice_id).state == InvoiceState.TO_PAY
    with pytest.raises(debit_returns.BillingError, match="déjà"):
        debit_returns.debit_reject(transaction_id=rejected.pk, reason=reason, by=regisseur_user())
    assert OutboxMessage.objects.filter(kind="debit_rejected").count() == 1


def test_the_family_reads_its_invoice_to_pay_again_after_a_late_return(lot, client, site):
    batch, rejected, accepted = lot
    debits.batches_settle(today=SETTLED)
    debit_returns.debit_return_import(
        content=return_file(CAMT054, batch, rejected, accepted, day=RETURNED), by=regisseur_user()
    )
    client.force_login(rejected.invoice.family.subscriptions.get().user)

    page = client.get(f"/espace-facturation/factures/{rejected.invoice_id}/").content.decode()
    payments = client.get("/espace-facturation/reglements/").content.decode()

    assert "À payer" in page and "Prélèvement le" not in page
    assert "annulé le 20/01/2027" in payments


def test_the_receipt_of_a_returned_debit_says_it_was_cancelled_not_credited(lot, client, site):
    batch, rejected, accepted = lot
    debits.batches_settle(today=SETTLED)
    debit_returns.debit_return_import(
        content=return_file(PAIN002, batch, rejected, accepted, day=RETURNED), by=regisseur_user()
    )
    payment = Payment.objects.get(debit=rejected)
    client.force_login(rejected.invoice.family.subscriptions.get().user)

    response = client.get(f"/espace-facturation/reglements/{payment.pk}/recu.pdf")
    receipt = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(response.content)).pages)

    assert "Règlement annulé le 20/01/2027" in receipt and "Provision insuffisante" in receipt
    assert "Trop-perçu" not in receipt


def test_only_a_regisseur_cancels_a_payment_and_only_once(lot):
    from django.core.exceptions import PermissionDenied

    from espace_facturation import payments
    from espace_facturation.exceptions import PaymentError

    from .helpers import instructor

    batch, rejected, _ = lot
    debits.batches_settle(today=SETTLED)
    payment = Payment.objects.get(debit=rejected)

    with pytest.raises(PermissionDenied):
        payments.payment_cancel(payment=payment, reason="Erreur", on=RETURNED, by=instructor())
    payment.refresh_from_db()
    assert payment.cancelled_on is None and payment.allocations.exists()
    payments.payment_cancel(payment=payment, reason="Erreur", on=RETURNED, by=regisseur_user())
    with pytest.raises(PaymentError, match="déjà annulé"):
        payments.payment_cancel(payment=payment, reason="Erreur", on=RETURNED, by=regisseur_user())
    assert ModelLogEntry.objects.filter(action="portail.payment.cancel").count() == 1
