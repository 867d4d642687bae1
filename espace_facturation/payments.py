"""Payments: recorded at the counter by régisseurs, or online, where the bank's confirmation makes the payment.

A payment is allocated to invoices under a lock on them; what is left over (nothing left to pay any more)
becomes the family's credit (credits.py), used by its next invoice or refunded by the régie. An online payment
is a state machine (rules.ONLINE_TRANSITIONS) changed under a lock on its row: a notification that arrives
twice counts once. One online payment pays one invoice or several of one régie (its shares: one transaction with
the bank, one Payment allocated to each). An invoice is in at most one online payment in flight (a partial unique
index on the shares, and the start under a lock on the invoices): a second «Payer en ligne» of the same invoices
resumes it."""

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from commun import formats
from espace_famille.comptes.models import User
from espace_famille.dossier.models import Family, Subscription
from espace_famille.dossier.permissions import check_family_member
from notifications import services as notifications
from notifications.kinds import recipient

from . import credits, rules
from .exceptions import PaymentError, PaymentInFlight
from .models import (
    ZERO,
    CreditMovement,
    Invoice,
    InvoiceNature,
    InvoiceState,
    OnlinePayment,
    OnlinePaymentShare,
    OnlinePaymentState,
    Payment,
    PaymentAllocation,
    PaymentKind,
    Regie,
)
from .permissions import DEBIT, RECORD_PAYMENT
from .services import _space_url

RECEIVED_EMAIL = "payment_received"
DEBIT_IN_PROGRESS = "Cette facture est en cours de prélèvement : elle sera réglée par votre banque."


def _operation_number(kind: str) -> str:
    while True:
        number = ("RT" if kind == PaymentKind.ONLINE else "") + f"{secrets.randbelow(10**10):010d}"
        if not Payment.objects.filter(operation_number=number).exists():
            return number


def description(payment: Payment) -> str:
    """As «Mes Règlements» says it: «Chèque 564654646», «Règlement en ligne - Transaction n°3fd945»."""
    if payment.kind == PaymentKind.ONLINE:
        return f"Règlement en ligne - Transaction n°{payment.reference}"
    return f"{payment.get_kind_display()} {payment.reference}".strip()


def _tell_family(payment: Payment, settled: list[Invoice], unallocated: Decimal) -> None:
    lines = [
        f"Facture {invoice.number} : "
        + ("réglée." if invoice.left_to_pay == 0 else f"reste à payer {formats.money(invoice.left_to_pay)}.")
        for invoice in settled
    ]
    if unallocated > 0:
        lines.append(f"Trop-perçu : {formats.money(unallocated)} en avoir, déduit de votre prochaine facture.")
    for subscription in Subscription.objects.filter(family_id=payment.family_id).select_related("user"):
        user = subscription.user
        notifications.queue(
            kind=RECEIVED_EMAIL,
            to=user.email,
            key=f"{RECEIVED_EMAIL}:{payment.pk}:{user.pk}",
            context={
                **recipient(user),
                "montant": formats.money(payment.amount),
                "description": description(payment),
                "date": formats.date_numeric(payment.paid_on),
                "operation": payment.operation_number,
                "factures": "\n".join(lines),
                "lien": _space_url("espace_facturation:payments"),
            },
        )


def _open_invoices_locked(*, regie: Regie, family: Family) -> list[Invoice]:
    """The family's invoices to pay at the régie, locked always in this order: two payments never deadlock. An invoice
    in a direct-debit lot is not to pay: the bank is collecting it."""
    return list(
        Invoice.objects.select_for_update()
        .filter(regie=regie, family=family, nature=InvoiceNature.INVOICE)
        .exclude(state__in=(InvoiceState.PAID, InvoiceState.CANCELLED, InvoiceState.DEBITING))
        .order_by("issued_on", "pk")
    )


def payment_record(
    *,
    regie: Regie,
    family: Family,
    kind: str,
    amount: Decimal,
    paid_on: date,
    reference: str = "",
    allocations: list[tuple[int, Decimal]] | None = None,
    by: User,
) -> Payment:
    """A régisseur records a payment received at the counter (cheque, cash, direct debit) and allocates it: to the
    given invoices (id, amount), or to the oldest unpaid ones; what is left over becomes the family's credit. The
    amount is checked against what the family owes, under the lock (rules.counter_amount_problem)."""
    if by is None or not by.has_perm(RECORD_PAYMENT):
        raise PermissionDenied("Seuls les régisseurs enregistrent un règlement.")
    if kind == PaymentKind.ONLINE:
        raise PaymentError("Un paiement en ligne est enregistré par la confirmation de la banque.")
    return _payment_write(
        regie=regie,
        family=family,
        kind=kind,
        amount=amount,
        paid_on=paid_on,
        reference=reference,
        allocations=allocations,
        by=by,
    )


def _payment_write(
    *,
    regie: Regie,
    family: Family,
    kind: str,
    amount: Decimal,
    paid_on: date,
    reference: str,
    allocations: list[tuple[int, Decimal]] | None,
    by: User | None,
) -> Payment:
    """The one way a payment is written: at the counter by a régisseur (payment_record), or online on the bank's
    confirmation, where no person acts (online_payment_notify, by None)."""
    amount = Decimal(amount)
    if amount <= 0 or amount != rules.money(amount):
        raise PaymentError("Le montant doit être supérieur à zéro, en euros et centimes.")
    with transaction.atomic():
        open_invoices = _open_invoices_locked(regie=regie, family=family)
        by_id = {invoice.pk: invoice for invoice in open_invoices}
        if kind != PaymentKind.ONLINE:
            # The bank has already taken an online payment: only what a cashier types can be a mistake.
            problem = rules.counter_amount_problem(
                amount=amount,
                due=sum((invoice.left_to_pay for invoice in open_invoices), ZERO),
                tolerance=counter_tolerance(),
            )
            if problem:
                raise PaymentError(problem)
        if allocations is None:
            allocations = rules.allocate(
                amount=amount, left=[(invoice.pk, invoice.left_to_pay) for invoice in open_invoices]
            )
        else:
            allocations = [(int(invoice_id), rules.money(share)) for invoice_id, share in allocations if share]
            for invoice_id, share in allocations:
                invoice = by_id.get(invoice_id)
                if invoice is None:
                    raise PaymentError("Cette facture n'est pas à payer pour cette famille et cette régie.")
                if share <= 0 or share > invoice.left_to_pay:
                    raise PaymentError(
                        f"Facture {invoice.number} : au plus {formats.money(invoice.left_to_pay)} reste à payer."
                    )
            if sum((share for _, share in allocations), ZERO) > amount:
                raise PaymentError("Les montants affectés dépassent le montant du règlement.")
        payment = Payment.objects.create(
            regie=regie,
            family=family,
            kind=kind,
            operation_number=_operation_number(kind),
            reference=reference.strip(),
            paid_on=paid_on,
            amount=amount,
            created_by=by,
        )
        PaymentAllocation.objects.bulk_create(
            [
                PaymentAllocation(payment=payment, invoice_id=invoice_id, amount=share)
                for invoice_id, share in allocations
            ]
        )
        settled = []
        for invoice_id, share in allocations:
            invoice = by_id[invoice_id]
            invoice.amount_paid += share
            invoice.state = rules.invoice_state(amount=invoice.amount, settled=invoice.amount_paid)
            invoice.save(update_fields=["amount_paid", "state"])
            settled.append(invoice)
        unallocated = amount - sum((share for _, share in allocations), ZERO)
        if unallocated > 0:
            credits.credit_add(regie=regie, family_id=family.pk, amount=unallocated, payment=payment, by=by)
        log(
            instance=payment,
            action="portail.payment.record",
            user=by,
            data={
                "amount": str(amount),
                "invoices": [invoice.number for invoice in settled],
                "unallocated": str(unallocated),
            },
        )
        _tell_family(payment, settled, unallocated)
    return payment


def payment_cancel(*, payment: Payment, reason: str, on: date, by: User | None) -> Payment:
    """A payment the bank took back (a direct debit rejected after its lot was settled): its allocations undone, the
    invoices it paid to pay again, the payment kept, cancelled on `on`, for the accounts (the journal reverses it that
    day, journal.payment_cancellation_entries). Once: a cancelled payment raises PaymentError. A payment part of which
    went to the family's credit is not cancelled here: that credit may be spent already."""
    if by is None or not (by.has_perm(RECORD_PAYMENT) or by.has_perm(DEBIT)):
        raise PermissionDenied("Seuls les régisseurs annulent un règlement.")
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.cancelled_on:
            raise PaymentError(f"Ce règlement est déjà annulé (le {formats.date_numeric(payment.cancelled_on)}).")
        if CreditMovement.objects.filter(payment=payment).exists():
            raise PaymentError("Une partie de ce règlement est en avoir : annulez-le au guichet, avec un avoir.")
        allocations = list(payment.allocations.order_by("invoice__issued_on", "invoice_id"))
        invoices = Invoice.objects.select_for_update().in_bulk([a.invoice_id for a in allocations])
        for allocation in allocations:
            invoice = invoices[allocation.invoice_id]
            invoice.amount_paid -= allocation.amount
            invoice.state = rules.invoice_state(
                amount=invoice.amount,
                settled=invoice.amount_paid,
                cancelled=invoice.state == InvoiceState.CANCELLED,
            )
            invoice.save(update_fields=["amount_paid", "state"])
        payment.allocations.all().delete()
        payment.cancelled_on, payment.cancel_reason = on, reason
        payment.save(update_fields=["cancelled_on", "cancel_reason"])
        log(
            instance=payment,
            action="portail.payment.cancel",
            user=by,
            data={
                "amount": str(payment.amount),
                "invoices": [invoices[a.invoice_id].number for a in allocations],
                "reason": reason,
            },
        )
    return payment


def counter_tolerance() -> Decimal:
    return rules.money(settings.COUNTER_OVERPAYMENT_TOLERANCE)


# Online payment --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What the bank says of a transaction."""

    result: str  # an OnlinePaymentState, or "" while the bank has not decided
    transaction_id: str = ""
    amount: Decimal | None = None
    raw: dict | None = None


def online_timeout() -> timedelta:
    return timedelta(minutes=settings.ONLINE_PAYMENT_TIMEOUT_MINUTES)


def online_payments_close_stale(
    *, invoices: Sequence[Invoice], ask: Callable[[OnlinePayment], Outcome], now=None
) -> None:
    """Close the payments in flight of these invoices whose bank page has expired: with the bank's answer
    (`ask`, outside any lock: it is a network call), or as expired when the bank does not decide."""
    limit = (now or timezone.now()) - online_timeout()
    stale = (
        OnlinePayment.objects.filter(
            shares__invoice__in=[invoice.pk for invoice in invoices],
            state=OnlinePaymentState.STARTED,
            created_at__lt=limit,
        )
        .select_related("invoice__regie")
        .distinct()
    )
    for payment in stale:
        try:
            outcome = ask(payment)
        except Exception:  # the bank does not answer: its page is gone anyway, a late answer still counts
            outcome = Outcome(result="")
        if outcome.result:
            online_payment_notify(payment=payment, outcome=outcome)
        else:
            online_payment_expire(payment=payment, reason="timeout")


def _naming(invoices: list[Invoice]) -> tuple[str, str]:
    """«la facture 2026-0001» and «la», or «les factures 2026-0001, 2026-0002» and «les»."""
    if len(invoices) == 1:
        return f"la facture {invoices[0].number}", "la"
    return "les factures " + ", ".join(invoice.number for invoice in invoices), "les"


def _start_refusal(locked: list[Invoice]) -> PaymentError | None:
    """Why these invoices (locked) cannot be paid online together now, or None. Alone, an invoice says it as it
    always did; in a group, the message names the invoices to untick."""
    if len({invoice.regie_id for invoice in locked}) > 1:
        return PaymentError(
            "Les factures de régies différentes se paient séparément : cochez seulement des factures du même émetteur."
        )
    # A régie that stopped paying online sends nobody back to a bank page it no longer serves.
    if not locked[0].regie.pays_online:
        return PaymentError("Cette régie ne propose pas le paiement en ligne.")
    asked = {invoice.pk for invoice in locked}
    shares = OnlinePaymentShare.objects.filter(invoice__in=asked, in_flight=True).select_related("online_payment")
    open_payments = {share.online_payment for share in shares}
    if open_payments:
        [payment, *others] = open_payments
        if not others and set(payment.shares.values_list("invoice_id", flat=True)) == asked:
            return PaymentInFlight(payment, several=len(asked) > 1)
        if len(locked) == 1:
            return PaymentError(
                "Un paiement en ligne est déjà en cours pour cette facture, avec d'autres factures : attendez la "
                "réponse du service de paiement."
            )
        busy = [invoice for invoice in locked if invoice.pk in {share.invoice_id for share in shares}]
        named, pronoun = _naming(busy)
        return PaymentError(
            f"Un paiement en ligne est déjà en cours pour {named} : décochez-{pronoun} ou attendez la réponse "
            "du service de paiement."
        )
    debiting = [invoice for invoice in locked if invoice.debit_in_progress]
    if debiting:
        if len(locked) == 1:
            return PaymentError(DEBIT_IN_PROGRESS)
        named, pronoun = _naming(debiting)
        return PaymentError(f"Votre banque règle par prélèvement {named} : décochez-{pronoun}.")
    settled = [invoice for invoice in locked if invoice.left_to_pay <= 0]
    if settled:
        if len(locked) == 1:
            return PaymentError("Cette facture est déjà réglée.")
        named, pronoun = _naming(settled)
        return PaymentError(f"Plus rien n'est à payer sur {named} : décochez-{pronoun}.")
    return None


def online_payment_start(*, invoices: Sequence[Invoice], by: User) -> OnlinePayment:
    """Start paying online what is left on one invoice, or on several of one régie in one transaction with the bank:
    the amount of each is fixed here (the payment's shares), the invoices stay to pay. One at a time: an invoice
    in a payment in flight is in no other; asking again for the very invoices of a payment in flight gives it
    back (PaymentInFlight) instead of a second one. Only a parent of the invoiced family pays from here."""
    asked = sorted({invoice.pk for invoice in invoices})
    if not asked:
        raise PaymentError("Cochez au moins une facture à payer.")
    families = {invoice.family_id for invoice in invoices}
    for family_id in families:
        check_family_member(by=by, family=family_id)
    if len(families) > 1:
        raise PaymentError("Les factures de familles différentes se paient séparément.")
    with transaction.atomic():
        # Locked in the order every payment locks a family's invoices (_open_invoices_locked): no deadlock.
        locked = list(
            Invoice.objects.select_for_update(of=("self",))
            .select_related("regie")
            .filter(pk__in=asked, nature=InvoiceNature.INVOICE)
            .order_by("issued_on", "pk")
        )
        if len(locked) != len(asked):
            raise PaymentError("Seules des factures se paient en ligne.")
        refusal = _start_refusal(locked)
        if refusal is not None:
            raise refusal
        payment = OnlinePayment.objects.create(
            invoice=locked[0],
            backend=locked[0].regie.payment_backend,
            order_id=secrets.token_hex(10).upper(),
            amount=sum((invoice.left_to_pay for invoice in locked), ZERO),
            email=by.email,
            started_by=by,
        )
        OnlinePaymentShare.objects.bulk_create(
            [
                OnlinePaymentShare(online_payment=payment, invoice=invoice, amount=invoice.left_to_pay)
                for invoice in locked
            ]
        )
        log(
            instance=payment,
            action="portail.online_payment.start",
            user=by,
            data={"invoices": [invoice.number for invoice in locked], "amount": str(payment.amount)},
        )
    return payment


def online_payment_invoices(payment: OnlinePayment) -> list[Invoice]:
    """The invoices an online payment pays, oldest first."""
    return [
        share.invoice
        for share in payment.shares.select_related("invoice").order_by("invoice__issued_on", "invoice__pk")
    ]


def online_payment_link(*, payment: OnlinePayment, transaction_id: str, url: str = "") -> None:
    """Keep the bank's own identifier of a started payment (PayFiP's idop) and the address of its page."""
    OnlinePayment.objects.filter(pk=payment.pk).update(transaction_id=transaction_id, bank_url=url[:500])


def online_payment_expire(*, payment: OnlinePayment, reason: str) -> OnlinePayment:
    """Close a payment in flight that the bank will not decide any more (its page expired, or it never opened)."""
    with transaction.atomic():
        payment = OnlinePayment.objects.select_for_update().get(pk=payment.pk)
        if payment.state != OnlinePaymentState.STARTED:
            return payment
        payment.state = OnlinePaymentState.EXPIRED
        payment.finished_at = timezone.now()
        payment.save(update_fields=["state", "finished_at"])
        payment.shares.update(in_flight=False)
        log(instance=payment, action="portail.online_payment.expired", data={"reason": reason})
    return payment


def online_payment_notify(*, payment: OnlinePayment, outcome: Outcome) -> OnlinePayment:
    """The bank's answer. Only the first decision of the bank counts; an amount other than the one asked is
    recorded as the bank took it, and logged.
    A confirmation for an invoice settled meanwhile (another tab, the counter) is recorded all the same: the
    money becomes the family's credit."""
    if not outcome.result:
        return payment
    with transaction.atomic():
        payment = (
            OnlinePayment.objects.select_for_update(of=("self",))
            .select_related("invoice__regie", "invoice__family")
            .get(pk=payment.pk)
        )
        payment.responses = [*payment.responses, {"at": timezone.now().isoformat(), **(outcome.raw or {})}]
        if not rules.online_transition_allowed(payment.state, outcome.result):
            payment.save(update_fields=["responses"])
            return payment
        state, taken = outcome.result, payment.amount
        if state == OnlinePaymentState.PAID and outcome.amount is not None and outcome.amount != payment.amount:
            # The bank's own answer says it took another amount: that money is real. It is recorded as taken (what
            # exceeds the invoice becomes the family's credit) and the régie finds the gap in the audit log.
            log(
                instance=payment,
                action="portail.online_payment.amount_mismatch",
                data={"asked": str(payment.amount), "paid": str(outcome.amount)},
            )
            if outcome.amount > 0:
                taken = rules.money(outcome.amount)
            else:
                state = OnlinePaymentState.REFUSED
        payment.state = state
        payment.finished_at = timezone.now()
        # The bank's identifier of the payment stays (PayFiP's idop finds it again); its receipt number is the
        # payment's reference, as «Règlement en ligne - Transaction n°…» shows it.
        receipt = outcome.transaction_id or payment.transaction_id or payment.order_id
        payment.transaction_id = payment.transaction_id or outcome.transaction_id
        if state == OnlinePaymentState.PAID:
            invoice = payment.invoice
            still_open = {row.pk: row for row in _open_invoices_locked(regie=invoice.regie, family=invoice.family)}
            # Each invoice gets what was asked for it, at most what is still left on it (the counter or a credit
            # note may have settled some meanwhile); less taken by the bank goes to the oldest first.
            due = [
                (share.invoice_id, min(share.amount, still_open[share.invoice_id].left_to_pay))
                for share in payment.shares.order_by("invoice__issued_on", "invoice__pk")
                if share.invoice_id in still_open
            ]
            # The bank's confirmation is the actor: the system records what the bank took.
            payment.payment = _payment_write(
                regie=invoice.regie,
                family=invoice.family,
                kind=PaymentKind.ONLINE,
                amount=taken,
                paid_on=timezone.localdate(),
                reference=receipt[:60],
                allocations=rules.allocate(amount=taken, left=due),
                by=None,
            )
        payment.save()
        payment.shares.update(in_flight=False)
        log(instance=payment, action=f"portail.online_payment.{state}", data={"order": payment.order_id})
    return payment
