"""Billing rules: pure functions of plain values, tested without the database."""

from calendar import monthrange
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from commun import formats

from .models import InvoiceState, OnlinePaymentState

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


def locks_attendance(*, invoice_state: str) -> bool:
    """Whether an invoice billing a day locks that day's attendance: any invoice but a cancelled one, which bills
    nothing any more."""
    return invoice_state != InvoiceState.CANCELLED


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


def counter_amount_problem(*, amount: Decimal, due: Decimal, tolerance: Decimal) -> str:
    """Why an amount received at the counter cannot be recorded, in French; "" when it can.

    A little more than what is due is accepted (a rounded cheque, a payment ahead) and becomes the family's
    credit; more than `tolerance` above it is taken for a typing error (8400 for 84,00) and refused."""
    if not amount.is_finite():
        return "Saisissez un montant en euros, par exemple 84,50."
    if amount <= 0:
        return "Le montant reçu doit être supérieur à zéro."
    if amount != amount.quantize(CENT):
        return "Le montant reçu a au plus deux chiffres après la virgule (les centimes)."
    if amount > due + tolerance:
        return (
            f"Le montant reçu dépasse de plus de {formats.money(tolerance)} ce que la famille doit à cette régie "
            f"({formats.money(due)}) : vérifiez la saisie."
        )
    return ""


# An open payment is decided by the bank, or closed by us when its page has expired; an answer of the bank
# still counts after our closing (the parent may have paid in the last second), never after its own decision.
ONLINE_TRANSITIONS = {
    OnlinePaymentState.STARTED: {
        OnlinePaymentState.PAID,
        OnlinePaymentState.REFUSED,
        OnlinePaymentState.ABANDONED,
        OnlinePaymentState.EXPIRED,
    },
    OnlinePaymentState.EXPIRED: {OnlinePaymentState.PAID, OnlinePaymentState.REFUSED, OnlinePaymentState.ABANDONED},
}


def online_transition_allowed(current: str, new: str) -> bool:
    return new in ONLINE_TRANSITIONS.get(current, set())
