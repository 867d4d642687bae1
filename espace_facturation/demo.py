"""The demo's billing: «Regie BL Enfance» set up with its mentions and the payment simulator, the guide's invoice
of each family, the school days of the last two months that had school before this one attended, invoiced through
the invoicing run, and a cheque paid at the counter. Safe to run twice."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from commun.demo_logins import REGISSEUR
from espace_famille.comptes.models import User
from espace_famille.dossier.models import Child, Family
from espace_famille.planning.demo import months_with_school
from espace_famille.planning.models import Activity, Booking, BookingState

from . import payments, services
from .models import Invoice, InvoiceNature, InvoicingRun, PaymentBackend, PaymentKind, Regie

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


def _regie() -> Regie:
    regie, _ = Regie.objects.get_or_create(name="Regie BL Enfance", defaults={"service_name": "Regie NEO Technique"})
    regie.municipality = regie.municipality or "Mairie de Boulogne-Billancourt"
    regie.address = regie.address or "26 avenue André Morizet\n92100 Boulogne-Billancourt"
    regie.phone = regie.phone or "02.02.02.02.02"
    regie.email = regie.email or "regie.enfance@example.org"
    regie.mentions = regie.mentions or MENTIONS
    regie.counter = regie.counter or COUNTER
    regie.payment_backend = regie.payment_backend or PaymentBackend.SIMULATOR
    regie.save()
    regie.activities.add(*Activity.objects.all())
    return regie


def _guide_invoices(regie: Regie) -> None:
    for code, (number, amount, emission, personal) in GUIDE_INVOICES.items():
        Invoice.objects.get_or_create(
            regie=regie,
            number=number,
            defaults={
                "family": Family.objects.get(subscriber_code=code),
                "issued_on": date(2018, 12, 7),
                "due_on": date(2019, 1, 11),
                "amount": amount,
                "emission_code": emission,
                "personal_code": personal,
            },
        )


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
