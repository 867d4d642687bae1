"""Billing writes: invoice numbers, invoices and credit notes, the monthly invoicing run.

Every write is atomic and logged. A number is taken under a lock on the régie's sequence row, in the same
transaction as its invoice: a transaction that fails gives its number back, so numbers have no gap.
A planning day is billed at most once (BilledDay's unique booking): a second run, or two runs racing,
bill nothing twice."""

import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from commun import formats
from espace_famille.comptes.models import User
from espace_famille.dossier.models import Family, Subscription
from espace_famille.planning import rules as famille_rules
from espace_famille.planning.models import ActivityPrice, Booking
from home.models import SiteIdentity
from notifications import services as notifications

from . import credits, rules
from .exceptions import BillingError
from .models import (
    ZERO,
    BilledDay,
    Invoice,
    InvoiceLine,
    InvoiceNature,
    InvoiceSequence,
    InvoiceState,
    InvoicingRun,
    Regie,
    RunState,
)

ISSUED_EMAIL = "invoice_issued"
BATCH = 200


@dataclass
class PreviewLine:
    child_id: int
    child_name: str
    activity_id: int
    label: str
    unit_price: Decimal
    days: list[date] = field(default_factory=list)
    bookings: list[tuple[int, str]] = field(default_factory=list)

    @property
    def quantity(self) -> Decimal:
        return Decimal(len(self.days))

    @property
    def amount(self) -> Decimal:
        return rules.line_amount(quantity=self.quantity, unit=self.unit_price)


@dataclass
class FamilyPreview:
    family_id: int
    family_name: str
    lines: list[PreviewLine] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)


# Numbers ---------------------------------------------------------------------------------------------------------


def _ensure_sequence(regie: Regie, year: int) -> None:
    """The régie's row for the year exists before anyone locks it (two first invoices of a year may race)."""
    if not InvoiceSequence.objects.filter(regie=regie, year=year).exists():
        try:
            with transaction.atomic():
                InvoiceSequence.objects.create(regie=regie, year=year)
        except IntegrityError:
            pass


def next_number(*, regie: Regie, year: int) -> str:
    """Take the régie's next number for the year; call inside the transaction that writes the invoice."""
    sequence = InvoiceSequence.objects.select_for_update().get(regie=regie, year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return rules.invoice_number(year=year, sequence=sequence.last_number)


def _emission_code(regie: Regie, issued_on: date) -> str:
    return f"EM{issued_on:%Y%m}{regie.pk:03d}"


def _personal_code() -> str:
    return secrets.token_hex(4).upper()


# Invoices --------------------------------------------------------------------------------------------------------


def _space_url(name: str, *args) -> str:
    base = (SiteIdentity.current().public_url or settings.PUBLIC_URL).rstrip("/")
    try:
        return base + reverse(name, args=args)
    except NoReverseMatch:
        return base + "/espace-facturation/"


def _tell_family(invoice: Invoice, users: list[User]) -> None:
    for user in users:
        notifications.queue(
            kind=ISSUED_EMAIL,
            to=user.email,
            key=f"{ISSUED_EMAIL}:{invoice.pk}:{user.pk}",
            context=_email_context(invoice, user),
        )


def invoice_issue(
    *,
    regie: Regie,
    family: Family,
    lines: list[PreviewLine],
    issued_on: date,
    period: tuple[date, date] | None = None,
    run: InvoicingRun | None = None,
    by: User | None = None,
    users: list[User] | None = None,
) -> Invoice:
    """Issue one invoice: numbered, its lines written, its planning days marked billed, the family told.

    Raises IntegrityError (and writes nothing, number included) if one of its days was billed meanwhile."""
    if not lines:
        raise BillingError("Une facture a au moins une ligne.")
    _ensure_sequence(regie, issued_on.year)
    with transaction.atomic():
        number = next_number(regie=regie, year=issued_on.year)
        amount = sum((line.amount for line in lines), ZERO)
        invoice = Invoice.objects.create(
            regie=regie,
            family=family,
            nature=InvoiceNature.INVOICE,
            number=number,
            issued_on=issued_on,
            due_on=rules.due_date(issued_on=issued_on, days=regie.due_days),
            period_start=period[0] if period else None,
            period_end=period[1] if period else None,
            amount=amount,
            state=rules.invoice_state(amount=amount, settled=ZERO),
            emission_code=_emission_code(regie, issued_on),
            personal_code=_personal_code(),
            run=run,
        )
        rows = InvoiceLine.objects.bulk_create(
            [
                InvoiceLine(
                    invoice=invoice,
                    child_id=line.child_id,
                    activity_id=line.activity_id,
                    child_name=line.child_name,
                    label=line.label,
                    period_start=min(line.days) if line.days else None,
                    period_end=max(line.days) if line.days else None,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    amount=line.amount,
                )
                for line in lines
            ]
        )
        BilledDay.objects.bulk_create(
            [
                BilledDay(booking_id=booking_id, line=row, state=state)
                for line, row in zip(lines, rows, strict=True)
                for booking_id, state in line.bookings
            ]
        )
        log(instance=invoice, action="portail.invoice.issue", user=by, data={"number": number, "amount": str(amount)})
        credits.credit_use(regie=regie, invoices=[invoice], by=by)
        if users is None:
            users = [
                subscription.user for subscription in Subscription.objects.filter(family=family).select_related("user")
            ]
        _tell_family(invoice, users)
    return invoice


def credit_note_issue(*, invoice: Invoice, amount: Decimal, reason: str, by: User | None) -> Invoice:
    """A credit note («Avoir») correcting `invoice`: numbered in the same sequence, it settles that much of it."""
    amount = rules.money(amount)
    reason = reason.strip()
    if amount <= 0:
        raise BillingError("Le montant de l'avoir doit être positif.")
    if not reason:
        raise BillingError("Indiquez le motif de l'avoir.")
    today = timezone.localdate()
    _ensure_sequence(invoice.regie, today.year)
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().select_related("regie").get(pk=invoice.pk)
        if invoice.nature != InvoiceNature.INVOICE or invoice.state == InvoiceState.CANCELLED:
            raise BillingError("Seule une facture émise peut être corrigée par un avoir.")
        credited = sum((note.amount for note in invoice.credit_notes.all()), ZERO)
        if credited + amount > invoice.amount:
            raise BillingError(
                f"L'avoir dépasse le montant de la facture : au plus {formats.money(invoice.amount - credited)}."
            )
        note = Invoice.objects.create(
            regie=invoice.regie,
            family_id=invoice.family_id,
            nature=InvoiceNature.CREDIT_NOTE,
            number=next_number(regie=invoice.regie, year=today.year),
            issued_on=today,
            due_on=today,
            period_start=invoice.period_start,
            period_end=invoice.period_end,
            amount=amount,
            amount_paid=amount,
            state=InvoiceState.PAID,
            emission_code=invoice.emission_code,
            personal_code=invoice.personal_code,
            corrects=invoice,
        )
        InvoiceLine.objects.create(
            invoice=note,
            label=f"Avoir sur la facture {invoice.number} : {reason}"[:200],
            quantity=Decimal("1"),
            unit_price=amount,
            amount=amount,
        )
        # What the note credits beyond what was left to pay was already paid: it goes back to the family as credit.
        excess = max(amount - invoice.left_to_pay, ZERO)
        settled = invoice.amount_paid + amount - excess
        # Credited in full, the invoice is cancelled; otherwise the credit counts as settled.
        cancelled = credited + amount == invoice.amount
        Invoice.objects.filter(pk=invoice.pk).update(
            amount_paid=settled,
            state=rules.invoice_state(amount=invoice.amount, settled=settled, cancelled=cancelled),
        )
        log(instance=note, action="portail.invoice.credit", user=by, data={"invoice": invoice.number, "reason": reason})
        if excess:
            credits.credit_add(regie=invoice.regie, family_id=invoice.family_id, amount=excess, note=note, by=by)
    return note


# The invoicing run -----------------------------------------------------------------------------------------------


def _billable(regie: Regie, first: date, last: date, family_ids: list[int] | None = None):
    bookings = Booking.objects.filter(
        activity__regies=regie, day__range=(first, last), state__in=famille_rules.BILLED, billed__isnull=True
    )
    if family_ids is not None:
        bookings = bookings.filter(child__family_id__in=family_ids)
    return bookings.values_list(
        "pk",
        "state",
        "day",
        "child_id",
        "child__first_name",
        "child__last_name",
        "child__family_id",
        "child__family__name",
        "child__family__quotient",
        "activity_id",
        "activity__code",
        "activity__label",
        "activity__price",
    ).order_by("child__family_id", "child_id", "activity__code", "day")


def _bands(regie: Regie) -> dict[int, list[tuple[int | None, Decimal]]]:
    bands = defaultdict(list)
    for price in ActivityPrice.objects.filter(activity__regies=regie):
        bands[price.activity_id].append((price.quotient_max, price.amount))
    return {key: sorted(value, key=lambda band: (band[0] is None, band[0] or 0)) for key, value in bands.items()}


def invoicing_preview(*, regie: Regie, month: date, family_ids: list[int] | None = None) -> list[FamilyPreview]:
    """Per family, the lines a run would issue now for the month: the days «Réservé» or «Absence facturée» not
    billed yet, × the price for the family's quotient familial, one line per child, activity and price."""
    first, last = rules.month_bounds(month)
    bands = _bands(regie)
    families: dict[int, FamilyPreview] = {}
    lines: dict[tuple, PreviewLine] = {}
    for row in _billable(regie, first, last, family_ids):
        pk, state, day, child_id, first_name, last_name, family_id, family_name, quotient = row[:9]
        activity_id, code, label, base = row[9:]
        unit = rules.unit_price(base=base, bands=bands.get(activity_id, []), quotient=quotient)
        family = families.setdefault(family_id, FamilyPreview(family_id, family_name))
        key = (family_id, child_id, activity_id, unit)
        line = lines.get(key)
        if line is None:
            line = lines[key] = PreviewLine(
                child_id=child_id,
                child_name=f"{first_name} {last_name}",
                activity_id=activity_id,
                label=f"{code}/{label}",
                unit_price=unit,
            )
            family.lines.append(line)
        line.days.append(day)
        line.bookings.append((pk, state))
    return [family for family in families.values() if family.lines]


def invoicing_run_start(*, regie: Regie, month: date, by: User, issued_on: date | None = None) -> InvoicingRun:
    """Record the run and hand it to a worker (django-q2): its page follows the progress."""
    from django_q.tasks import async_task

    month = month.replace(day=1)
    families = len(invoicing_preview(regie=regie, month=month))
    run = InvoicingRun.objects.create(
        regie=regie,
        month=month,
        issued_on=issued_on or timezone.localdate(),
        created_by=by,
        families_total=families,
    )
    log(instance=run, action="portail.invoicing.start", user=by, data={"month": f"{month:%m/%Y}"})
    transaction.on_commit(lambda: async_task("espace_facturation.tasks.invoicing_run_execute", run.pk))
    return run


def _email_context(invoice: Invoice, user: User) -> dict:
    return {
        "civilite": user.civility,
        "prenom": user.first_name,
        "nom": user.last_name.upper(),
        "nom_complet": user.display_name,
        "numero": invoice.number,
        "regie": invoice.regie.name,
        "montant": formats.money(invoice.amount),
        "echeance": formats.date_numeric(invoice.due_on),
        "periode": formats.month_year(invoice.period_start),
        "lien": _space_url("espace_facturation:invoice_detail", invoice.pk),
    }


def _issue_batch(
    *, run: InvoicingRun, previews: list[FamilyPreview], period: tuple[date, date], users: dict
) -> list[Invoice]:
    """Issue a batch of the run's invoices in one transaction, under the lock of the régie's sequence.

    Runs of a régie take that lock, so they follow one another batch by batch: under it, the days another run
    billed meanwhile are dropped, then the invoices, lines and billed days are written in bulk, numbered
    without a gap. (An activity billed by two régies would make the unique booking refuse the batch: the
    run then fails rather than bill twice.)"""
    regie = run.regie
    with transaction.atomic():
        sequence = InvoiceSequence.objects.select_for_update().get(regie=regie, year=run.issued_on.year)
        booking_ids = [pk for preview in previews for line in preview.lines for pk, _ in line.bookings]
        billed = set(BilledDay.objects.filter(booking_id__in=booking_ids).values_list("booking_id", flat=True))
        due_on = rules.due_date(issued_on=run.issued_on, days=regie.due_days)
        invoices, kept = [], []
        for preview in previews:
            lines = []
            for line in preview.lines:
                fresh = [(pk, state) for pk, state in line.bookings if pk not in billed]
                if fresh:
                    days = [day for day, (pk, _) in zip(line.days, line.bookings, strict=True) if pk not in billed]
                    lines.append(
                        PreviewLine(
                            line.child_id, line.child_name, line.activity_id, line.label, line.unit_price, days, fresh
                        )
                    )
            if not lines:
                continue
            sequence.last_number += 1
            amount = sum((line.amount for line in lines), ZERO)
            invoices.append(
                Invoice(
                    regie=regie,
                    family_id=preview.family_id,
                    nature=InvoiceNature.INVOICE,
                    number=rules.invoice_number(year=run.issued_on.year, sequence=sequence.last_number),
                    issued_on=run.issued_on,
                    due_on=due_on,
                    period_start=period[0],
                    period_end=period[1],
                    amount=amount,
                    state=rules.invoice_state(amount=amount, settled=ZERO),
                    emission_code=_emission_code(regie, run.issued_on),
                    personal_code=_personal_code(),
                    run=run,
                )
            )
            kept.append(lines)
        if not invoices:
            return []
        sequence.save(update_fields=["last_number"])
        Invoice.objects.bulk_create(invoices)
        rows = InvoiceLine.objects.bulk_create(
            [
                InvoiceLine(
                    invoice=invoice,
                    child_id=line.child_id,
                    activity_id=line.activity_id,
                    child_name=line.child_name,
                    label=line.label,
                    period_start=min(line.days),
                    period_end=max(line.days),
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    amount=line.amount,
                )
                for invoice, lines in zip(invoices, kept, strict=True)
                for line in lines
            ]
        )
        all_lines = [line for lines in kept for line in lines]
        BilledDay.objects.bulk_create(
            [
                BilledDay(booking_id=pk, line=row, state=state)
                for line, row in zip(all_lines, rows, strict=True)
                for pk, state in line.bookings
            ],
            batch_size=5_000,
        )
        content_type = ContentType.objects.get_for_model(Invoice)
        now = timezone.now()
        ModelLogEntry.objects.bulk_create(
            ModelLogEntry(
                content_type=content_type,
                object_id=str(invoice.pk),
                label=str(invoice),
                action="portail.invoice.issue",
                user=run.created_by,
                timestamp=now,
                data={"number": invoice.number, "amount": str(invoice.amount), "run": run.pk},
            )
            for invoice in invoices
        )
        for invoice in invoices:
            invoice.regie = regie
        credits.credit_use(regie=regie, invoices=invoices, by=run.created_by)
        notifications.queue_many(
            kind=ISSUED_EMAIL,
            messages=[
                (user.email, f"{ISSUED_EMAIL}:{invoice.pk}:{user.pk}", _email_context(invoice, user))
                for invoice in invoices
                for user in users.get(invoice.family_id, [])
            ],
        )
    return invoices


def invoicing_run_execute(*, run: InvoicingRun) -> InvoicingRun:
    """Issue the run's invoices by batches, reporting progress after each; a run is executed once, even if its
    task is delivered twice. Nothing is billed twice, whatever other runs do at the same time."""
    if not InvoicingRun.objects.filter(pk=run.pk, started_at__isnull=True).update(started_at=timezone.now()):
        return run
    first, last = rules.month_bounds(run.month)
    _ensure_sequence(run.regie, run.issued_on.year)
    try:
        previews = invoicing_preview(regie=run.regie, month=run.month)
        InvoicingRun.objects.filter(pk=run.pk).update(families_total=len(previews))
        users = defaultdict(list)
        for subscription in Subscription.objects.filter(
            family_id__in=[preview.family_id for preview in previews]
        ).select_related("user"):
            users[subscription.family_id].append(subscription.user)
        for start in range(0, len(previews), BATCH):
            batch = previews[start : start + BATCH]
            issued = _issue_batch(run=run, previews=batch, period=(first, last), users=users)
            InvoicingRun.objects.filter(pk=run.pk).update(
                families_done=F("families_done") + len(batch),
                invoice_count=F("invoice_count") + len(issued),
                total_amount=F("total_amount") + sum((invoice.amount for invoice in issued), ZERO),
            )
    except Exception as error:
        InvoicingRun.objects.filter(pk=run.pk).update(
            state=RunState.FAILED, error=str(error), finished_at=timezone.now()
        )
        raise
    InvoicingRun.objects.filter(pk=run.pk).update(state=RunState.DONE, finished_at=timezone.now())
    run.refresh_from_db()
    log(
        instance=run,
        action="portail.invoicing.done",
        user=run.created_by,
        data={"invoices": run.invoice_count, "amount": str(run.total_amount)},
    )
    return run
