"""Billing writes: invoice numbers, the invoicing draft and its issue (one invoice or a run), credit notes.

Every write is atomic and logged. A number is taken under a lock on the régie's sequence row, in the same
transaction as its invoice: a transaction that fails gives its number back, so numbers have no gap.
Invoices are issued in one way only, from the rows of a stored draft (the preview the régisseur reviewed): a single
family's invoice and the run over a month both call `_issue_from_draft`. A planning day is billed at most once
(BilledDay's unique booking and unique attendance mark), and a draft's family at most once (its row keeps the
invoice issued from it)."""

import hashlib
import secrets
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from wagtail.log_actions import log

from commun import audit, formats, tasks
from espace_famille.comptes.models import User
from espace_famille.dossier.models import Family, Subscription
from espace_famille.planning.models import Attendance, Booking
from home.models import SiteIdentity
from notifications import services as notifications
from notifications.kinds import recipient

from . import credits, rules
from .billable import billable
from .exceptions import BillingError, DraftStale
from .models import (
    ZERO,
    BilledDay,
    Invoice,
    InvoiceLine,
    InvoiceNature,
    InvoiceSequence,
    InvoiceState,
    InvoicingDraft,
    InvoicingDraftDay,
    InvoicingDraftFamily,
    InvoicingDraftLine,
    InvoicingRun,
    Regie,
    RunState,
)
from .permissions import CREDIT_NOTE, INVOICING

ISSUED_EMAIL = "invoice_issued"
BATCH = 200


def _check_invoicing(by: User | None) -> None:
    """Previewing and issuing invoices is the régisseurs' work, whoever calls the service (view, command, task)."""
    if by is None or not by.has_perm(INVOICING):
        raise PermissionDenied("Seuls les régisseurs préparent et émettent les factures.")


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


def _space_url(name: str, *args, base: str | None = None) -> str:
    """The address of a billing page in an e-mail; `base` is the public address, when the caller looked it up once
    for many e-mails (a run tells thousands of families)."""
    base = SiteIdentity.public_address() if base is None else base
    try:
        return base + reverse(name, args=args)
    except NoReverseMatch:
        return base + "/espace-facturation/"


def _email_context(invoice: Invoice, user: User, *, base: str | None = None) -> dict:
    return {
        **recipient(user),
        "numero": invoice.number,
        "regie": invoice.regie.name,
        "montant": formats.money(invoice.amount),
        "echeance": formats.date_numeric(invoice.due_on),
        "periode": formats.month_year(invoice.period_start),
        "lien": _space_url("espace_facturation:invoice_detail", invoice.pk, base=base),
    }


def credit_note_issue(*, invoice: Invoice, amount: Decimal, reason: str, by: User) -> Invoice:
    """A credit note («Avoir») correcting `invoice`: numbered in the same sequence, it settles that much of it.
    Issued by a régisseur (the permission of «Émettre un avoir»)."""
    if by is None or not by.has_perm(CREDIT_NOTE):
        raise PermissionDenied("Seuls les régisseurs émettent des avoirs.")
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
        if invoice.debit_in_progress:
            raise BillingError("Cette facture est en cours de prélèvement : attendez le règlement ou le rejet.")
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


# The draft -------------------------------------------------------------------------------------------------------


def invoicing_preview(*, regie: Regie, month: date, by: User, family_ids: list[int] | None = None) -> InvoicingDraft:
    """«Aperçu»: what invoicing the month would bill now (every family of the régie, or those of `family_ids`),
    stored as a draft that the régisseur reviews and then issues as it is. Asked again while nothing changed, it
    gives back the same draft, as long as none of it was issued."""
    _check_invoicing(by)
    month = month.replace(day=1)
    previews = list(billable(regie=regie, month=month, family_ids=family_ids).values())
    whole = family_ids is None
    fingerprint = hashlib.sha256(repr([(p.family_id, p.fingerprint) for p in previews]).encode()).hexdigest()
    with transaction.atomic():
        same = (
            InvoicingDraft.objects.filter(
                regie=regie, month=month, whole_month=whole, fingerprint=fingerprint, run__isnull=True
            )
            .exclude(families__invoice__isnull=False)
            .order_by("-pk")
            .first()
        )
        if same is not None:
            return same
        draft = InvoicingDraft.objects.create(
            regie=regie,
            month=month,
            whole_month=whole,
            created_by=by,
            fingerprint=fingerprint,
            family_count=len(previews),
            day_count=sum(len(line.days) for preview in previews for line in preview.lines),
            total=sum((preview.total for preview in previews), ZERO),
        )
        rows = InvoicingDraftFamily.objects.bulk_create(
            InvoicingDraftFamily(draft=draft, family_id=p.family_id, total=p.total, fingerprint=p.fingerprint)
            for p in previews
        )
        pairs = [(row, line) for row, preview in zip(rows, previews, strict=True) for line in preview.lines]
        lines = InvoicingDraftLine.objects.bulk_create(
            [
                InvoicingDraftLine(
                    draft_family=row,
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
                for row, line in pairs
            ],
            batch_size=2_000,
        )
        InvoicingDraftDay.objects.bulk_create(
            (
                InvoicingDraftDay(
                    line=stored,
                    booking_id=source.booking_id,
                    attendance_id=source.attendance_id,
                    day=day,
                    state=source.state,
                )
                for stored, (_, line) in zip(lines, pairs, strict=True)
                for day, source in zip(line.days, line.sources, strict=True)
            ),
            batch_size=5_000,
        )
        log(
            instance=draft,
            action="portail.invoicing.preview",
            user=by,
            data={"month": f"{month:%m/%Y}", "families": draft.family_count, "amount": str(draft.total)},
        )
    return draft


def draft_out_of_date(*, draft: InvoicingDraft, rows: list[InvoicingDraftFamily] | None = None) -> bool:
    """Whether the planning or the prices changed since the draft was made, for these of its families (default:
    those not issued yet, and then, for a draft of the whole month, a family it does not hold counts too)."""
    whole = rows is None and draft.whole_month
    if rows is None:
        rows = list(draft.families.filter(invoice__isnull=True))
    scope = None if whole else [row.family_id for row in rows]
    current = billable(regie=draft.regie, month=draft.month, family_ids=scope)
    for row in rows:
        preview = current.pop(row.family_id, None)
        if preview is None or preview.fingerprint != row.fingerprint:
            return True
    if whole and current:
        held = set(draft.families.values_list("family_id", flat=True))
        return any(family_id not in held for family_id in current)
    return False


# Issuing a draft -------------------------------------------------------------------------------------------------


def _audit(invoices: list[Invoice], *, draft: InvoicingDraft, run: InvoicingRun | None, by: User | None) -> None:
    """The «Facture émise» entry of each invoice, in one insert (a run issues thousands)."""
    audit.entries_write(
        [
            (
                invoice,
                "portail.invoice.issue",
                {
                    "number": invoice.number,
                    "amount": str(invoice.amount),
                    "draft": draft.pk,
                    "run": run.pk if run else None,
                },
            )
            for invoice in invoices
        ],
        by=by,
    )


def _tell_families(invoices: list[Invoice]) -> None:
    users = defaultdict(list)
    for subscription in Subscription.objects.filter(
        family_id__in=[invoice.family_id for invoice in invoices]
    ).select_related("user"):
        users[subscription.family_id].append(subscription.user)
    base = SiteIdentity.public_address()
    notifications.queue_many(
        kind=ISSUED_EMAIL,
        messages=[
            (user.email, f"{ISSUED_EMAIL}:{invoice.pk}:{user.pk}", _email_context(invoice, user, base=base))
            for invoice in invoices
            for user in users.get(invoice.family_id, [])
        ],
    )


def _issue_from_draft(
    *, draft: InvoicingDraft, family_ids: list[int], issued_on: date, run: InvoicingRun | None, by: User | None
) -> list[Invoice]:
    """The one way invoices are issued: the rows of these families in a stored draft become their invoices, line
    for line and day for day, numbered in the régie's sequence under its lock, in one transaction.

    A family already issued from the draft gets back its invoice, nothing more. The draft's days are locked, then
    the planning read again: if these families' lines are no longer those of the draft (a booking or a price
    changed, a day was billed meanwhile), DraftStale is raised and nothing is written, number included."""
    regie = draft.regie
    _ensure_sequence(regie, issued_on.year)
    with transaction.atomic():
        sequence = InvoiceSequence.objects.select_for_update().get(regie=regie, year=issued_on.year)
        rows = InvoicingDraftFamily.objects.select_for_update().filter(draft=draft, family_id__in=family_ids)
        rows = list(rows.order_by("pk"))
        todo = [row for row in rows if row.invoice_id is None]
        earlier = Invoice.objects.in_bulk([row.invoice_id for row in rows if row.invoice_id is not None])
        if not todo:
            return [earlier[row.invoice_id] for row in rows]
        days = InvoicingDraftDay.objects.filter(line__draft_family__in=todo)
        list(Booking.objects.select_for_update().filter(pk__in=days.values("booking_id")).order_by("pk").values("pk"))
        attendances = Attendance.objects.select_for_update().filter(pk__in=days.values("attendance_id"))
        list(attendances.order_by("pk").values("pk"))
        if draft_out_of_date(draft=draft, rows=todo):
            raise DraftStale
        lines = list(InvoicingDraftLine.objects.filter(draft_family__in=todo).prefetch_related("days").order_by("pk"))
        first, last = rules.month_bounds(draft.month)
        due_on = rules.due_date(issued_on=issued_on, days=regie.due_days)
        for row in todo:
            sequence.last_number += 1
            row.invoice = Invoice(
                regie=regie,
                family_id=row.family_id,
                nature=InvoiceNature.INVOICE,
                number=rules.invoice_number(year=issued_on.year, sequence=sequence.last_number),
                issued_on=issued_on,
                due_on=due_on,
                period_start=first,
                period_end=last,
                amount=row.total,
                state=rules.invoice_state(amount=row.total, settled=ZERO),
                emission_code=_emission_code(regie, issued_on),
                personal_code=_personal_code(),
                run=run,
            )
        sequence.save(update_fields=["last_number"])
        invoices = Invoice.objects.bulk_create([row.invoice for row in todo])
        InvoicingDraftFamily.objects.bulk_update(todo, ["invoice"])
        of_row = {row.pk: row.invoice for row in todo}
        written = InvoiceLine.objects.bulk_create(
            [
                InvoiceLine(
                    invoice=of_row[line.draft_family_id],
                    child_id=line.child_id,
                    activity_id=line.activity_id,
                    child_name=line.child_name,
                    label=line.label,
                    period_start=line.period_start,
                    period_end=line.period_end,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    amount=line.amount,
                )
                for line in lines
            ]
        )
        BilledDay.objects.bulk_create(
            (
                BilledDay(booking_id=day.booking_id, attendance_id=day.attendance_id, line=row, state=day.state)
                for line, row in zip(lines, written, strict=True)
                for day in line.days.all()
            ),
            batch_size=5_000,
        )
        _audit(invoices, draft=draft, run=run, by=by)
        credits.credit_use(regie=regie, invoices=invoices, by=by)
        _tell_families(invoices)
    return [earlier.get(row.invoice_id) or row.invoice for row in rows]


def invoice_issue(*, draft: InvoicingDraft, family: Family, issued_on: date, by: User) -> Invoice:
    """One family's invoice, issued from its row of the draft as the run issues each of its families: numbered,
    its lines and days those of the draft, the family told. Issued again, it gives back the same invoice."""
    _check_invoicing(by)
    invoices = _issue_from_draft(draft=draft, family_ids=[family.pk], issued_on=issued_on, run=None, by=by)
    if not invoices:
        raise BillingError("Cet aperçu ne facture rien à cette famille.")
    return invoices[0]


def invoicing_run_start(
    *, draft: InvoicingDraft, by: User, issued_on: date | None = None, queue: bool = True
) -> InvoicingRun:
    """«Émettre»: record the run of a draft that is still up to date and hand it to a worker (django-q2), whose
    page follows the progress. A draft has one run: starting it again gives back that run. `queue=False` leaves the
    run to its caller (the invoicing_run command executes it at once); so does an install without the cluster
    (commun.tasks), whose cron runs `invoicing_run --pending`."""
    _check_invoicing(by)
    with transaction.atomic():
        draft = InvoicingDraft.objects.select_for_update().select_related("regie").get(pk=draft.pk)
        run = InvoicingRun.objects.filter(draft=draft).first()
        if run is not None:
            return run
        if draft_out_of_date(draft=draft):
            raise DraftStale
        run = InvoicingRun.objects.create(
            regie=draft.regie,
            month=draft.month,
            draft=draft,
            issued_on=issued_on or timezone.localdate(),
            created_by=by,
            families_total=draft.family_count,
        )
        log(instance=run, action="portail.invoicing.start", user=by, data={"month": f"{draft.month:%m/%Y}"})
    if queue:
        transaction.on_commit(lambda: tasks.enqueue("espace_facturation.tasks.invoicing_run_execute", run.pk))
    return run


def invoicing_run_execute(*, run: InvoicingRun, progress: Callable[[int], None] | None = None) -> InvoicingRun:
    """Issue the run's draft by batches of families, reporting progress after each (on the run, and to
    `progress(families of the batch)`), as the run's recorded actor (`run.created_by`, who must still hold the
    invoicing permission); a run is executed once, even if its task is delivered twice. A draft that went out of
    date meanwhile stops the run with its message: the batches issued stay, the régisseur recomputes the preview for
    the rest."""
    if not InvoicingRun.objects.filter(pk=run.pk, started_at__isnull=True).update(started_at=timezone.now()):
        return run
    try:
        # The worker acts for the régisseur who started the run, as long as that person still may.
        _check_invoicing(run.created_by)
        if run.draft is None:
            raise BillingError("Cette facturation n'a pas d'aperçu : recalculez l'aperçu.")
        family_ids = list(run.draft.families.order_by("pk").values_list("family_id", flat=True))
        InvoicingRun.objects.filter(pk=run.pk).update(families_total=len(family_ids))
        for start in range(0, len(family_ids), BATCH):
            batch = family_ids[start : start + BATCH]
            invoices = _issue_from_draft(
                draft=run.draft, family_ids=batch, issued_on=run.issued_on, run=run, by=run.created_by
            )
            issued = [invoice for invoice in invoices if invoice.run_id == run.pk]
            InvoicingRun.objects.filter(pk=run.pk).update(
                families_done=F("families_done") + len(batch),
                invoice_count=F("invoice_count") + len(issued),
                total_amount=F("total_amount") + sum((invoice.amount for invoice in issued), ZERO),
            )
            if progress:
                progress(len(batch))
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
