"""Régies, invoices (and credit notes), invoicing drafts and runs, payments and online payments, family credits.

Money is `Decimal` with two places everywhere. An issued invoice never changes except for what
follows from payments (`amount_paid`, `state`); a correction is a credit note («avoir») that
points to the invoice it corrects.
"""

from .billing import (
    OPEN_STATES,
    ZERO,
    BilledDay,
    Invoice,
    InvoiceLine,
    InvoiceNature,
    InvoiceSequence,
    InvoiceState,
    InvoicingRun,
    OnlinePayment,
    OnlinePaymentShare,
    OnlinePaymentState,
    Payment,
    PaymentAllocation,
    PaymentBackend,
    PaymentKind,
    Regie,
    RunState,
)
from .credits import CreditMovement, CreditMovementKind, FamilyCredit, RefundMethod
from .documents import CertificateRun, ChildcareCertificate, Reminder, ReminderChannel
from .drafts import InvoicingDraft, InvoicingDraftDay, InvoicingDraftFamily, InvoicingDraftLine
from .sepa import (
    BatchState,
    DebitBatch,
    DebitNotice,
    DebitState,
    DebitTransaction,
    Mandate,
    MandateAmendment,
    RejectionReason,
    SequenceType,
)

__all__ = [
    "ZERO",
    "PaymentBackend",
    "Regie",
    "InvoiceSequence",
    "RunState",
    "InvoicingRun",
    "InvoiceNature",
    "InvoiceState",
    "OPEN_STATES",
    "Invoice",
    "InvoiceLine",
    "BilledDay",
    "PaymentKind",
    "Payment",
    "PaymentAllocation",
    "OnlinePaymentState",
    "OnlinePayment",
    "OnlinePaymentShare",
    "InvoicingDraft",
    "InvoicingDraftFamily",
    "InvoicingDraftLine",
    "InvoicingDraftDay",
    "FamilyCredit",
    "CreditMovementKind",
    "RefundMethod",
    "CreditMovement",
    "CertificateRun",
    "ChildcareCertificate",
    "ReminderChannel",
    "Reminder",
    "SequenceType",
    "Mandate",
    "MandateAmendment",
    "DebitNotice",
    "BatchState",
    "DebitBatch",
    "DebitState",
    "RejectionReason",
    "DebitTransaction",
]
