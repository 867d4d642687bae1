"""Billing at scale, run by bench/run.py through `manage.py shell -c` in a throw-away database (after load_demo).

- `bench_pdfs(count)`: renders `count` invoice PDFs one after the other and prints «N PDF de facture : S s».
- `bench_invoicing_run(families)`: writes `families` families (a child, a parent account, every school day of
  a month booked in one activity), then times the invoicing of that month (its preview stored as a draft, then the
  run issuing it), e-mails to the families included,
  and prints «Facturation d'un mois pour N familles : S s, F factures».
- `bench_certificates(count)`: writes `count` families whose child under six went to a childcare activity, with a
  paid invoice of the year each, then times the year's run of childcare certificates and prints
  «N attestations de frais de garde : S s»."""

import time
from datetime import date, datetime
from datetime import time as clock
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from espace_facturation import certificates, pdf, rules, services
from espace_facturation.models import (
    Invoice,
    InvoiceLine,
    InvoicingRun,
    Payment,
    PaymentAllocation,
    PaymentBackend,
    PaymentKind,
    Regie,
)
from espace_famille.comptes.models import User
from espace_famille.dossier.models import Child, Family, Subscription, SubscriptionMethod
from espace_famille.planning import rules as famille_rules
from espace_famille.planning.models import Activity, Booking, BookingState, Facility

CHUNK = 1_000
MONTH = date(2027, 3, 1)
PDF_TARGET = 10
RUN_TARGET = 60
CERTIFICATES_TARGET = 60


def _regie() -> Regie:
    regie, _ = Regie.objects.get_or_create(
        name="Regie du banc d'essai",
        defaults={
            "service_name": "Service du banc",
            "municipality": "Mairie du banc",
            "mentions": "Voies et délais de recours : deux mois (article L. 1617-5 du CGCT).",
            "payment_backend": PaymentBackend.SIMULATOR,
        },
    )
    return regie


def _activity(regie: Regie) -> Activity:
    facility = Facility.objects.first() or Facility.objects.create(name="Ecole du banc d'essai")
    activity, _ = Activity.objects.get_or_create(
        code="BENCH-BILL", defaults={"facility": facility, "label": "Repas", "price": Decimal("3.10")}
    )
    regie.activities.add(activity)
    return activity


def _families(count: int, activity: Activity, prefix: str = "FACT") -> None:
    days = list(famille_rules.days_between(MONTH, rules.month_bounds(MONTH)[1], {0, 1, 3, 4}))
    queued = timezone.make_aware(datetime.combine(date(2027, 2, 1), clock(9)))
    for start in range(0, count, CHUNK):
        numbers = range(start, min(start + CHUNK, count))
        with transaction.atomic():
            families = Family.objects.bulk_create(
                Family(name=f"{prefix}{n}", subscriber_code=f"{prefix}{n:08d}", quotient=300 + n % 1500)
                for n in numbers
            )
            users = User.objects.bulk_create(
                User(
                    email=f"{prefix.lower()}{n}@banc.example.org",
                    password="!",
                    first_name="Jean",
                    last_name=f"{prefix}{n}",
                )
                for n in numbers
            )
            Subscription.objects.bulk_create(
                Subscription(user=user, family=family, method=SubscriptionMethod.STAFF)
                for user, family in zip(users, families, strict=True)
            )
            children = Child.objects.bulk_create(
                Child(family=family, first_name="Léa", last_name=family.name, birth_date=date(2018, 1, 1), sex="F")
                for family in families
            )
            Booking.objects.bulk_create(
                (
                    Booking(child=child, activity=activity, day=day, state=BookingState.BOOKED, queued_at=queued)
                    for child in children
                    for day in days
                ),
                batch_size=5_000,
            )


def _cashier() -> User:
    cashier, _ = User.objects.get_or_create(
        email="regisseur@banc.example.org", defaults={"password": "!", "is_staff": True, "is_superuser": True}
    )
    return cashier


def _invoice_month(regie: Regie) -> InvoicingRun:
    """Preview the month, then issue the draft, as a régisseur does (the run executed here, not by a worker)."""
    cashier = _cashier()
    draft = services.invoicing_preview(regie=regie, month=MONTH, by=cashier)
    run = services.invoicing_run_start(draft=draft, issued_on=date(2027, 4, 5), by=cashier)
    return services.invoicing_run_execute(run=run)


def bench_pdfs(count: int = 1000) -> None:
    regie = _regie()
    activity = _activity(regie)
    if not Invoice.objects.filter(regie=regie).exists():
        _families(10, activity, prefix="PDF")
        _invoice_month(regie)
    invoices = list(Invoice.objects.filter(regie=regie).select_related("regie", "family")[:10])
    began = time.perf_counter()
    size = 0
    for index in range(count):
        size += len(pdf.render_invoice(invoices[index % len(invoices)]))
    seconds = time.perf_counter() - began
    print(f"{count} PDF de facture ({size // count // 1024} ko chacun) : {seconds:.2f} s (objectif ≤ {PDF_TARGET} s)")


def bench_invoicing_run(families: int = 5000) -> None:
    """«Aperçu» (the month computed and stored as a draft) and «Émettre» (the planning read again to check the draft
    is up to date, then the invoices written from it), timed apart: the target is the issue's, as before the draft."""
    regie = _regie()
    activity = _activity(regie)
    _families(families, activity)
    cashier = _cashier()
    began = time.perf_counter()
    draft = services.invoicing_preview(regie=regie, month=MONTH, by=cashier)
    previewed = time.perf_counter()
    run = services.invoicing_run_start(draft=draft, issued_on=date(2027, 4, 5), by=cashier)
    run = services.invoicing_run_execute(run=run)
    issued = time.perf_counter()
    print(
        f"Facturation d'un mois pour {families} familles : émission {issued - previewed:.1f} s "
        f"(objectif ≤ {RUN_TARGET} s), après l'aperçu enregistré en {previewed - began:.1f} s ; "
        f"{run.invoice_count} factures, {run.total_amount} €"
    )


def _paid_childcare(count: int, regie: Regie, year: int) -> None:
    """`count` families, each with a child under six, an invoice of the year for a crèche month and its payment."""
    facility = Facility.objects.first() or Facility.objects.create(name="Crèche du banc d'essai")
    creche, _ = Activity.objects.get_or_create(
        code="BENCH-CRECHE",
        defaults={"facility": facility, "label": "Crèche", "price": Decimal("20.00"), "childcare_certificate": True},
    )
    issued = date(year, 3, 5)
    for start in range(0, count, CHUNK):
        numbers = range(start, min(start + CHUNK, count))
        with transaction.atomic():
            families = Family.objects.bulk_create(
                Family(name=f"GARDE{n}", subscriber_code=f"GARDE{n:08d}") for n in numbers
            )
            children = Child.objects.bulk_create(
                Child(family=f, first_name="Jade", last_name=f.name, birth_date=date(year - 3, 5, 1), sex="F")
                for f in families
            )
            invoices = Invoice.objects.bulk_create(
                Invoice(
                    regie=regie,
                    family=f,
                    number=f"G{year}-{n:06d}",
                    issued_on=issued,
                    due_on=date(year, 4, 5),
                    amount=Decimal("400.00"),
                    amount_paid=Decimal("400.00"),
                    state="paid",
                    emission_code="BENCH",
                    personal_code="BENCH",
                )
                for n, f in zip(numbers, families, strict=True)
            )
            InvoiceLine.objects.bulk_create(
                InvoiceLine(
                    invoice=invoice,
                    child=child,
                    activity=creche,
                    child_name=f"Jade {child.last_name}",
                    label="Crèche",
                    quantity=Decimal("20"),
                    unit_price=Decimal("20.00"),
                    amount=Decimal("400.00"),
                )
                for invoice, child in zip(invoices, children, strict=True)
            )
            payments = Payment.objects.bulk_create(
                Payment(
                    regie=regie,
                    family=f,
                    kind=PaymentKind.CHEQUE,
                    operation_number=f"GB{year}{n:08d}",
                    paid_on=date(year, 3, 20),
                    amount=Decimal("400.00"),
                )
                for n, f in zip(numbers, families, strict=True)
            )
            PaymentAllocation.objects.bulk_create(
                PaymentAllocation(payment=payment, invoice=invoice, amount=Decimal("400.00"))
                for payment, invoice in zip(payments, invoices, strict=True)
            )


def bench_certificates(count: int = 5000) -> None:
    """«Établir les attestations» for a year of `count` families, executed here as a worker would."""
    year = timezone.localdate().year
    regie = _regie()
    _paid_childcare(count, regie, year)
    began = time.perf_counter()
    run = certificates.certificate_run_start(year=year, by=_cashier(), queue=False)
    run = certificates.certificate_run_execute(run=run)
    seconds = time.perf_counter() - began
    print(
        f"{run.created_count} attestations de frais de garde ({run.families_total} familles) : {seconds:.1f} s "
        f"(objectif ≤ {CERTIFICATES_TARGET} s)"
    )
