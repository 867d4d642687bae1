"""Billing rules: pure functions of plain values, tested without the database."""

from calendar import monthrange
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

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


def prorata(*, amount: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Share `amount` in proportion to `weights`, to the cent, the shares adding up to it exactly (the cents left by
    rounding go to the largest remainders, the first of equals first). All of it on the first when the weights add
    up to nothing."""
    if not weights:
        return []
    total = sum(weights, Decimal("0"))
    if total == 0:
        return [money(amount), *[Decimal("0.00")] * (len(weights) - 1)]
    exact = [amount * weight / total for weight in weights]
    shares = [value.quantize(CENT, rounding=ROUND_DOWN) for value in exact]
    left = int((money(amount) - sum(shares, Decimal("0"))) / CENT)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for index in order[:left]:
        shares[index] += CENT
    return shares


def treasury_account(*, kind: str, cash: str, cheques: str, bank: str, outgoing: bool = False) -> str:
    """The régie's account where money of a kind comes in (a payment) or goes out (a refund): cash at the till,
    a cheque received waits to be cashed; the rest is at the bank (online payment, direct debit, transfer, and a
    cheque the régie writes)."""
    if kind == "cash":
        return cash
    if kind == "cheque" and not outgoing:
        return cheques
    return bank


def settled_at(*, amount: Decimal, contributions: Decimal) -> Decimal:
    """What was settled of an invoice at a day from what payments, credit used and credit notes brought it until
    then: each settles at most what is left, so together at most the invoice's amount."""
    return min(amount, contributions)


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


# Reminders of unpaid invoices ------------------------------------------------------------------------------------


def reminder_delays(text: str) -> list[int]:
    """The régie's reminder delays («15, 30»: days after the due date), sorted; a ValidationError in French for
    anything else than distinct whole numbers from 1 to 365."""
    from django.core.exceptions import ValidationError

    parts = [part.strip() for part in (text or "").replace(";", ",").split(",") if part.strip()]
    if not all(part.isdigit() and 1 <= int(part) <= 365 for part in parts):
        raise ValidationError(
            "Écrivez des nombres de jours entre 1 et 365 séparés par des virgules, par exemple « 15, 30 »."
        )
    delays = sorted({int(part) for part in parts})
    if len(delays) != len(parts):
        raise ValidationError("Chaque délai ne peut figurer qu'une fois.")
    return delays


def reminder_level_due(*, due_on: date, today: date, delays: list[int], sent_levels: set[int]) -> int | None:
    """The reminder level (1 for the first delay…) an unpaid invoice is due for today: the highest level whose delay
    has passed, unless it (or a later one) was already sent. Levels skipped while no run happened are not sent
    late: the family gets the latest reminder only, once."""
    late = (today - due_on).days
    reached = [level for level, days in enumerate(delays, start=1) if late >= days]
    if not reached:
        return None
    level = reached[-1]
    if any(sent >= level for sent in sent_levels):
        return None
    return level


# The childcare certificate («attestation de frais de garde») ----------------------------------------------------


def under_six_on_first_january(*, birth_date: date | None, year: int) -> bool:
    """Childcare of a child under six on 1 January of the year opens the tax credit (article 200 quater B du CGI); a
    child born during the year counts too."""
    if birth_date is None:
        return False
    return birth_date > date(year - 6, 1, 1)


def childcare_share(*, amount: Decimal, quantity: Decimal, meal_price: Decimal, exclude_meals: bool) -> Decimal:
    """What of an invoice line counts as childcare: its amount, less the meals billed within it when the activity
    says so (never below zero)."""
    if exclude_meals and meal_price:
        return max(money(amount - meal_price * quantity), Decimal("0.00"))
    return money(amount)


def paid_share(*, allocated: Decimal, invoice_amount: Decimal, part: Decimal) -> Decimal:
    """The part of a payment on an invoice that paid `part` of its amount (a payment settles every line of an
    invoice in proportion)."""
    if not invoice_amount:
        return Decimal("0.00")
    return money(allocated * part / invoice_amount)


# Direct debit (SEPA SDD CORE) ------------------------------------------------------------------------------------

RUM_PREFIX = "PF"


def mandate_reference(*, regie_id: int, family_id: int, token: str) -> str:
    """The unique mandate reference (RUM, 35 characters at most, letters and digits): the régie, the family and a
    random part, so that a reference never says more than it must and is never reused."""
    return f"{RUM_PREFIX}{regie_id:03d}F{family_id:07d}{token.upper()}"[:35]


def bank_account_problem(*, iban: str, bic: str) -> str:
    """Why an account cannot be debited, in French; "" when it can. Checked with schwifty (checksums, the
    country's length, the bank's code, the SEPA area)."""
    from schwifty import BIC, IBAN
    from schwifty.exceptions import SchwiftyException

    try:
        account = IBAN(iban or "")
    except SchwiftyException:
        return "Cet IBAN n'est pas valide."
    if not account.in_sepa_zone:
        return "Ce compte n'est pas dans la zone SEPA : il ne peut pas être prélevé."
    try:
        BIC(bic or "")
    except SchwiftyException:
        return "Ce BIC n'est pas valide."
    return ""


def compact_account(value: str) -> str:
    return (value or "").replace(" ", "").upper()


def debit_date(*, due_on: date, notified_on: date, notice_days: int) -> date:
    """The day an invoice is debited: its due date, unless the family would then be told fewer than `notice_days`
    days before; then as many days after the notice."""
    return max(due_on, notified_on + timedelta(days=notice_days))


def notice_due(*, due_on: date, today: date, notice_days: int) -> bool:
    """Whether an invoice's pre-notification goes today: `notice_days` days before its due date (or at once, for
    an invoice whose due date is nearer)."""
    return today >= due_on - timedelta(days=notice_days)


def batch_settles(*, collection_date: date, today: date) -> bool:
    """A lot is settled once its collection date has passed without the bank rejecting its debits."""
    return today > collection_date


def end_to_end_id(*, batch_id: int, invoice_id: int) -> str:
    return f"PF-{batch_id}-{invoice_id}"[:35]
