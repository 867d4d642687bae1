"""Reads of the billing space."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from commun import formats
from espace_famille.dossier.models import Family

from . import rules
from .models import (
    ZERO,
    BilledDay,
    CreditMovement,
    CreditMovementKind,
    FamilyCredit,
    Invoice,
    InvoiceNature,
    InvoiceState,
    InvoicingDraft,
    InvoicingDraftFamily,
    Payment,
    Regie,
)


def family_by_invoice_references(
    *, emission_code: str, reference: str, amount: Decimal, personal_code: str
) -> Family | None:
    """The family an invoice was sent to, when all four references printed on it match."""
    invoice = (
        Invoice.objects.filter(
            emission_code__iexact=emission_code.strip(),
            number__iexact=reference.strip(),
            amount=amount,
            personal_code__iexact=personal_code.strip(),
        )
        .select_related("family")
        .first()
    )
    return invoice.family if invoice else None


def invoice_for(*, user, pk: int) -> Invoice:
    """An invoice of one of the user's families, or 404."""
    return get_object_or_404(
        Invoice.objects.select_related("regie", "family", "corrects"), pk=pk, family__subscriptions__user=user
    )


def family_invoices(*, family: Family):
    return Invoice.objects.filter(family=family).select_related("regie").order_by("-issued_on", "-pk")


def family_payments(*, family: Family):
    return Payment.objects.filter(family=family).select_related("regie").order_by("-paid_on", "-pk")


def years(*, family: Family) -> list[int]:
    invoiced = {d.year for d in Invoice.objects.filter(family=family).dates("issued_on", "year")}
    paid = {d.year for d in Payment.objects.filter(family=family).dates("paid_on", "year")}
    return sorted(invoiced | paid, reverse=True)


def regies(*, family: Family) -> list[Regie]:
    return list(Regie.objects.filter(Q(invoices__family=family) | Q(payments__family=family)).distinct())


@dataclass(frozen=True)
class Operation:
    """A row of «Mes Opérations»: an invoice (credit) or a payment or credit note (debit)."""

    number: str
    day: date
    description: str
    credit: Decimal
    debit: Decimal
    to_pay: Decimal
    regie: Regie


def operations(*, family: Family, nature: str = "", regie_id: int | None = None, year: int | None = None):
    """Invoices as credits, payments and credit notes as debits, with what is left to pay: newest first."""
    from .payments import description

    rows = []
    invoices = family_invoices(family=family)
    payments = family_payments(family=family)
    if regie_id:
        invoices, payments = invoices.filter(regie_id=regie_id), payments.filter(regie_id=regie_id)
    if year:
        invoices, payments = invoices.filter(issued_on__year=year), payments.filter(paid_on__year=year)
    if nature in ("", "invoice", "credit"):
        for invoice in invoices if not nature else invoices.filter(nature=nature):
            if invoice.nature == InvoiceNature.CREDIT_NOTE:
                rows.append(
                    Operation(invoice.number, invoice.issued_on, "Avoir", ZERO, invoice.amount, ZERO, invoice.regie)
                )
            else:
                paid = "Réglé" if invoice.state == InvoiceState.PAID else ""
                rows.append(
                    Operation(
                        invoice.number,
                        invoice.issued_on,
                        paid,
                        invoice.amount,
                        ZERO,
                        invoice.left_to_pay,
                        invoice.regie,
                    )
                )
    if nature in ("", "payment"):
        rows += [
            Operation(
                payment.operation_number,
                payment.paid_on,
                description(payment),
                ZERO,
                payment.amount,
                ZERO,
                payment.regie,
            )
            for payment in payments
        ]
    if nature in ("", "payment"):
        rows += [_credit_row(movement) for movement in _credit_movements(family, regie_id, year)]
    return sorted(rows, key=lambda row: (row.day, row.number), reverse=True)


def _credit_movements(family: Family, regie_id: int | None, year: int | None):
    movements = CreditMovement.objects.filter(credit__family=family).select_related(
        "credit__regie", "payment", "invoice"
    )
    if regie_id:
        movements = movements.filter(credit__regie_id=regie_id)
    if year:
        movements = movements.filter(created_at__year=year)
    return movements


def _credit_row(movement: CreditMovement) -> Operation:
    """A movement of the family's credit as the parent reads it; its amount is in words, not in the columns:
    the money itself is already counted by the payment (Débit) or the invoice (A Payer) it comes from."""
    amount = formats.money(abs(movement.amount))
    if movement.kind == CreditMovementKind.OVERPAYMENT and movement.payment:
        number, text = (
            movement.payment.operation_number,
            f"Trop-perçu — règlement n°{movement.payment.operation_number}",
        )
    elif movement.kind == CreditMovementKind.OVERPAYMENT:
        number = movement.invoice.number if movement.invoice else ""
        text = f"Trop-perçu — avoir n°{number}"
    elif movement.kind == CreditMovementKind.USED:
        number = movement.invoice.number if movement.invoice else ""
        text = f"Avoir disponible déduit de la facture n°{number}"
        amount = f"{amount} déduits"
    else:
        number = movement.reference
        text = f"Trop-perçu remboursé ({movement.get_method_display().lower()})"
        amount = f"{amount} remboursés"
    if movement.kind == CreditMovementKind.OVERPAYMENT:
        amount = f"{amount} en avoir disponible"
    day = timezone.localdate(movement.created_at)
    return Operation(number, day, f"{text} : {amount}", ZERO, ZERO, ZERO, movement.credit.regie)


def family_credits(*, family: Family) -> list[FamilyCredit]:
    """«Avoir disponible», per régie: what the family paid beyond what it owed, not used nor refunded yet."""
    return list(FamilyCredit.objects.filter(family=family, balance__gt=0).select_related("regie").order_by("regie"))


def credit_used_on(*, invoice: Invoice) -> Decimal:
    """How much of the family's credit settled this invoice when it was issued."""
    used = CreditMovement.objects.filter(invoice=invoice, kind=CreditMovementKind.USED).values_list("amount", flat=True)
    return -sum(used, ZERO)


def draft_families(*, draft: InvoicingDraft) -> list[InvoicingDraftFamily]:
    """A draft's families for its page, each with its lines and the invoice issued from it: three reads."""
    return list(
        InvoicingDraftFamily.objects.filter(draft=draft)
        .select_related("family", "invoice")
        .prefetch_related("lines")
        .order_by("family__name", "pk")
    )


def invoiced_days(*, activity_id: int, days: list[date], child_ids: list[int] | None = None) -> set[tuple[int, date]]:
    """The (child id, day) of an activity's days that a line of an invoice still standing bills, in one query: the
    planning locks their attendance (registered in espace_famille.planning.invoiced)."""
    rows = BilledDay.objects.filter(
        Q(booking__activity_id=activity_id, booking__day__in=days)
        | Q(attendance__activity_id=activity_id, attendance__day__in=days)
    )
    if child_ids is not None:
        rows = rows.filter(Q(booking__child_id__in=child_ids) | Q(attendance__child_id__in=child_ids))
    found = set()
    for booked_child, booked_day, marked_child, marked_day, state in rows.values_list(
        "booking__child_id", "booking__day", "attendance__child_id", "attendance__day", "line__invoice__state"
    ):
        if rules.locks_attendance(invoice_state=state):
            found.add((booked_child, booked_day) if booked_child is not None else (marked_child, marked_day))
    return found
