"""Rejected debits: entered by a régisseur with the bank's reason code, or read from the bank's return file (pain.002
status report, camt.054 debit notification).

A rejection puts the invoice back «À payer», charges the régie's rejection fee (an invoice of its own, numbered in
the régie's sequence), makes the mandate's next debit a FRST again when the first one failed, and tells the family.
A rejection may come after the lot was settled (the bank returns a debit days, or weeks, after the collection date):
the «Prélèvement» payment that settled the invoice is then cancelled (payments.payment_cancel: its allocation undone,
the journal's rejection entry on the day of the rejection)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from commun import formats
from espace_famille.comptes.models import User
from espace_famille.dossier.models import Subscription
from notifications import services as notifications

from . import payments, rules, sepa_xml
from .debits import check_debit
from .exceptions import BillingError
from .models import (
    ZERO,
    DebitState,
    DebitTransaction,
    Invoice,
    InvoiceLine,
    InvoiceNature,
    InvoiceState,
    Mandate,
    RejectionReason,
    SequenceType,
)
from .services import _email_context, _emission_code, _ensure_sequence, _personal_code, next_number

REJECTED_EMAIL = "debit_rejected"
# A code the list does not hold is kept as «raison non communiquée».
UNKNOWN_REASON = RejectionReason.MS03


def _fee_invoice(tx: DebitTransaction, invoice: Invoice, today: date) -> Invoice | None:
    regie = invoice.regie
    fee = regie.debit_rejection_fee
    if not fee or fee <= ZERO:
        return None
    fee_invoice = Invoice.objects.create(
        regie=regie,
        family_id=invoice.family_id,
        nature=InvoiceNature.INVOICE,
        number=next_number(regie=regie, year=today.year),
        issued_on=today,
        due_on=rules.due_date(issued_on=today, days=regie.due_days),
        amount=fee,
        state=InvoiceState.TO_PAY,
        emission_code=_emission_code(regie, today),
        personal_code=_personal_code(),
    )
    InvoiceLine.objects.create(
        invoice=fee_invoice,
        label=f"Frais de rejet du prélèvement de la facture {invoice.number}",
        quantity=Decimal("1"),
        unit_price=fee,
        amount=fee,
    )
    log(instance=fee_invoice, action="portail.invoice.issue", data={"number": fee_invoice.number, "fee": tx.pk})
    return fee_invoice


def _tell_family(tx: DebitTransaction, invoice: Invoice, fee_invoice: Invoice | None) -> None:
    for subscription in Subscription.objects.filter(family_id=invoice.family_id).select_related("user"):
        user = subscription.user
        context = _email_context(invoice, user)
        context.update(
            {
                "montant": formats.money(tx.amount),
                "date_prelevement": formats.date_numeric(tx.batch.collection_date),
                "motif": RejectionReason(tx.reason).label.split(" — ", 1)[-1],
                "frais": (
                    f"Des frais de rejet de {formats.money(fee_invoice.amount)} vous sont facturés "
                    f"(facture {fee_invoice.number})."
                    if fee_invoice
                    else ""
                ),
            }
        )
        notifications.queue(
            kind=REJECTED_EMAIL, to=user.email, key=f"{REJECTED_EMAIL}:{tx.pk}:{user.pk}", context=context
        )


def debit_reject(*, transaction_id: int, reason: str, by: User, rejected_on: date | None = None) -> DebitTransaction:
    """A debit the bank rejected, in flight or settled already (its payment cancelled): the invoice back «À payer»,
    the fee charged, the family told. Once: a debit rejected already raises BillingError."""
    check_debit(by)
    if reason not in RejectionReason.values:
        raise BillingError("Choisissez le motif du rejet donné par la banque.")
    today = timezone.localdate()
    tx = DebitTransaction.objects.select_related("invoice__regie").get(pk=transaction_id)
    _ensure_sequence(tx.invoice.regie, today.year)
    with transaction.atomic():
        tx = DebitTransaction.objects.select_for_update(of=("self",)).select_related("batch").get(pk=transaction_id)
        if tx.state == DebitState.REJECTED:
            raise BillingError("Ce prélèvement est déjà enregistré comme rejeté.")
        rejected_on = rejected_on or today
        if tx.state == DebitState.SETTLED:
            # Never before the day it was paid: the journal reverses the payment after it.
            rejected_on = max(rejected_on, tx.batch.collection_date)
            tx.payment = payments.payment_cancel(
                payment=tx.payment,
                reason=f"Prélèvement rejeté, {RejectionReason(reason).label}",
                on=rejected_on,
                by=by,
            )
        invoice = Invoice.objects.select_for_update().select_related("regie", "family").get(pk=tx.invoice_id)
        if invoice.state == InvoiceState.DEBITING:
            Invoice.objects.filter(pk=invoice.pk).update(
                state=rules.invoice_state(amount=invoice.amount, settled=invoice.amount_paid)
            )
        if tx.sequence == SequenceType.FIRST:
            Mandate.objects.filter(pk=tx.mandate_id).update(sequence=SequenceType.FIRST)
        tx.state, tx.reason, tx.rejected_on = DebitState.REJECTED, reason, rejected_on
        tx.fee_invoice = _fee_invoice(tx, invoice, today)
        tx.save(update_fields=["state", "reason", "rejected_on", "fee_invoice"])
        log(
            instance=invoice,
            action="portail.debit.reject",
            user=by,
            data={
                "debit": tx.end_to_end_id,
                "reason": reason,
                "fee": str(tx.fee_invoice.amount if tx.fee_invoice else 0),
                "payment": tx.payment.operation_number if tx.payment else "",
            },
        )
        _tell_family(tx, invoice, tx.fee_invoice)
    return tx


@dataclass
class ReturnOutcome:
    rejected: list[DebitTransaction] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def debit_return_import(*, content: bytes, by: User) -> ReturnOutcome:
    """The bank's return file (pain.002 or camt.054): each rejected debit it lists is recorded (debit_reject), before
    or after its lot was settled; a debit already recorded as rejected is said, never counted twice (the same file
    imported twice tells the family once); an unknown reference is said."""
    check_debit(by)
    outcome = ReturnOutcome()
    for rejection in sepa_xml.read_return(content):
        tx = DebitTransaction.objects.filter(end_to_end_id=rejection.end_to_end_id).first()
        if tx is None:
            outcome.unknown.append(rejection.end_to_end_id)
            continue
        if tx.state == DebitState.REJECTED:
            outcome.already.append(rejection.end_to_end_id)
            continue
        reason = rejection.reason if rejection.reason in RejectionReason.values else UNKNOWN_REASON
        try:
            outcome.rejected.append(debit_reject(transaction_id=tx.pk, reason=reason, by=by, rejected_on=rejection.on))
        except BillingError:
            if not DebitTransaction.objects.filter(pk=tx.pk, state=DebitState.REJECTED).exists():
                raise
            # Recorded meanwhile (the same file imported twice at once): the first import told the family.
            outcome.already.append(rejection.end_to_end_id)
    return outcome
