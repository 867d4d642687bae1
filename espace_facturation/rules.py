"""Billing rules: pure functions of plain values, tested without the database."""

from decimal import ROUND_HALF_UP, Decimal

from .models import InvoiceState

CENT = Decimal("0.01")


def money(value) -> Decimal:
    """Round to the cent, half up, as the public accounts do."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def invoice_state(*, amount: Decimal, settled: Decimal, cancelled: bool = False) -> str:
    """An invoice's state from what was settled of it (payments and credit notes)."""
    if cancelled:
        return InvoiceState.CANCELLED
    if settled >= amount:
        return InvoiceState.PAID
    if settled > 0:
        return InvoiceState.PARTIAL
    return InvoiceState.TO_PAY
