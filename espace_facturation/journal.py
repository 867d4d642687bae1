"""The régie's accounts: its accounting journal («Journal comptable») and its «État des restes à recouvrer».

The journal is the union of entry sources, each turning one kind of record of a period into balanced lines of
debit and credit: invoices, credit notes, payments, refunds. Another kind (a rejected direct debit) is one more
source, registered with `entry_source`. Each source reads with a fixed number of queries, whatever its lines."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import rules
from .models import (
    ZERO,
    CreditMovement,
    CreditMovementKind,
    Invoice,
    InvoiceLine,
    InvoiceNature,
    Payment,
    PaymentAllocation,
    PaymentKind,
    RefundMethod,
    Regie,
)

# The journal's natures, as the «Nature» column reads them.
INVOICE = "Facture"
CREDIT_NOTE = "Avoir"
PAYMENT = "Règlement"
REFUND = "Remboursement"
REJECTION = "Rejet de prélèvement"
CANCELLATION = "Annulation de règlement"


@dataclass(frozen=True, slots=True)
class Entry:
    """A line of the journal: one amount on one account, on the debit or the credit side, for a piece (the invoice,
    the credit note, the payment, the refund)."""

    day: date
    piece: str
    nature: str
    family: str
    label: str
    account: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO


Source = Callable[[Regie, date, date], Iterable[Entry]]
_sources: list[Source] = []


def entry_source(source: Source) -> Source:
    """Add a kind of record to every régie's journal: `source(regie, start, end)` yields its entries of the period
    (the days included), each piece balanced."""
    if source not in _sources:
        _sources.append(source)
    return source


def sources() -> list[Source]:
    return list(_sources)


@dataclass
class Journal:
    regie: Regie
    start: date
    end: date
    entries: list[Entry] = field(default_factory=list)

    @property
    def total_debit(self) -> Decimal:
        return sum((entry.debit for entry in self.entries), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((entry.credit for entry in self.entries), ZERO)

    @property
    def balanced(self) -> bool:
        return self.total_debit == self.total_credit


def journal(*, regie: Regie, start: date, end: date) -> Journal:
    """The régie's journal from `start` to `end` (included): every source's entries by day, then by source (invoices,
    credit notes, payments, refunds), then by piece, each piece's lines in their order."""
    keyed = []
    for index, source in enumerate(_sources):
        for rank, entry in enumerate(source(regie, start, end)):
            keyed.append(((entry.day, index, entry.piece, rank), entry))
    keyed.sort(key=lambda pair: pair[0])
    return Journal(regie=regie, start=start, end=end, entries=[entry for _, entry in keyed])


def _side(entry: dict, amount: Decimal, *, debit: bool) -> Entry:
    """An entry on its side; a negative amount (a reduction line of an invoice) goes to the other side."""
    if (amount >= 0) == debit:
        return Entry(**entry, debit=abs(amount))
    return Entry(**entry, credit=abs(amount))


# Sources read rows as plain values, not model instances: a year's journal holds a hundred thousand lines.


def _lines(invoice_ids) -> dict[int, list[tuple[str, str, str, Decimal]]]:
    """The lines of invoices (a subquery of their ids), by invoice: (activity's accounting code, child, label,
    amount), in their order."""
    lines: dict[int, list] = {}
    rows = (
        InvoiceLine.objects.filter(invoice_id__in=invoice_ids)
        .order_by("invoice_id", "pk")
        .values_list("invoice_id", "activity__accounting_code", "child_name", "label", "amount")
    )
    for invoice_id, code, child, label, amount in rows:
        lines.setdefault(invoice_id, []).append((code or "", child, label, amount))
    return lines


def _products(number: str, amount: Decimal, lines: list, regie: Regie) -> list[tuple[str, str, Decimal]]:
    """(account, label, amount) of an invoice's lines; a difference between the lines and the invoice's amount (an
    invoice written without its lines) goes to the régie's default account, so that the piece balances."""
    rows = [
        (code or regie.account_products, f"{child} — {label}" if child else label, line_amount)
        for code, child, label, line_amount in lines
    ]
    rest = amount - sum((line_amount for _, _, line_amount in rows), ZERO)
    if rest:
        rows.append((regie.account_products, f"Facture {number}", rest))
    return rows


@entry_source
def invoice_entries(regie: Regie, start: date, end: date) -> Iterable[Entry]:
    """An invoice: the family's account debited of its amount, each line's activity account credited."""
    invoices = Invoice.objects.filter(regie=regie, nature=InvoiceNature.INVOICE, issued_on__range=(start, end))
    lines = _lines(invoices.values("pk"))
    for pk, number, day, amount, family in invoices.values_list("pk", "number", "issued_on", "amount", "family__name"):
        piece = {"day": day, "piece": number, "nature": INVOICE, "family": family}
        yield Entry(**piece, label=f"Facture {number}", account=regie.account_families, debit=amount)
        for account, label, share in _products(number, amount, lines.get(pk, []), regie):
            yield _side({**piece, "label": label, "account": account}, share, debit=False)


@entry_source
def credit_note_entries(regie: Regie, start: date, end: date) -> Iterable[Entry]:
    """A credit note: the accounts of the invoice it corrects debited in proportion to its lines, the family's
    account credited."""
    notes = Invoice.objects.filter(regie=regie, nature=InvoiceNature.CREDIT_NOTE, issued_on__range=(start, end))
    corrected_lines = _lines(notes.values("corrects_id"))
    rows = notes.values_list(
        "number", "issued_on", "amount", "family__name", "corrects_id", "corrects__number", "corrects__amount"
    )
    for number, day, amount, family, corrected, corrected_number, corrected_amount in rows:
        piece = {"day": day, "piece": number, "nature": CREDIT_NOTE, "family": family}
        label = f"Avoir sur la facture {corrected_number}" if corrected else f"Avoir {number}"
        by_account: dict[str, Decimal] = {}
        if corrected:
            for account, _, share in _products(
                corrected_number, corrected_amount, corrected_lines.get(corrected, []), regie
            ):
                by_account[account] = by_account.get(account, ZERO) + share
        accounts = list(by_account) or [regie.account_products]
        shares = rules.prorata(amount=amount, weights=[by_account.get(a, ZERO) for a in accounts])
        for account, share in zip(accounts, shares, strict=True):
            if share:
                yield _side({**piece, "label": label, "account": account}, share, debit=True)
        yield Entry(**piece, label=label, account=regie.account_families, credit=amount)


@entry_source
def payment_entries(regie: Regie, start: date, end: date) -> Iterable[Entry]:
    """A payment: the régie's till, cheques or bank account debited, the family's account credited (what it paid
    beyond what it owed stays there: the family's credit)."""
    from .payments import description

    rows = Payment.objects.filter(regie=regie, paid_on__range=(start, end)).values_list(
        "operation_number", "paid_on", "amount", "kind", "reference", "family__name"
    )
    for number, day, amount, kind, reference, family in rows:
        piece = {
            "day": day,
            "piece": number,
            "nature": PAYMENT,
            "family": family,
            "label": description(Payment(kind=kind, reference=reference)),
        }
        treasury = rules.treasury_account(
            kind=kind, cash=regie.account_cash, cheques=regie.account_cheques, bank=regie.account_bank
        )
        yield Entry(**piece, account=treasury, debit=amount)
        yield Entry(**piece, account=regie.account_families, credit=amount)


@entry_source
def refund_entries(regie: Regie, start: date, end: date) -> Iterable[Entry]:
    """A refund of the family's credit: the family's account debited, the till or the bank credited."""
    refunds = (
        CreditMovement.objects.filter(
            kind=CreditMovementKind.REFUND,
            credit__regie=regie,
            created_at__date__gte=start,
            created_at__date__lte=end,
        )
        .order_by("created_at", "pk")
        .values_list("pk", "created_at", "amount", "method", "reference", "credit__family__name")
    )
    for pk, created_at, amount, method, reference, family in refunds:
        how = RefundMethod(method).label.lower() if method in RefundMethod.values else method
        piece = {
            "day": timezone.localdate(created_at),
            "piece": f"REMB-{pk}",
            "nature": REFUND,
            "family": family,
            "label": f"Remboursement du trop-perçu ({how}) {reference}".strip(),
        }
        treasury = rules.treasury_account(
            kind=method, cash=regie.account_cash, cheques=regie.account_cheques, bank=regie.account_bank, outgoing=True
        )
        yield Entry(**piece, account=regie.account_families, debit=-amount)
        yield Entry(**piece, account=treasury, credit=-amount)


@entry_source
def payment_cancellation_entries(regie: Regie, start: date, end: date) -> Iterable[Entry]:
    """A payment taken back (a direct debit the bank rejected after its lot was settled), on the day it was: the
    payment's entries reversed, the family's account debited again, the bank credited. The payment stays in the
    journal of its own day."""
    from .payments import description

    rows = Payment.objects.filter(regie=regie, cancelled_on__range=(start, end)).values_list(
        "operation_number", "cancelled_on", "amount", "kind", "reference", "cancel_reason", "family__name"
    )
    for number, day, amount, kind, reference, reason, family in rows:
        piece = {
            "day": day,
            "piece": number,
            "nature": REJECTION if kind == PaymentKind.DIRECT_DEBIT else CANCELLATION,
            "family": family,
            "label": f"Annulation : {description(Payment(kind=kind, reference=reference))} — {reason}",
        }
        treasury = rules.treasury_account(
            kind=kind, cash=regie.account_cash, cheques=regie.account_cheques, bank=regie.account_bank
        )
        yield Entry(**piece, account=regie.account_families, debit=amount)
        yield Entry(**piece, account=treasury, credit=amount)


# État des restes à recouvrer ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Arrear:
    """An invoice past its due date and not settled at a day: what the public treasury is asked to recover."""

    family: str
    number: str
    issued_on: date
    due_on: date
    amount: Decimal
    paid: Decimal
    remaining: Decimal


MONEY = DecimalField(max_digits=12, decimal_places=2)


def _total(queryset, *, per: str):
    """The sum of `queryset`'s amounts for the outer invoice (rows grouped by `per`), zero when there is none."""
    total = queryset.values(per).annotate(total=Sum("amount")).values("total")
    return Coalesce(Subquery(total, output_field=MONEY), Value(ZERO), output_field=MONEY)


def arrears(*, regie: Regie, at: date) -> list[Arrear]:
    """The régie's invoices due before `at` and not settled on that day, by family then number, in one query: what
    settled each of them until then (payments by their date, credit used and credit notes by theirs)."""
    paid = PaymentAllocation.objects.filter(invoice=OuterRef("pk"), payment__paid_on__lte=at)
    used = CreditMovement.objects.filter(invoice=OuterRef("pk"), kind=CreditMovementKind.USED, created_at__date__lte=at)
    credited = Invoice.objects.filter(corrects=OuterRef("pk"), issued_on__lte=at)
    invoices = (
        Invoice.objects.filter(regie=regie, nature=InvoiceNature.INVOICE, issued_on__lte=at, due_on__lt=at)
        .select_related("family")
        .annotate(
            paid_until=_total(paid, per="invoice"),
            used_until=_total(used, per="invoice"),
            credited_until=_total(credited, per="corrects"),
        )
        .order_by("family__name", "family_id", "issued_on", "number")
    )
    rows = []
    for invoice in invoices:
        # Credit used is recorded as a negative movement.
        contributions = invoice.paid_until - invoice.used_until + invoice.credited_until
        settled = rules.settled_at(amount=invoice.amount, contributions=contributions)
        if settled < invoice.amount:
            rows.append(
                Arrear(
                    family=invoice.family.name,
                    number=invoice.number,
                    issued_on=invoice.issued_on,
                    due_on=invoice.due_on,
                    amount=invoice.amount,
                    paid=settled,
                    remaining=invoice.amount - settled,
                )
            )
    return rows
