"""Reads of the billing space."""

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from commun import formats
from espace_famille.dossier.models import Family

from . import rules
from .models import (
    ZERO,
    BilledDay,
    ChildcareCertificate,
    CreditMovement,
    CreditMovementKind,
    DebitState,
    DebitTransaction,
    FamilyCredit,
    Invoice,
    InvoiceNature,
    InvoiceState,
    InvoicingDraft,
    InvoicingDraftFamily,
    Mandate,
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
        with_debit(Invoice.objects.select_related("regie", "family", "corrects")),
        pk=pk,
        family__subscriptions__user=user,
    )


def family_invoices(*, family: Family):
    return Invoice.objects.filter(family=family).select_related("regie").order_by("-issued_on", "-pk")


def with_debit(invoices):
    """Annotate `on_debit` (the family's mandate with the régie is active, and the bank did not reject this invoice's
    debit: a rejected invoice is paid online or at the counter) and `debit_on` (the date its pre-notice announced,
    else its due date): «Prélèvement le 15/01/2027» where «Payer en ligne» would be, in the same query."""
    active = Mandate.objects.filter(family=OuterRef("family"), regie=OuterRef("regie"), active=True)
    rejected = DebitTransaction.objects.filter(invoice=OuterRef("pk"), state=DebitState.REJECTED)
    return invoices.annotate(
        on_debit=ExpressionWrapper(Q(Exists(active)) & ~Q(Exists(rejected)), output_field=BooleanField()),
        debit_on=Coalesce(F("debit_notice__debit_on"), F("due_on")),
    )


@dataclass(frozen=True)
class InvoiceDebit:
    """What an invoice's PDF says of direct debit: the day what is left to pay will be (or is being) debited, or the
    day a debit paid it; both None for an invoice paid otherwise."""

    upcoming: date | None
    debited: date | None


def invoice_debit(*, invoice: Invoice) -> InvoiceDebit:
    """The debit of an invoice as the screens show it (with_debit): one read, two for a paid invoice."""
    row = with_debit(Invoice.objects.filter(pk=invoice.pk)).values("on_debit", "debit_on").first()
    debited = None
    if invoice.state == InvoiceState.PAID:
        debited = (
            DebitTransaction.objects.filter(invoice=invoice, state=DebitState.SETTLED)
            .order_by("-batch__collection_date")
            .values_list("batch__collection_date", flat=True)
            .first()
        )
    upcoming = None
    if row and ((invoice.left_to_pay and row["on_debit"]) or invoice.debit_in_progress):
        upcoming = row["debit_on"]
    return InvoiceDebit(upcoming=upcoming, debited=debited)


def mandate_for(*, user, pk: int):
    """A mandate of one of the user's families, or 404."""
    return get_object_or_404(Mandate.objects.select_related("regie", "family"), pk=pk, family__subscriptions__user=user)


def family_mandates(*, family: Family) -> list:
    return list(Mandate.objects.filter(family=family, active=True).select_related("regie").order_by("regie__name"))


def family_payments(*, family: Family):
    return Payment.objects.filter(family=family).select_related("regie").order_by("-paid_on", "-pk")


def years(*, family: Family) -> list[int]:
    invoiced = {d.year for d in Invoice.objects.filter(family=family).dates("issued_on", "year")}
    paid = {d.year for d in Payment.objects.filter(family=family).dates("paid_on", "year")}
    return sorted(invoiced | paid, reverse=True)


def regies(*, family: Family) -> list[Regie]:
    return list(Regie.objects.filter(Q(invoices__family=family) | Q(payments__family=family)).distinct())


def balance_words(balance: Decimal) -> str:
    """A balance as the parent reads it: «6,40 € à payer», «3,60 € d'avoir», «0,00 €»."""
    if balance > 0:
        return f"{formats.money(balance)} à payer"
    if balance < 0:
        return f"{formats.money(-balance)} d'avoir"
    return formats.money(ZERO)


@dataclass(frozen=True)
class Operation:
    """A row of «Mes Opérations»: an invoice (credit) or a payment or credit note (debit), a refund of the family's
    credit (credit), or a movement of that credit told in words; `balance` is the family's «Solde» after it."""

    number: str
    day: date
    description: str
    credit: Decimal
    debit: Decimal
    to_pay: Decimal
    regie: Regie
    balance: Decimal = ZERO

    @property
    def balance_words(self) -> str:
        return balance_words(self.balance)


@dataclass(frozen=True)
class Operations:
    """«Mes Opérations»: the rows shown, newest first, and the family's balance after all of its operations
    (of the service chosen): what it owes, negative when the régie owes it (its credit)."""

    rows: list[Operation]
    balance: Decimal

    @property
    def balance_words(self) -> str:
        return balance_words(self.balance)


def operations(*, family: Family, nature: str = "", regie_id: int | None = None, year: int | None = None):
    """Invoices as credits, payments and credit notes as debits, with what is left to pay and the running balance
    («Solde»), counted over every operation of the family (of the service chosen) whatever the nature and year shown:
    invoices add what the family owes, payments and credit notes take it off, a refund of its credit adds back what
    the régie gave. A movement of the credit (an overpayment kept, credit used by an invoice) moves no money: it is
    told in words and leaves the balance as it is. Four reads, whatever the family's history."""
    from .payments import description

    invoices = family_invoices(family=family)
    payments = family_payments(family=family)
    if regie_id:
        invoices, payments = invoices.filter(regie_id=regie_id), payments.filter(regie_id=regie_id)
    rows: list[tuple[str, Operation]] = []
    for invoice in invoices:
        if invoice.nature == InvoiceNature.CREDIT_NOTE:
            row = Operation(invoice.number, invoice.issued_on, "Avoir", ZERO, invoice.amount, ZERO, invoice.regie)
        else:
            paid = "Réglé" if invoice.state == InvoiceState.PAID else ""
            row = Operation(
                invoice.number, invoice.issued_on, paid, invoice.amount, ZERO, invoice.left_to_pay, invoice.regie
            )
        rows.append((invoice.nature, row))
    rows += [
        (
            "payment",
            Operation(
                payment.operation_number,
                payment.paid_on,
                description(payment),
                ZERO,
                payment.amount,
                ZERO,
                payment.regie,
            ),
        )
        for payment in payments
    ]
    rows += [
        (
            "payment",
            Operation(
                payment.operation_number,
                payment.cancelled_on,
                f"Annulation du règlement n°{payment.operation_number} : {payment.cancel_reason}",
                payment.amount,
                ZERO,
                ZERO,
                payment.regie,
            ),
        )
        for payment in payments
        if payment.cancelled_on
    ]
    rows += [("payment", _credit_row(movement)) for movement in _credit_movements(family, regie_id)]
    balance, shown = ZERO, []
    for kind, row in sorted(rows, key=lambda pair: (pair[1].day, pair[1].number)):
        balance += row.credit - row.debit
        if (not nature or nature == kind) and (not year or row.day.year == year):
            shown.append(replace(row, balance=balance))
    return Operations(rows=shown[::-1], balance=balance)


def _credit_movements(family: Family, regie_id: int | None):
    movements = CreditMovement.objects.filter(credit__family=family).select_related(
        "credit__regie", "payment", "invoice"
    )
    if regie_id:
        movements = movements.filter(credit__regie_id=regie_id)
    return movements


def _credit_row(movement: CreditMovement) -> Operation:
    """A movement of the family's credit as the parent reads it; its amount is in words, not in the columns:
    the money itself is already counted by the payment (Débit) or the invoice (A Payer) it comes from. A refund is
    money the régie gives back: in Crédit too, as it raises the family's balance back."""
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
    refunded = -movement.amount if movement.kind == CreditMovementKind.REFUND else ZERO
    return Operation(number, day, f"{text} : {amount}", refunded, ZERO, ZERO, movement.credit.regie)


def family_credits(*, family: Family) -> list[FamilyCredit]:
    """«Avoir disponible», per régie: what the family paid beyond what it owed, not used nor refunded yet."""
    return list(FamilyCredit.objects.filter(family=family, balance__gt=0).select_related("regie").order_by("regie"))


def credit_used_on(*, invoice: Invoice) -> Decimal:
    """How much of the family's credit settled this invoice when it was issued."""
    used = CreditMovement.objects.filter(invoice=invoice, kind=CreditMovementKind.USED).values_list("amount", flat=True)
    return -sum(used, ZERO)


def settled_on(*, invoice: Invoice) -> date | None:
    """The day a paid invoice was settled: the latest of what paid it (payments, credit used, credit notes); None
    while something is left to pay."""
    if invoice.nature != InvoiceNature.INVOICE or invoice.state != InvoiceState.PAID:
        return None
    days = list(invoice.allocations.values_list("payment__paid_on", flat=True))
    days += list(invoice.credit_notes.values_list("issued_on", flat=True))
    days += [
        timezone.localdate(moment)
        for moment in CreditMovement.objects.filter(invoice=invoice, kind=CreditMovementKind.USED).values_list(
            "created_at", flat=True
        )
    ]
    return max(days, default=None)


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


def payment_for(*, user, pk: int) -> Payment:
    """A payment of one of the user's families, or 404."""
    return get_object_or_404(
        Payment.objects.select_related("regie", "family").distinct(), pk=pk, family__subscriptions__user=user
    )


def certificate_for(*, user, pk: int) -> ChildcareCertificate:
    """A childcare certificate of one of the user's families, or 404."""
    return get_object_or_404(
        ChildcareCertificate.objects.select_related("regie", "family").distinct(),
        pk=pk,
        family__subscriptions__user=user,
    )


def family_certificates(*, family: Family) -> list[ChildcareCertificate]:
    return list(
        ChildcareCertificate.objects.filter(family=family).select_related("regie").order_by("-year", "child_name", "pk")
    )
