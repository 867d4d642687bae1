"""The billing part of «Télécharger mes données»: invoices with their lines, payments, and the family's credit."""

from xml.sax.saxutils import escape

from django.db.models import Prefetch

from commun import formats
from commun.data_export import json_value, when

from .models import (
    CreditMovement,
    CreditMovementKind,
    Invoice,
    InvoiceLine,
    InvoiceNature,
    OnlinePayment,
    OnlinePaymentState,
    Payment,
    PaymentKind,
    RefundMethod,
)


def collect_invoices(family) -> list[dict]:
    invoices = (
        Invoice.objects.filter(family=family)
        .select_related("regie")
        .prefetch_related(Prefetch("lines", queryset=InvoiceLine.objects.order_by("pk")))
        .order_by("issued_on", "pk")
    )
    return [
        {
            "number": invoice.number,
            "nature": invoice.nature,
            "regie": invoice.regie.name,
            "service": invoice.regie.service_name,
            "issued_on": json_value(invoice.issued_on),
            "due_on": json_value(invoice.due_on),
            "amount": str(invoice.amount),
            "amount_paid": str(invoice.amount_paid),
            "state": invoice.state,
            "lines": [
                {
                    "child": line.child_name,
                    "label": line.label,
                    "period_start": json_value(line.period_start),
                    "period_end": json_value(line.period_end),
                    "quantity": str(line.quantity),
                    "unit_price": str(line.unit_price),
                    "amount": str(line.amount),
                }
                for line in invoice.lines.all()
            ],
        }
        for invoice in invoices
    ]


def collect_payments(family) -> list[dict]:
    payments = (
        Payment.objects.filter(family=family)
        .select_related("regie")
        .prefetch_related("allocations__invoice")
        .order_by("paid_on", "pk")
    )
    return [
        {
            "operation_number": payment.operation_number,
            "kind": payment.kind,
            "reference": payment.reference,
            "regie": payment.regie.name,
            "paid_on": json_value(payment.paid_on),
            "amount": str(payment.amount),
            "invoices": [allocation.invoice.number for allocation in payment.allocations.all()],
        }
        for payment in payments
    ]


def render_invoices(doc, rows: list[dict]) -> None:
    doc.para("Factures", "h2")
    natures = dict(InvoiceNature.choices)
    listing = [
        [
            escape(row["number"]),
            escape(str(natures.get(row["nature"], row["nature"]))),
            when(row["issued_on"]),
            when(row["due_on"]),
            formats.money(row["amount"]),
            formats.money(row["amount_paid"]),
        ]
        for row in rows
    ]
    doc.listing(
        ["Référence", "Nature", "Date", "Echéance", "Montant", "Réglé"],
        listing,
        (3, 2, 2.8, 2.8, 3.2, 3.2),
        empty="Aucune facture.",
    )


def render_payments(doc, rows: list[dict]) -> None:
    doc.para("Règlements", "h2")
    kinds = dict(PaymentKind.choices)
    listing = [
        [
            escape(row["operation_number"]),
            when(row["paid_on"]),
            escape(f"{kinds.get(row['kind'], row['kind'])} {row['reference']}".strip()),
            formats.money(row["amount"]),
            escape(", ".join(row["invoices"])) or "—",
        ]
        for row in rows
    ]
    doc.listing(
        ["N Opération", "Date", "Description", "Montant", "Factures"],
        listing,
        (3, 2.5, 5.5, 2.5, 3.5),
        empty="Aucun règlement.",
    )


def collect_online_payments(family) -> list[dict]:
    attempts = (
        OnlinePayment.objects.filter(invoice__family=family).prefetch_related("shares__invoice").order_by("created_at")
    )
    return [
        {
            # A payment of several invoices names them all.
            "invoice": ", ".join(share.invoice.number for share in attempt.shares.all()),
            "started_at": json_value(attempt.created_at),
            "amount": str(attempt.amount),
            "state": attempt.state,
            "email": attempt.email,
        }
        for attempt in attempts
    ]


def render_online_payments(doc, rows: list[dict]) -> None:
    doc.para("Paiements en ligne", "h2")
    states = dict(OnlinePaymentState.choices)
    listing = [
        [
            when(row["started_at"]),
            escape(row["invoice"]),
            formats.money(row["amount"]),
            escape(str(states.get(row["state"], row["state"]))),
            escape(row["email"]) or "—",
        ]
        for row in rows
    ]
    doc.listing(
        ["Commencé le", "Facture", "Montant", "État", "E-mail du payeur"],
        listing,
        (3.5, 3, 2.5, 3, 5),
        empty="Aucun paiement en ligne.",
    )


def collect_credits(family) -> list[dict]:
    movements = (
        CreditMovement.objects.filter(credit__family=family)
        .select_related("credit__regie", "payment", "invoice")
        .order_by("created_at", "pk")
    )
    return [
        {
            "regie": movement.credit.regie.name,
            "at": json_value(movement.created_at),
            "kind": movement.kind,
            "amount": str(movement.amount),
            "payment": movement.payment.operation_number if movement.payment else "",
            "invoice": movement.invoice.number if movement.invoice else "",
            "method": movement.method,
            "reference": movement.reference,
        }
        for movement in movements
    ]


def render_credits(doc, rows: list[dict]) -> None:
    doc.para("Avoirs disponibles (trop-perçus)", "h2")
    kinds, methods = dict(CreditMovementKind.choices), dict(RefundMethod.choices)
    listing = [
        [
            when(row["at"]),
            escape(row["regie"]),
            escape(str(kinds.get(row["kind"], row["kind"]))),
            formats.money(row["amount"]),
            escape(
                " ".join(
                    part
                    for part in (row["payment"], row["invoice"], str(methods.get(row["method"], "")), row["reference"])
                    if part
                )
            )
            or "—",
        ]
        for row in rows
    ]
    doc.listing(
        ["Date", "Régie", "Mouvement", "Montant", "Origine"],
        listing,
        (2.5, 3.5, 3, 2.5, 5.5),
        empty="Aucun avoir.",
    )
