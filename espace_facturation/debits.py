"""Direct debit, from the pre-notice to the money: the family told of each debit (amount, date) at least the régie's
notice days before, the lots of a collection date generated once as a pain.008 file, settled when the date passes.

An invoice in a lot is «En cours de prélèvement» (InvoiceState.DEBITING): a payment in flight, so online payment,
counter allocation, credit notes and reminders leave it alone until the lot is settled or the bank rejects it
(debit_returns.py)."""

import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from wagtail.log_actions import log

from commun import audit, formats
from espace_famille.comptes.models import User
from espace_famille.dossier.models import Subscription
from home.models import SiteIdentity
from notifications import services as notifications
from notifications.kinds import recipient

from . import rules, sepa_xml
from .exceptions import BillingError
from .models import (
    OPEN_STATES,
    ZERO,
    BatchState,
    DebitBatch,
    DebitNotice,
    DebitState,
    DebitTransaction,
    Invoice,
    InvoiceNature,
    InvoiceState,
    Mandate,
    PaymentKind,
    Regie,
    SequenceType,
)
from .permissions import DEBIT
from .services import _space_url

NOTICE_EMAIL = "debit_notice"


def check_debit(by: User | None) -> None:
    """Lots, files and rejections are the régisseurs' work, whoever calls (admin view, command)."""
    if by is None or not by.has_perm(DEBIT):
        raise PermissionDenied("Seuls les régisseurs préparent les prélèvements.")


def _active_mandate():
    return Mandate.objects.filter(family=OuterRef("family"), regie=OuterRef("regie"), active=True)


def debited(invoices):
    """Annotate `on_debit`: the invoice's family has an active mandate with its régie (one subquery, no more)."""
    return invoices.annotate(on_debit=Exists(_active_mandate()))


# Pre-notices -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeDue:
    invoice: Invoice
    mandate: Mandate
    amount: Decimal
    debit_on: date


def notices_due(*, today: date) -> list[NoticeDue]:
    """The invoices on direct debit whose pre-notice goes today and was not sent yet."""
    candidates = (
        debited(Invoice.objects.filter(nature=InvoiceNature.INVOICE, state__in=OPEN_STATES, debit_notice__isnull=True))
        .filter(on_debit=True)
        .select_related("regie", "family")
        .order_by("due_on", "pk")
    )
    due = [
        invoice
        for invoice in candidates
        if invoice.regie.debits
        and invoice.left_to_pay > 0
        and rules.notice_due(due_on=invoice.due_on, today=today, notice_days=invoice.regie.debit_notice_days)
    ]
    mandates = {
        (m.regie_id, m.family_id): m
        for m in Mandate.objects.filter(active=True, family__in={invoice.family_id for invoice in due})
    }
    return [
        NoticeDue(
            invoice=invoice,
            mandate=mandates[(invoice.regie_id, invoice.family_id)],
            amount=invoice.left_to_pay,
            debit_on=rules.debit_date(
                due_on=invoice.due_on, notified_on=today, notice_days=invoice.regie.debit_notice_days
            ),
        )
        for invoice in due
        if (invoice.regie_id, invoice.family_id) in mandates
    ]


def debit_notices_send(*, today: date | None = None) -> list[DebitNotice]:
    """Tell each family on direct debit the amount and date of its next debits (the daily job): one notice per
    invoice, ever (DebitNotice is one-to-one with its invoice, each e-mail keyed in the outbox). No person acts."""
    today = today or timezone.localdate()
    due = notices_due(today=today)
    if not due:
        return []
    users = defaultdict(list)
    for subscription in Subscription.objects.filter(family__in={d.invoice.family_id for d in due}).select_related(
        "user"
    ):
        users[subscription.family_id].append(subscription.user)
    base = SiteIdentity.public_address()
    notices = []
    with transaction.atomic():
        locked = set(
            Invoice.objects.select_for_update(of=("self",))
            .filter(pk__in=[d.invoice.pk for d in due], debit_notice__isnull=True, state__in=OPEN_STATES)
            .values_list("pk", flat=True)
        )
        notices = DebitNotice.objects.bulk_create(
            DebitNotice(invoice=d.invoice, mandate=d.mandate, amount=d.amount, debit_on=d.debit_on, sent_on=today)
            for d in due
            if d.invoice.pk in locked
        )
        messages = []
        for notice in notices:
            invoice = notice.invoice
            for user in users.get(invoice.family_id, []):
                context = {
                    **recipient(user),
                    "numero": invoice.number,
                    "regie": invoice.regie.name,
                    "montant": formats.money(notice.amount),
                    "date_prelevement": formats.date_numeric(notice.debit_on),
                    "rum": notice.mandate.reference,
                    "ics": invoice.regie.creditor_id,
                    "lien": _space_url("espace_facturation:invoice_detail", invoice.pk, base=base),
                }
                messages.append((user.email, f"{NOTICE_EMAIL}:{invoice.pk}:{user.pk}", context))
        notifications.queue_many(kind=NOTICE_EMAIL, messages=messages)
        audit.entries_write(
            [
                (
                    notice.invoice,
                    "portail.debit.notice",
                    {"amount": str(notice.amount), "date": f"{notice.debit_on:%d/%m/%Y}"},
                )
                for notice in notices
            ],
            by=None,
        )
    return notices


# Lots ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewRow:
    invoice: Invoice
    mandate: Mandate
    amount: Decimal


@dataclass(frozen=True)
class Preview:
    regie: Regie
    collection_date: date
    rows: list[PreviewRow]

    @property
    def total(self) -> Decimal:
        return sum((row.amount for row in self.rows), ZERO)


def _debitable(regie: Regie):
    in_flight = DebitTransaction.objects.filter(invoice=OuterRef("pk"), state__in=(DebitState.PENDING,))
    return (
        Invoice.objects.filter(
            regie=regie, nature=InvoiceNature.INVOICE, state__in=OPEN_STATES, debit_notice__isnull=False
        )
        .annotate(in_flight=Exists(in_flight), on_debit=Exists(_active_mandate()))
        .filter(in_flight=False, on_debit=True)
    )


def batch_preview(*, regie: Regie, collection_date: date, lock: bool = False) -> Preview:
    """«Aperçu» of a lot: the invoices of the régie whose pre-notice announced this collection date, still to pay,
    their family's mandate active; with `lock`, the invoices locked (the generation's own read)."""
    invoices = _debitable(regie).filter(debit_notice__debit_on=collection_date)
    mandates = Mandate.objects.filter(regie=regie, active=True, family__in=invoices.values("family_id"))
    if lock:
        invoices = invoices.select_for_update(of=("self",))
        mandates = mandates.select_for_update()
    # Only what a lot needs: a lot may hold thousands of invoices.
    invoices = list(
        invoices.select_related("family")
        .only("number", "amount", "amount_paid", "state", "nature", "family_id", "regie_id", "family__name")
        .order_by("family__name", "pk")
    )
    mandates = {m.family_id: m for m in mandates}
    rows = [
        PreviewRow(invoice=invoice, mandate=mandates[invoice.family_id], amount=invoice.left_to_pay)
        for invoice in invoices
        if invoice.left_to_pay > 0 and invoice.family_id in mandates
    ]
    return Preview(regie=regie, collection_date=collection_date, rows=rows)


def next_collection_date(*, regie: Regie, today: date | None = None) -> date | None:
    """The next date (today or later) on which the régie has invoices to debit."""
    today = today or timezone.localdate()
    return (
        _debitable(regie)
        .filter(debit_notice__debit_on__gte=today)
        .order_by("debit_notice__debit_on")
        .values_list("debit_notice__debit_on", flat=True)
        .first()
    )


def _message_id(regie: Regie, collection_date: date) -> str:
    return f"PF{regie.pk:03d}-{collection_date:%Y%m%d}-{secrets.token_hex(6).upper()}"


def batch_generate(*, regie: Regie, collection_date: date, by: User, today: date | None = None) -> DebitBatch:
    """«Générer le fichier»: the lot of the régie's debits on `collection_date`, written as a pain.008.001.02 file
    checked against the schema; its invoices become «En cours de prélèvement» and each mandate's next debit a RCUR.
    One lot per régie and date: a resubmitted (or concurrent) generation gives back the lot already made. A file the
    schema refuses writes nothing."""
    check_debit(by)
    today = today or timezone.localdate()
    with transaction.atomic():
        # Generations of a régie wait for one another here: the second finds the first's lot.
        regie = Regie.objects.select_for_update().get(pk=regie.pk)
        existing = DebitBatch.objects.filter(regie=regie, collection_date=collection_date).first()
        if existing is not None:
            return existing
        if not regie.debits:
            raise BillingError("Renseignez l'ICS et le compte (IBAN, BIC) de la régie avant de prélever.")
        if collection_date < today:
            raise BillingError("La date de prélèvement est passée : choisissez une date à venir.")
        preview = batch_preview(regie=regie, collection_date=collection_date, lock=True)
        if not preview.rows:
            raise BillingError("Aucune facture à prélever à cette date.")
        mandates = {row.mandate.pk: row.mandate for row in preview.rows}
        batch = DebitBatch.objects.create(
            regie=regie,
            collection_date=collection_date,
            message_id=_message_id(regie, collection_date),
            count=len(preview.rows),
            total=preview.total,
            created_by=by,
        )
        transactions = DebitTransaction.objects.bulk_create(
            [
                DebitTransaction(
                    batch=batch,
                    invoice=row.invoice,
                    mandate=mandates[row.mandate.pk],
                    end_to_end_id=rules.end_to_end_id(batch_id=batch.pk, invoice_id=row.invoice.pk),
                    amount=row.amount,
                    sequence=mandates[row.mandate.pk].sequence,
                )
                for row in preview.rows
            ],
            batch_size=1_000,
        )
        debits = [
            sepa_xml.Debit(
                end_to_end_id=tx.end_to_end_id,
                amount=tx.amount,
                sequence=tx.sequence,
                mandate_reference=tx.mandate.reference,
                mandate_signed_on=tx.mandate.signed_on,
                debtor=tx.mandate.account_holder,
                iban=tx.mandate.iban,
                bic=tx.mandate.bic,
                description=f"Facture {tx.invoice.number} {regie.name}",
            )
            for tx in transactions
        ]
        batch.xml = sepa_xml.pain008(
            message_id=batch.message_id,
            creditor=regie.municipality or regie.name,
            creditor_id=regie.creditor_id,
            iban=rules.compact_account(regie.creditor_iban),
            bic=rules.compact_account(regie.creditor_bic),
            collection_date=collection_date,
            debits=debits,
        ).decode()
        batch.save(update_fields=["xml"])
        Invoice.objects.filter(pk__in=[row.invoice.pk for row in preview.rows]).update(state=InvoiceState.DEBITING)
        Mandate.objects.filter(pk__in=mandates, sequence=SequenceType.FIRST).update(sequence=SequenceType.RECURRING)
        log(
            instance=batch,
            action="portail.debit.batch",
            user=by,
            data={"date": f"{collection_date:%d/%m/%Y}", "count": batch.count, "amount": str(batch.total)},
        )
    return batch


def batches_settle(*, today: date | None = None) -> int:
    """The lots whose collection date has passed without rejection are paid: each debit still in flight becomes a
    «Prélèvement» payment of its invoice (paid on the collection date), the family told as for any payment. No person
    acts (the daily job). Returns how many debits were settled."""
    from .payments import _payment_write

    today = today or timezone.localdate()
    settled = 0
    for batch in DebitBatch.objects.filter(state=BatchState.SENT).select_related("regie").order_by("pk"):
        if not rules.batch_settles(collection_date=batch.collection_date, today=today):
            continue
        with transaction.atomic():
            batch = DebitBatch.objects.select_for_update().select_related("regie").get(pk=batch.pk)
            if batch.state != BatchState.SENT:
                continue
            pending = DebitTransaction.objects.select_for_update(of=("self",)).filter(
                batch=batch, state=DebitState.PENDING
            )
            for tx in pending.select_related("invoice__family").order_by("pk"):
                invoice = Invoice.objects.select_for_update().get(pk=tx.invoice_id)
                # Out of flight, in this transaction only, so that the payment settles it as any payment does.
                Invoice.objects.filter(pk=invoice.pk).update(
                    state=rules.invoice_state(amount=invoice.amount, settled=invoice.amount_paid)
                )
                tx.payment = _payment_write(
                    regie=batch.regie,
                    family=invoice.family,
                    kind=PaymentKind.DIRECT_DEBIT,
                    amount=tx.amount,
                    paid_on=batch.collection_date,
                    reference=tx.end_to_end_id,
                    allocations=[(invoice.pk, min(tx.amount, invoice.left_to_pay))],
                    by=None,
                )
                tx.state = DebitState.SETTLED
                tx.save(update_fields=["payment", "state"])
                settled += 1
            batch.state, batch.settled_at = BatchState.SETTLED, timezone.now()
            batch.save(update_fields=["state", "settled_at"])
            log(instance=batch, action="portail.debit.settle", data={"date": f"{batch.collection_date:%d/%m/%Y}"})
    return settled
