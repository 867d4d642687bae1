"""A lot of direct debits: previewed, generated once as a pain.008.001.02 file checked against the schema, its invoices
«En cours de prélèvement» (no online payment, no counter allocation, no credit note), settled once the date passed."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from espace_facturation import debits, payments, sepa_xml
from espace_facturation.exceptions import BillingError, PaymentError
from espace_facturation.models import (
    BatchState,
    DebitBatch,
    DebitState,
    DebitTransaction,
    Invoice,
    InvoiceState,
    Mandate,
    PaymentKind,
    SequenceType,
)
from notifications.models import OutboxMessage

from ..factories import cashier
from .helpers import BEFORE_DEBIT, DUE, debit_regie, generated_batch, notified_household, regisseur_user

pytestmark = pytest.mark.django_db


def test_the_preview_lists_families_amounts_and_total():
    the_regie = debit_regie()
    durant, _, _ = notified_household(the_regie, "DURANT")
    aderno, _, _ = notified_household(the_regie, "ADERNO")

    preview = debits.batch_preview(regie=the_regie, collection_date=DUE)

    assert [row.invoice.family.name for row in preview.rows] == ["ADERNO", "DURANT"]
    assert preview.total == durant.amount + aderno.amount == Decimal("16.80")
    assert debits.next_collection_date(regie=the_regie, today=BEFORE_DEBIT) == DUE
    assert not DebitBatch.objects.exists()


def test_the_generated_file_reads_back_with_its_count_control_sum_and_sequences():
    the_regie = debit_regie()
    notified_household(the_regie, "DURANT")
    notified_household(the_regie, "ADERNO")
    Mandate.objects.filter(family__name="ADERNO").update(sequence=SequenceType.RECURRING)

    batch = debits.batch_generate(regie=the_regie, collection_date=DUE, by=regisseur_user(), today=BEFORE_DEBIT)

    summary = sepa_xml.read_pain008(batch.xml)
    assert summary.count == batch.count == 2
    assert summary.control_sum == batch.total == Decimal("16.80")
    assert summary.sequences == {"FRST": 1, "RCUR": 1}
    assert summary.message_id == batch.message_id
    assert set(summary.end_to_end_ids) == set(batch.transactions.values_list("end_to_end_id", flat=True))
    assert "<ReqdColltnDt>2027-01-15</ReqdColltnDt>" in batch.xml and "FR12ZZZ123456" in batch.xml
    sepa_xml.validate(batch.xml.encode())
    assert set(Invoice.objects.values_list("state", flat=True)) == {InvoiceState.DEBITING}
    assert set(Mandate.objects.values_list("sequence", flat=True)) == {SequenceType.RECURRING}


def test_a_file_the_schema_refuses_writes_nothing():
    the_regie = debit_regie(creditor_bic="NOT A BIC")
    notified_household(the_regie)

    with pytest.raises(BillingError, match="pain.008.001.02"):
        debits.batch_generate(regie=the_regie, collection_date=DUE, by=regisseur_user(), today=BEFORE_DEBIT)

    assert not DebitBatch.objects.exists() and not DebitTransaction.objects.exists()
    assert Invoice.objects.get().state == InvoiceState.TO_PAY


def test_the_schema_check_refuses_a_broken_file():
    with pytest.raises(BillingError, match="pain.008.001.02"):
        sepa_xml.validate(b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"><Nope/></Document>')


def test_a_resubmitted_generation_makes_one_lot():
    the_regie = debit_regie()
    batch = generated_batch(the_regie)

    again = debits.batch_generate(regie=the_regie, collection_date=DUE, by=regisseur_user(), today=BEFORE_DEBIT)

    assert again.pk == batch.pk and DebitBatch.objects.count() == 1 and DebitTransaction.objects.count() == 1


def test_only_regisseurs_generate_a_lot():
    the_regie = debit_regie()
    notified_household(the_regie)

    with pytest.raises(PermissionDenied):
        debits.batch_generate(regie=the_regie, collection_date=DUE, by=cashier(), today=BEFORE_DEBIT)


def test_a_past_date_or_an_empty_lot_is_refused():
    the_regie = debit_regie()
    notified_household(the_regie)
    with pytest.raises(BillingError, match="passée"):
        debits.batch_generate(regie=the_regie, collection_date=DUE, by=regisseur_user(), today=date(2027, 1, 16))
    with pytest.raises(BillingError, match="Aucune facture"):
        debits.batch_generate(
            regie=the_regie, collection_date=date(2027, 1, 20), by=regisseur_user(), today=BEFORE_DEBIT
        )


def test_an_invoice_being_debited_cannot_be_paid_online_nor_at_the_counter_nor_credited():
    from espace_facturation import services

    the_regie = debit_regie()
    batch = generated_batch(the_regie)
    invoice = batch.transactions.get().invoice
    parent = invoice.family.subscriptions.get().user
    assert invoice.debit_in_progress

    with pytest.raises(PaymentError, match="en cours de prélèvement"):
        payments.online_payment_start(invoices=[invoice], by=parent)
    with pytest.raises(BillingError, match="en cours de prélèvement"):
        services.credit_note_issue(invoice=invoice, amount=Decimal("1"), reason="Erreur", by=cashier())
    payment = payments.payment_record(
        regie=the_regie,
        family=invoice.family,
        kind=PaymentKind.CASH,
        amount=Decimal("5"),
        paid_on=BEFORE_DEBIT,
        by=cashier(),
    )
    assert not payment.allocations.exists()
    assert Invoice.objects.get(pk=invoice.pk).amount_paid == 0


def test_the_lot_is_settled_once_its_date_has_passed():
    the_regie = debit_regie()
    batch = generated_batch(the_regie, "DURANT", "ADERNO")

    assert debits.batches_settle(today=DUE) == 0
    assert debits.batches_settle(today=date(2027, 1, 16)) == 2
    assert debits.batches_settle(today=date(2027, 1, 17)) == 0

    batch.refresh_from_db()
    assert batch.state == BatchState.SETTLED
    assert set(Invoice.objects.values_list("state", flat=True)) == {InvoiceState.PAID}
    tx = batch.transactions.first()
    assert tx.state == DebitState.SETTLED
    assert tx.payment.kind == PaymentKind.DIRECT_DEBIT and tx.payment.paid_on == DUE
    assert tx.payment.amount == tx.amount and tx.payment.reference == tx.end_to_end_id
    assert OutboxMessage.objects.filter(kind="payment_received").count() == 2
