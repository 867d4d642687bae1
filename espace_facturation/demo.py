"""The demo's billing: «Regie BL Enfance» set up with its mentions and the payment simulator, the past school
weeks of September and October 2026 attended, invoiced through the invoicing run, and a cheque paid at the
counter. Safe to run twice."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from espace_famille import rules as famille_rules
from espace_famille.models import Activity, Booking, BookingState, Child, User

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
# Who attended what in September and October 2026 (school days), before the portal's planning opened.
ATTENDED = [
    ("DURANT2026", "Léo", ("2", "4")),
    ("DURANT2026", "Nathan", ("2",)),
    ("ADERNO2026", "Timéo", ("1", "2")),
    ("BLMAN2026", "Annette", ("2", "4")),
]
MONTHS = (date(2026, 9, 1), date(2026, 10, 1))


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


def _attended_days() -> None:
    if Booking.objects.filter(day__range=(MONTHS[0], date(2026, 10, 31))).exists():
        return
    at = timezone.make_aware(datetime.combine(date(2026, 8, 25), time(10, 0)))
    rows = []
    days = [day for day in famille_rules.days_between(date(2026, 9, 1), date(2026, 10, 16), {0, 1, 3, 4})]
    for code, first_name, activity_codes in ATTENDED:
        child = Child.objects.get(family__subscriber_code=code, first_name=first_name)
        for activity in Activity.objects.filter(code__in=activity_codes):
            rows += [
                Booking(child=child, activity=activity, day=day, state=BookingState.BOOKED, queued_at=at)
                for day in days
            ]
    Booking.objects.bulk_create(rows)


def load():
    regie = _regie()
    _attended_days()
    regisseur = User.objects.filter(email="regisseur@example.org").first()
    for month in MONTHS:
        if InvoicingRun.objects.filter(regie=regie, month=month).exists():
            continue
        issued_on = (month + timedelta(days=32)).replace(day=5)
        run = InvoicingRun.objects.create(regie=regie, month=month, issued_on=issued_on, created_by=regisseur)
        services.invoicing_run_execute(run=run)
    # The DURANT family paid September by cheque at the counter; October is left to pay online.
    september = Invoice.objects.filter(
        regie=regie, family__subscriber_code="DURANT2026", nature=InvoiceNature.INVOICE, period_start=MONTHS[0]
    ).first()
    if september and not september.allocations.exists():
        payments.payment_record(
            regie=regie,
            family=september.family,
            kind=PaymentKind.CHEQUE,
            amount=september.amount,
            paid_on=september.issued_on + timedelta(days=9),
            reference="564654646",
            allocations=[(september.pk, september.amount)],
            by=regisseur,
        )
    # A credit note: Annette's family was billed one meal too many in September.
    annette = Invoice.objects.filter(
        regie=regie, family__subscriber_code="BLMAN2026", nature=InvoiceNature.INVOICE, period_start=MONTHS[0]
    ).first()
    if annette and not annette.credit_notes.exists():
        services.credit_note_issue(
            invoice=annette, amount=Decimal("3.10"), reason="repas du 18/09 non pris (sortie scolaire)", by=regisseur
        )
