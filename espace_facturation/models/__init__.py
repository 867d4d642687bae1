"""Régies, invoices (and credit notes), invoicing drafts and runs, payments and online payments, family credits.

Money is `Decimal` with two places everywhere. An issued invoice never changes except for what
follows from payments (`amount_paid`, `state`); a correction is a credit note («avoir») that
points to the invoice it corrects.
"""

from .billing import (
    ZERO,
    BilledDay,
    Invoice,
    InvoiceLine,
    InvoiceNature,
    InvoiceSequence,
    InvoiceState,
    InvoicingRun,
    OnlinePayment,
    OnlinePaymentState,
    Payment,
    PaymentAllocation,
    PaymentBackend,
    PaymentKind,
    Regie,
    RunState,
)
from .credits import CreditMovement, CreditMovementKind, FamilyCredit, RefundMethod
from .drafts import InvoicingDraft, InvoicingDraftDay, InvoicingDraftFamily, InvoicingDraftLine

__all__ = [
    "ZERO",
    "PaymentBackend",
    "Regie",
    "InvoiceSequence",
    "RunState",
    "InvoicingRun",
    "InvoiceNature",
    "InvoiceState",
    "Invoice",
    "InvoiceLine",
    "BilledDay",
    "PaymentKind",
    "Payment",
    "PaymentAllocation",
    "OnlinePaymentState",
    "OnlinePayment",
    "InvoicingDraft",
    "InvoicingDraftFamily",
    "InvoicingDraftLine",
    "InvoicingDraftDay",
    "FamilyCredit",
    "CreditMovementKind",
    "RefundMethod",
    "CreditMovement",
]
