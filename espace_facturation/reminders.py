"""Reminders of unpaid invoices: past its due date, an invoice still to pay gets a reminder at each of the régie's
delays («15, 30» days), once per level: an e-mail to each account of the family, or a letter the régie prints and
posts when no account is linked to the family. A payment under way stops them (`payment_in_flight`)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from commun import audit, formats
from espace_famille.dossier.models import Subscription
from home.models import SiteIdentity
from notifications import services as notifications
from notifications.kinds import recipient

from . import payments, rules
from .models import (
    OPEN_STATES,
    Invoice,
    InvoiceNature,
    OnlinePaymentState,
    Reminder,
    ReminderChannel,
)
from .pdf import family_block
from .services import _space_url

REMINDER_EMAIL = "invoice_reminder"


def payment_in_flight(*, now: datetime | None = None, today: date | None = None) -> Q:
    """The invoices a payment is settling right now, which no reminder may chase: an online payment started and not
    answered by the bank yet, while the bank's page may still be open (an older one was abandoned: it stops
    nothing); a direct debit announced to the family for today or later (its pre-notice sent; once in a lot sent
    to the bank, the invoice is «en cours de prélèvement», out of the open states). Past the announced day with no
    lot, or after a rejection, the invoice is unpaid again and reminded. Every reminder goes through
    `invoices_to_remind`, which excludes what this matches."""
    now = now or timezone.now()
    opened_after = now - payments.online_timeout()
    return Q(online_payments__state=OnlinePaymentState.STARTED, online_payments__created_at__gte=opened_after) | Q(
        debit_notice__debit_on__gte=today or timezone.localdate(now)
    )


def invoices_to_remind(*, today: date) -> QuerySet:
    """Invoices past their due date, still (partly) to pay, of a régie that reminds, with no payment under way."""
    in_flight = Invoice.objects.filter(payment_in_flight(today=today)).values("pk")
    return (
        Invoice.objects.filter(nature=InvoiceNature.INVOICE, state__in=OPEN_STATES, due_on__lt=today)
        .exclude(regie__reminder_days="")
        .exclude(pk__in=in_flight)
        .select_related("regie", "family")
        .order_by("due_on", "pk")
    )


@dataclass(frozen=True)
class DueReminder:
    invoice: Invoice
    level: int
    delay_days: int
    today: date


def reminders_due(*, today: date) -> list[DueReminder]:
    """The reminders to send today: for each invoice to remind, the level its lateness reached and not sent yet."""
    invoices = list(invoices_to_remind(today=today))
    sent: dict[int, set[int]] = {}
    for invoice_id, level in Reminder.objects.filter(invoice__in=[i.pk for i in invoices]).values_list(
        "invoice_id", "level"
    ):
        sent.setdefault(invoice_id, set()).add(level)
    due = []
    delays_of: dict[int, list[int]] = {}
    for invoice in invoices:
        if invoice.regie_id not in delays_of:
            delays_of[invoice.regie_id] = rules.reminder_delays(invoice.regie.reminder_days)
        delays = delays_of[invoice.regie_id]
        level = rules.reminder_level_due(
            due_on=invoice.due_on, today=today, delays=delays, sent_levels=sent.get(invoice.pk, set())
        )
        if level is not None:
            due.append(DueReminder(invoice=invoice, level=level, delay_days=delays[level - 1], today=today))
    return due


def _context(invoice: Invoice, user, *, level: int, base: str) -> dict:
    return {
        **recipient(user),
        "numero": invoice.number,
        "regie": invoice.regie.name,
        "montant": formats.money(invoice.amount),
        "reste": formats.money(invoice.left_to_pay),
        "echeance": formats.date_numeric(invoice.due_on),
        "relance": str(level),
        "lien": _space_url("espace_facturation:invoice_detail", invoice.pk, base=base),
    }


def _send_one(due: DueReminder, base: str) -> Reminder | None:
    """One reminder, in its own transaction: the invoice locked and read again (paid meanwhile, or a payment
    started: nothing), the reminder recorded once per level, the e-mails queued with it."""
    with transaction.atomic():
        invoice = (
            Invoice.objects.select_for_update(of=("self",))
            .select_related("regie", "family")
            .filter(pk=due.invoice.pk, state__in=OPEN_STATES)
            .first()
        )
        if invoice is None or Invoice.objects.filter(payment_in_flight(today=due.today), pk=invoice.pk).exists():
            return None
        if Reminder.objects.filter(invoice=invoice, level__gte=due.level).exists():
            return None
        users = [s.user for s in Subscription.objects.filter(family_id=invoice.family_id).select_related("user")]
        users = [user for user in users if user.email]
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(
                    invoice=invoice,
                    regie=invoice.regie,
                    family=invoice.family,
                    level=due.level,
                    delay_days=due.delay_days,
                    channel=ReminderChannel.EMAIL if users else ReminderChannel.LETTER,
                    recipients=", ".join(u.email for u in users) if users else family_block(invoice.family),
                    amount_due=invoice.left_to_pay,
                )
        except IntegrityError:  # another run recorded this level at the same moment
            return None
        for user in users:
            notifications.queue(
                kind=REMINDER_EMAIL,
                to=user.email,
                key=f"{REMINDER_EMAIL}:{invoice.pk}:{due.level}:{user.pk}",
                context=_context(invoice, user, level=due.level, base=base),
            )
        audit.entries_write(
            [
                (
                    invoice,
                    "portail.invoice.reminder",
                    {"level": due.level, "channel": reminder.channel, "amount_due": str(reminder.amount_due)},
                )
            ],
            by=None,
        )
    return reminder


def reminders_send(
    *, today: date | None = None, due: list[DueReminder] | None = None, progress: Callable[[int], None] | None = None
) -> list[Reminder]:
    """Send today's reminders (the daily task and the `relances` command): each level of each invoice once."""
    today = today or timezone.localdate()
    base = SiteIdentity.public_address()
    sent = []
    for item in reminders_due(today=today) if due is None else due:
        reminder = _send_one(item, base)
        if reminder is not None:
            sent.append(reminder)
        if progress:
            progress(1)
    return sent
