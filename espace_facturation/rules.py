"""Billing rules: pure functions of plain values, tested without the database."""

from calendar import monthrange
from datetime import date, timedelta
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


def unit_price(*, base: Decimal, bands: list[tuple[int | None, Decimal]], quotient: int | None) -> Decimal:
    """The day's price for a family: the first band (ordered by ceiling, the open band last) whose ceiling
    the quotient familial does not exceed; the activity's own price when the quotient is unknown or no band
    matches."""
    if quotient is None or not bands:
        return money(base)
    for ceiling, amount in bands:
        if ceiling is None or quotient <= ceiling:
            return money(amount)
    return money(base)


def line_amount(*, quantity: Decimal, unit: Decimal) -> Decimal:
    return money(Decimal(quantity) * unit)


def invoice_number(*, year: int, sequence: int) -> str:
    """«2018-2544»: the year, then the régie's sequence in that year."""
    return f"{year}-{sequence:04d}"


def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    last = first.replace(day=monthrange(first.year, first.month)[1])
    return first, last


def due_date(*, issued_on: date, days: int) -> date:
    return issued_on + timedelta(days=days)


def allocate(*, amount: Decimal, left: list[tuple[int, Decimal]]) -> list[tuple[int, Decimal]]:
    """Spread a payment over invoices in the given order (oldest first): each gets what is left on it, until
    the payment is used up. Returns (invoice id, amount) for the invoices that get something."""
    allocations = []
    rest = money(amount)
    for invoice_id, due in left:
        if rest <= 0:
            break
        share = min(rest, due)
        if share > 0:
            allocations.append((invoice_id, share))
            rest -= share
    return allocations
