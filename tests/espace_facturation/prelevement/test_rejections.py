"""A rejected debit, entered by hand with its reason code or read from the bank's pain.002: the invoice back «À
payer», the régie's rejection fee charged, the family told by e-mail, a failed first debit a FRST again."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from espace_facturation import debit_returns
from espace_facturation.exceptions import BillingError
from espace_facturation.models import DebitState, Invoice, InvoiceState, Mandate, SequenceType
from notifications.models import OutboxMessage

from ..factories import cashier
from .helpers import debit_regie, generated_batch, regisseur_user

pytestmark = pytest.mark.django_db

PAIN002 = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03">
  <CstmrPmtStsRpt>
    <GrpHdr><MsgId>RET-1</MsgId><CreDtTm>2027-01-18T08:00:00</CreDtTm></GrpHdr>
    <OrgnlGrpInfAndSts><OrgnlMsgId>{msg}</OrgnlMsgId><OrgnlMsgNmId>pain.008.001.02</OrgnlMsgNmId></OrgnlGrpInfAndSts>
    <OrgnlPmtInfAndSts>
      <OrgnlPmtInfId>P1</OrgnlPmtInfId>
      <TxInfAndSts>
        <OrgnlEndToEndId>{e2e}</OrgnlEndToEndId><TxSts>RJCT</TxSts>
        <StsRsnInf><Rsn><Cd>AM04</Cd></Rsn></StsRsnInf>
      </TxInfAndSts>
      <TxInfAndSts>
        <OrgnlEndToEndId>PF-999-999</OrgnlEndToEndId><TxSts>RJCT</TxSts>
        <StsRsnInf><Rsn><Cd>AC04</Cd></Rsn></StsRsnInf>
      </TxInfAndSts>
    </OrgnlPmtInfAndSts>
  </CstmrPmtStsRpt>
</Document>"""


def test_a_rejection_puts_the_invoice_back_to_pay_charges_the_fee_and_tells_the_family():
    the_regie = debit_regie(debit_rejection_fee=Decimal("5.00"))
    batch = generated_batch(the_regie)
    tx = batch.transactions.get()

    rejected = debit_returns.debit_reject(transaction_id=tx.pk, reason="AM04", by=regisseur_user())

    assert rejected.state == DebitState.REJECTED and rejected.reason == "AM04"
    invoice = Invoice.objects.get(pk=tx.invoice_id)
    assert invoice.state == InvoiceState.TO_PAY and not invoice.debit_in_progress
    fee = rejected.fee_invoice
    assert fee.amount == Decimal("5.00") and fee.family_id == invoice.family_id and fee.state == InvoiceState.TO_PAY
    assert fee.lines.get().label == f"Frais de rejet du prélèvement de la facture {invoice.number}"
    email = OutboxMessage.objects.get(kind="debit_rejected")
    assert "Provision insuffisante" in email.body_text and f"facture {fee.number}" in email.body_text
    assert "5,00" in email.body_text and invoice.number in email.subject
    assert Mandate.objects.get().sequence == SequenceType.FIRST


def test_no_fee_when_the_regie_sets_none_and_a_rejection_counts_once():
    the_regie = debit_regie()
    tx = generated_batch(the_regie).transactions.get()

    debit_returns.debit_reject(transaction_id=tx.pk, reason="AC04", by=regisseur_user())
    with pytest.raises(BillingError, match="déjà"):
        debit_returns.debit_reject(transaction_id=tx.pk, reason="AC04", by=regisseur_user())

    tx.refresh_from_db()
    assert tx.fee_invoice is None and Invoice.objects.count() == 1
    assert OutboxMessage.objects.filter(kind="debit_rejected").count() == 1


def test_an_unknown_reason_or_a_non_regisseur_is_refused():
    tx = generated_batch(debit_regie()).transactions.get()
    with pytest.raises(BillingError, match="motif"):
        debit_returns.debit_reject(transaction_id=tx.pk, reason="ZZ99", by=regisseur_user())
    with pytest.raises(PermissionDenied):
        debit_returns.debit_reject(transaction_id=tx.pk, reason="AM04", by=cashier())


def test_the_banks_pain002_return_records_its_rejections_once():
    batch = generated_batch(debit_regie())
    tx = batch.transactions.get()
    content = PAIN002.format(msg=batch.message_id, e2e=tx.end_to_end_id).encode()

    outcome = debit_returns.debit_return_import(content=content, by=regisseur_user())
    again = debit_returns.debit_return_import(content=content, by=regisseur_user())

    assert [t.pk for t in outcome.rejected] == [tx.pk] and outcome.unknown == ["PF-999-999"]
    assert again.rejected == [] and again.already == [tx.end_to_end_id]
    tx.refresh_from_db()
    assert tx.state == DebitState.REJECTED and tx.reason == "AM04"
    assert OutboxMessage.objects.filter(kind="debit_rejected").count() == 1


def test_a_file_that_is_not_a_return_is_refused():
    with pytest.raises(BillingError, match="pain.002"):
        debit_returns.debit_return_import(content=b"<a/>", by=regisseur_user())
    with pytest.raises(BillingError, match="XML"):
        debit_returns.debit_return_import(content=b"not xml", by=regisseur_user())
