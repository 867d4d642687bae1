"""Reads of the billing space."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q
from django.shortcuts import get_object_or_404

from espace_famille.models import Family

from .models import ZERO, Invoice, InvoiceNature, InvoiceState, Payment, Regie


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
    return sorted(rows, key=lambda row: (row.day, row.number), reverse=True)
