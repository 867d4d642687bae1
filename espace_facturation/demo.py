"""The demo's billing: «Regie BL Enfance» set up with its mentions and the payment simulator, the guide's invoice
of each family, the school days of the last two months that had school before this one attended, invoiced through
the invoicing run, a cheque paid at the counter (its receipt in «Mes Règlements»), and the BLMAN family on direct
debit; Jade DURANT's summer 2025 at the accueil de loisirs, paid, and her «attestation de frais de garde» 2025; a
reminder of the DURANT family's unpaid invoice of the guide. Safe to run twice."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from commun.demo_logins import REGISSEUR
from espace_famille.comptes.models import User
from espace_famille.dossier.models import Child, Family, Sex
from espace_famille.planning.demo import months_with_school
from espace_famille.planning.models import Activity, Booking, BookingState

from . import certificates, debits, mandates, payments, reminders, services
from .models import (
    ChildcareCertificate,
    Invoice,
    InvoiceLine,
    InvoiceNature,
    InvoicingRun,
    PaymentBackend,
    PaymentKind,
    Regie,
    Reminder,
)

MENTIONS = (
    "Le présent avis des sommes à payer est émis par la régie de recettes au nom de la collectivité. "
    "Voies et délais de recours : dans un délai de deux mois suivant la réception du présent avis, vous pouvez "
    "contester la somme mentionnée en saisissant directement le tribunal judiciaire ou le tribunal administratif "
    "compétent selon la nature de la créance (article L. 1617-5 du code général des collectivités territoriales). "
    "Une réclamation amiable ne suspend pas ce délai."
)
COUNTER = (
    "Régie BL Enfance, hôtel de ville, 26 avenue André Morizet, 92100 Boulogne-Billancourt, "
    "du lundi au vendredi de 9h à 12h."
)
# Who attended what on the school days of the months billed, before the portal's planning opened.
ATTENDED = [
    ("DURANT2026", "Léo", ("2", "4")),
    ("DURANT2026", "Nathan", ("2",)),
    ("ADERNO2026", "Timéo", ("1", "2")),
    ("BLMAN2026", "Annette", ("2", "4")),
]
# The invoice of the guide each family holds (family code: number, amount, code émission, code personnel): the
# references a parent types to subscribe with an invoice.
GUIDE_INVOICES = {
    "DURANT2026": ("2018-2544", Decimal("6.50"), "EM2018DUR", "PDUR44"),
    "ADERNO2026": ("2018-2344", Decimal("65.00"), "EM2018ADE", "PADE12"),
    "BLMAN2026": ("2018-2273", Decimal("43.00"), "EM2018BLM", "PBLM73"),
}
# Their date and échéance, as «Mes Factures» of the guide lists them.
GUIDE_DATES = {
    "2018-2544": (date(2018, 12, 7), date(2019, 1, 11)),
    "2018-2344": (date(2018, 7, 27), date(2018, 9, 25)),
    "2018-2273": (date(2018, 6, 4), date(2018, 7, 6)),
}
# Their «Détail», at the prices of 2018 (invoice number: child, activity code, first day, last day, days, unit price).
GUIDE_LINES = {
    "2018-2544": [("Léo", "5", date(2018, 11, 28), date(2018, 11, 28), 1, Decimal("6.50"))],
    "2018-2344": [("Timéo", "5", date(2018, 7, 9), date(2018, 7, 20), 10, Decimal("6.50"))],
    "2018-2273": [
        ("Annette", "2", date(2018, 5, 2), date(2018, 5, 31), 10, Decimal("3.50")),
        ("Annette", "4", date(2018, 5, 3), date(2018, 5, 24), 4, Decimal("2.00")),
    ],
}


def _regie() -> Regie:
    regie, _ = Regie.objects.get_or_create(name="Regie BL Enfance", defaults={"service_name": "Regie NEO Technique"})
    regie.municipality = regie.municipality or "Mairie de Boulogne-Billancourt"
    regie.address = regie.address or "26 avenue André Morizet\n92100 Boulogne-Billancourt"
    regie.phone = regie.phone or "02.02.02.02.02"
    regie.email = regie.email or "regie.enfance@example.org"
    regie.mentions = regie.mentions or MENTIONS
    regie.counter = regie.counter or COUNTER
    regie.payment_backend = regie.payment_backend or PaymentBackend.SIMULATOR
    regie.siret = regie.siret or "21920012300018"
    regie.signatory_name = regie.signatory_name or "Marie DUPONT"
    regie.signatory_title = regie.signatory_title or "Régisseuse titulaire"
    # Direct debit: the régie's creditor identifier and account (a demo ICS and a test IBAN).
    regie.creditor_id = regie.creditor_id or "FR12ZZZ123456"
    regie.creditor_iban = regie.creditor_iban or "FR7610107001011234567890129"
    regie.creditor_bic = regie.creditor_bic or "BREDFRPPXXX"
    regie.save()
    regie.activities.add(*Activity.objects.all())
    _accounting_codes()
    return regie


# The demo's accounting codes («imputation comptable»), by what the activity's label says: meals, periscolaire
# time, the accueil de loisirs. An activity already given a code keeps it.
ACCOUNTING_CODES = (("Repas", "7067-REST"), ("Péri", "7067-PERI"), ("ALSH", "7066-ALSH"))


def _accounting_codes() -> None:
    for word, code in ACCOUNTING_CODES:
        Activity.objects.filter(accounting_code="", label__icontains=word).update(accounting_code=code)


def _guide_invoices(regie: Regie) -> None:
    for code, (number, amount, emission, personal) in GUIDE_INVOICES.items():
        family = Family.objects.get(subscriber_code=code)
        invoice, _ = Invoice.objects.get_or_create(
            regie=regie,
            number=number,
            defaults={
                "family": family,
                "issued_on": GUIDE_DATES[number][0],
                "due_on": GUIDE_DATES[number][1],
                "amount": amount,
                "emission_code": emission,
                "personal_code": personal,
            },
        )
        if not invoice.lines.exists():  # a demo loaded before the invoices had their «Détail» gets it too
            _guide_lines(invoice, family)


def _guide_lines(invoice: Invoice, family: Family) -> None:
    lines = []
    for first_name, activity_code, first, last, days, unit_price in GUIDE_LINES[invoice.number]:
        child = family.children.get(first_name=first_name)
        activity = Activity.objects.get(code=activity_code)
        lines.append(
            InvoiceLine(
                invoice=invoice,
                child=child,
                activity=activity,
                child_name=f"{child.first_name} {child.last_name.upper()}",
                label=f"{activity.code}/{activity.label}",
                period_start=first,
                period_end=last,
                quantity=Decimal(days),
                unit_price=unit_price,
                amount=days * unit_price,
            )
        )
    if sum(line.amount for line in lines) != invoice.amount:
        raise ValueError(f"Le détail de la facture {invoice.number} ne fait pas son montant.")
    InvoiceLine.objects.bulk_create(lines)


def _attended_days(months) -> None:
    codes = {code for _, _, activity_codes in ATTENDED for code in activity_codes}
    if Booking.objects.filter(day__range=(months[0][1][0], months[-1][1][-1]), activity__code__in=codes).exists():
        return
    at = timezone.make_aware(datetime.combine(months[0][0] - timedelta(days=7), time(10, 0)))
    rows = []
    for code, first_name, activity_codes in ATTENDED:
        child = Child.objects.get(family__subscriber_code=code, first_name=first_name)
        for activity in Activity.objects.filter(code__in=activity_codes):
            rows += [
                Booking(child=child, activity=activity, day=day, state=BookingState.BOOKED, queued_at=at)
                for _, days in months
                for day in days
            ]
    Booking.objects.bulk_create(rows)


def load():
    regie = _regie()
    _guide_invoices(regie)
    today = timezone.localdate()
    months = months_with_school(today)
    _attended_days(months)
    regisseur = User.objects.filter(email=REGISSEUR).first()
    for month, _ in months:
        if InvoicingRun.objects.filter(regie=regie, month=month).exists():
            continue
        issued_on = min((month + timedelta(days=32)).replace(day=5), today)
        draft = services.invoicing_preview(regie=regie, month=month, by=regisseur)
        # The demo does not wait for a worker: the run's task, when one takes it, finds it done.
        services.invoicing_run_execute(run=services.invoicing_run_start(draft=draft, issued_on=issued_on, by=regisseur))
    # The DURANT family paid the first month by cheque at the counter; the second is left to pay online.
    (first_month, first_days), _ = months
    first_invoice = Invoice.objects.filter(
        regie=regie, family__subscriber_code="DURANT2026", nature=InvoiceNature.INVOICE, period_start=first_month
    ).first()
    if first_invoice and not first_invoice.allocations.exists():
        payments.payment_record(
            regie=regie,
            family=first_invoice.family,
            kind=PaymentKind.CHEQUE,
            amount=first_invoice.amount,
            paid_on=min(first_invoice.issued_on + timedelta(days=9), today),
            reference="564654646",
            allocations=[(first_invoice.pk, first_invoice.amount)],
            by=regisseur,
        )
    # A credit note: Annette's family was billed one meal too many in the first month.
    annette = Invoice.objects.filter(
        regie=regie, family__subscriber_code="BLMAN2026", nature=InvoiceNature.INVOICE, period_start=first_month
    ).first()
    if annette and not annette.credit_notes.exists():
        outing = first_days[len(first_days) // 2]
        services.credit_note_issue(
            invoice=annette,
            amount=Decimal("3.10"),
            reason=f"repas du {outing:%d/%m} non pris (sortie scolaire)",
            by=regisseur,
        )
    _direct_debit(regisseur)
    load_documents()


# Jade DURANT, under six on 1 January 2025, went to the accueil de loisirs in July 2025 (ten mornings).
SUMMER_2025 = ("2025-0712", date(2025, 8, 5), date(2025, 9, 4), date(2025, 7, 7), date(2025, 7, 18))


def _childcare_2025(regie: Regie, regisseur: User | None) -> None:
    Activity.objects.filter(code__in=("5", "7")).update(childcare_certificate=True)
    family = Family.objects.get(subscriber_code="DURANT2026")
    jade, _ = Child.objects.get_or_create(
        family=family,
        first_name="Jade",
        defaults={"last_name": family.name, "birth_date": date(2021, 5, 20), "sex": Sex.GIRL},
    )
    number, issued_on, due_on, first, last = SUMMER_2025
    lines = [(Activity.objects.get(code="5"), Decimal(10), Decimal("6.50"))]
    invoice, created = Invoice.objects.get_or_create(
        regie=regie,
        number=number,
        defaults={
            "family": family,
            "issued_on": issued_on,
            "due_on": due_on,
            "amount": sum((days * price for _, days, price in lines), Decimal("0")),
            "emission_code": "EM202508001",
            "personal_code": "PDUR25",
        },
    )
    if created:
        InvoiceLine.objects.bulk_create(
            InvoiceLine(
                invoice=invoice,
                child=jade,
                activity=activity,
                child_name=str(jade),
                label=activity.name,
                period_start=first,
                period_end=last,
                quantity=days,
                unit_price=price,
                amount=days * price,
            )
            for activity, days, price in lines
        )
    if not invoice.allocations.exists():
        payments.payment_record(
            regie=regie,
            family=family,
            kind=PaymentKind.CHEQUE,
            amount=invoice.amount,
            paid_on=date(2025, 8, 21),
            reference="7788991",
            allocations=[(invoice.pk, invoice.amount)],
            by=regisseur,
        )
    if not ChildcareCertificate.objects.filter(family=family, year=2025).exists():
        certificates.certificates_make(year=2025, by=regisseur, family_ids=[family.pk])


def _reminder(today: date) -> None:
    """The DURANT family's invoice of the guide, long past due: its reminder, sent by e-mail."""
    if Reminder.objects.filter(invoice__number="2018-2544").exists():
        return
    due = [item for item in reminders.reminders_due(today=today) if item.invoice.number == "2018-2544"]
    reminders.reminders_send(today=today, due=due)


def load_documents() -> None:
    regie = Regie.objects.get(name="Regie BL Enfance")
    regisseur = User.objects.filter(email=REGISSEUR).first()
    _childcare_2025(regie, regisseur)
    _reminder(timezone.localdate())


def _direct_debit(regisseur: User | None) -> None:
    """The BLMAN family pays by direct debit: its mandate with the régie, its invoices «Prélèvement le …» and the
    pre-notice of those due within the notice days, so that «Prélèvements» has a lot to preview."""
    family = Family.objects.filter(subscriber_code="BLMAN2026").first()
    if family is None or regisseur is None:
        return
    if not family.direct_debit:
        Family.objects.filter(pk=family.pk).update(direct_debit=True)
    mandates.mandates_sync(family=family, by=regisseur)
    debits.debit_notices_send()
