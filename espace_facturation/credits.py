"""The family's credit with a régie («avoir disponible»): what it paid beyond what was due, then used by its next
invoices or refunded by the régie. Every movement is recorded with its origin, under a lock on the credit row,
in the transaction that moves the money: nothing received is ever only a line in the audit log."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from wagtail.log_actions import log

from commun import formats
from espace_famille.comptes.models import User

from . import rules
from .exceptions import BillingError
from .models import (
    CreditMovement,
    CreditMovementKind,
    FamilyCredit,
    Invoice,
    Payment,
    RefundMethod,
    Regie,
)
from .permissions import REFUND


def _locked(*, regie_id: int, family_id: int) -> FamilyCredit:
    FamilyCredit.objects.get_or_create(regie_id=regie_id, family_id=family_id)
    return FamilyCredit.objects.select_for_update().get(regie_id=regie_id, family_id=family_id)


def credit_add(
    *,
    regie: Regie,
    family_id: int,
    amount: Decimal,
    payment: Payment | None = None,
    note: Invoice | None = None,
    by=None,
) -> CreditMovement:
    """Keep as the family's credit what a payment (or a credit note) brought beyond what was due.

    Called inside the transaction that records the payment or the note."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("A credit is written in the transaction of the payment it comes from.")
    credit = _locked(regie_id=regie.pk, family_id=family_id)
    credit.balance += amount
    credit.save(update_fields=["balance"])
    movement = CreditMovement.objects.create(
        credit=credit, kind=CreditMovementKind.OVERPAYMENT, amount=amount, payment=payment, invoice=note, created_by=by
    )
    origin = {"payment": payment.operation_number} if payment else {"credit_note": note.number if note else ""}
    log(instance=credit, action="portail.credit.overpayment", user=by, data={"amount": str(amount), **origin})
    return movement


def credit_use(*, regie: Regie, invoices: list[Invoice], by=None) -> None:
    """Settle freshly issued invoices of `regie` with what their families hold in credit, oldest invoice first.

    Called inside the transaction that issues them (the run's batch holds the régie's sequence lock, so a
    credit is never used by two batches at once; its own row lock orders it against payments and refunds)."""
    by_family: dict[int, list[Invoice]] = {}
    for invoice in invoices:
        by_family.setdefault(invoice.family_id, []).append(invoice)
    credits = list(
        FamilyCredit.objects.select_for_update()
        .filter(regie=regie, family_id__in=list(by_family), balance__gt=0)
        .order_by("pk")
    )
    movements, changed = [], []
    for credit in credits:
        before = len(movements)
        for invoice in by_family[credit.family_id]:
            share = min(credit.balance, invoice.left_to_pay)
            if share <= 0:
                continue
            credit.balance -= share
            invoice.amount_paid += share
            invoice.state = rules.invoice_state(amount=invoice.amount, settled=invoice.amount_paid)
            changed.append(invoice)
            movements.append(
                CreditMovement(
                    credit=credit, kind=CreditMovementKind.USED, amount=-share, invoice=invoice, created_by=by
                )
            )
        credit.save(update_fields=["balance"])
        log(
            instance=credit,
            action="portail.credit.used",
            user=by,
            data={"invoices": [m.invoice.number for m in movements[before:]], "balance": str(credit.balance)},
        )
    Invoice.objects.bulk_update(changed, ["amount_paid", "state"])
    CreditMovement.objects.bulk_create(movements)


def credit_refund(
    *, credit: FamilyCredit, amount: Decimal, method: str, reference: str = "", by: User
) -> CreditMovement:
    """«Rembourser le trop-perçu»: the régie gives back (part of) a family's credit, recorded with how and who (a
    régisseur holding the refund permission)."""
    if by is None or not by.has_perm(REFUND):
        raise PermissionDenied("Seuls les régisseurs remboursent un trop-perçu.")
    if method not in RefundMethod.values:
        raise BillingError("Choisissez le mode de remboursement.")
    if amount <= 0 or amount != rules.money(amount):
        raise BillingError("Le montant remboursé est positif, en euros et centimes.")
    with transaction.atomic():
        credit = FamilyCredit.objects.select_for_update().select_related("regie", "family").get(pk=credit.pk)
        if amount > credit.balance:
            raise BillingError(f"Au plus {formats.money(credit.balance)} d'avoir disponible à rembourser.")
        credit.balance -= amount
        credit.save(update_fields=["balance"])
        movement = CreditMovement.objects.create(
            credit=credit,
            kind=CreditMovementKind.REFUND,
            amount=-amount,
            method=method,
            reference=reference.strip()[:60],
            created_by=by,
        )
        log(
            instance=credit,
            action="portail.credit.refund",
            user=by,
            data={"amount": str(amount), "method": method, "reference": movement.reference},
        )
    return movement
