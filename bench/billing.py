"""Billing at scale, run by bench/run.py through `manage.py shell -c` in a throw-away database (after load_demo),
on PostgreSQL when there is one. Each prints its figures as `FIGURE` lines (bench/figures.py).

The families are the demo's mix: 1 to 3 children (2 on average), quotients spread over the bands, each child
booked every school day of the month in one to three activities billed by band of quotient familial (the meals and
the Péri SOIR on Mondays, Tuesdays, Thursdays and Fridays, the accueil de loisirs on Wednesdays): invoices of one to
nine lines, six for two children in the three activities.
- `bench_invoicing_run(families)`: times the invoicing of that month, its preview stored as a draft, then the run
  issuing it, e-mails to the families included;
- `bench_pdfs(count)`: renders `count` invoice PDFs of that month, the ones with the most lines, one after the other;
- `bench_certificates(count)`: writes `count` families whose child under six went to a childcare activity, with a
  paid invoice of the year each, then times the year's run of childcare certificates."""

import time
from datetime import date, datetime
from datetime import time as clock
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from bench.figures import Figure, emit, thousands
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
from espace_famille.planning.models import Activity, ActivityPrice, Booking, BookingState, Facility

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


# The demo's mix: three activities billed by band of quotient familial, the days each child goes to them.
ACTIVITIES = (
    # code, label, base price, (quotient ceiling, price) bands, weekdays
    (
        "BENCH-REPAS",
        "Restauration scolaire",
        "4.20",
        ((450, "1.10"), (800, "2.30"), (1200, "3.40")),
        frozenset({0, 1, 3, 4}),
    ),
    ("BENCH-PERI", "Péri SOIR", "2.60", ((450, "0.80"), (800, "1.50"), (1200, "2.10")), frozenset({0, 1, 3, 4})),
    (
        "BENCH-ALSH",
        "Accueil de loisirs du mercredi",
        "14.00",
        ((450, "4.00"), (800, "7.50"), (1200, "11.00")),
        frozenset({2}),
    ),
)


def _activities(regie: Regie) -> list[tuple[Activity, frozenset[int]]]:
    facility = Facility.objects.first() or Facility.objects.create(name="Ecole du banc d'essai")
    found = []
    for code, label, price, bands, weekdays in ACTIVITIES:
        activity, created = Activity.objects.get_or_create(
            code=code, defaults={"facility": facility, "label": label, "price": Decimal(price)}
        )
        if created:
            ActivityPrice.objects.bulk_create(
                ActivityPrice(activity=activity, quotient_max=ceiling, amount=Decimal(amount))
                for ceiling, amount in bands
            )
        found.append((activity, weekdays))
    regie.activities.add(*(activity for activity, _ in found))
    return found


def _mix(n: int, child: int) -> tuple[int, ...]:
    """Which of ACTIVITIES the family's `child` goes to: all three for most, the meals and Wednesdays for some,
    the meals alone for others."""
    return ((0, 1, 2), (0, 1, 2), (0, 2), (0, 1), (0,))[(n + child) % 5]


def _families(count: int, regie: Regie, prefix: str = "FACT") -> dict[str, int]:
    """`count` families of 1 to 3 children (2 on average), quotients spread over every band, each child booked on
    every school day of the month in the activities of its mix. Returns the rows written."""
    activities = _activities(regie)
    first, last = rules.month_bounds(MONTH)
    days_of = {weekdays: list(famille_rules.days_between(first, last, weekdays)) for _, weekdays in activities}
    queued = timezone.make_aware(datetime.combine(date(2027, 2, 1), clock(9)))
    written = {"families": 0, "children": 0, "days": 0}
    for start in range(0, count, CHUNK):
        numbers = range(start, min(start + CHUNK, count))
        with transaction.atomic():
            families = Family.objects.bulk_create(
                Family(name=f"{prefix}{n}", subscriber_code=f"{prefix}{n:08d}", quotient=300 + (n * 37) % 1200)
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
                Child(
                    family=family,
                    first_name=("Léa", "Hugo", "Inès")[k],
                    last_name=family.name,
                    birth_date=date(2015 + k * 2, 1, 1),
                    sex="F",
                )
                for n, family in zip(numbers, families, strict=True)
                for k in range(1 + n % 3)
            )
            bookings = []
            rank = {}
            for child in children:
                k = rank[child.family_id] = rank.get(child.family_id, -1) + 1
                n = int(child.last_name.removeprefix(prefix))
                for index in _mix(n, k):
                    activity, weekdays = activities[index]
                    bookings.extend(
                        Booking(child=child, activity=activity, day=day, state=BookingState.BOOKED, queued_at=queued)
                        for day in days_of[weekdays]
                    )
            Booking.objects.bulk_create(bookings, batch_size=5_000)
            written["families"] += len(families)
            written["children"] += len(children)
            written["days"] += len(bookings)
    return written


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


def _database() -> str:
    return {"postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(connection.vendor, connection.vendor)


def bench_pdfs(count: int = 1000) -> Figure:
    """`count` invoice PDFs one after the other, of the realistic month's invoices (two children × three activities:
    six lines for a family in three)."""
    regie = _regie()
    if not InvoiceLine.objects.filter(invoice__regie=regie, invoice__family__name__startswith="PDF").exists():
        _families(12, regie, prefix="PDF")
        _invoice_month(regie)
    invoices = list(
        Invoice.objects.filter(regie=regie, family__name__startswith="PDF")
        .select_related("regie", "family")
        .annotate(line_count=Count("lines"))
        .order_by("-line_count", "pk")[:10]
    )
    lines = sum(invoice.line_count for invoice in invoices) / len(invoices)
    began = time.perf_counter()
    size = 0
    for index in range(count):
        size += len(pdf.render_invoice(invoices[index % len(invoices)]))
    seconds = time.perf_counter() - began
    return emit(
        Figure(
            part="billing",
            label=f"{thousands(count)} PDF de facture l'un après l'autre",
            value=seconds,
            goal=PDF_TARGET,
            rows=f"{lines:.1f} lignes par facture en moyenne, {size // count // 1024} ko chacun".replace(".", ","),
            database=_database(),
        )
    )


def bench_invoicing_run(families: int = 5000) -> list[Figure]:
    """«Aperçu» (the month computed and stored as a draft) and «Émettre» (the planning read again to check the draft
    is up to date, then the invoices written from it), timed apart: the target is the issue's, as before the draft."""
    regie = _regie()
    written = _families(families, regie)
    cashier = _cashier()
    began = time.perf_counter()
    draft = services.invoicing_preview(regie=regie, month=MONTH, by=cashier)
    previewed = time.perf_counter()
    run = services.invoicing_run_start(draft=draft, issued_on=date(2027, 4, 5), by=cashier)
    run = services.invoicing_run_execute(run=run)
    issued = time.perf_counter()
    lines = InvoiceLine.objects.filter(invoice__run=run).count()
    rows = (
        f"{thousands(written['families'])} familles, {thousands(written['children'])} enfants, "
        f"{thousands(written['days'])} jours réservés, {thousands(run.invoice_count)} factures, "
        f"{thousands(lines)} lignes, {run.total_amount} €"
    )
    return [
        emit(
            Figure(
                part="billing",
                label=f"Facturation d'un mois, aperçu enregistré ({thousands(families)} familles)",
                value=previewed - began,
                rows=rows,
                database=_database(),
            )
        ),
        emit(
            Figure(
                part="billing",
                label=f"Facturation d'un mois, émission ({thousands(families)} familles, e-mails compris)",
                value=issued - previewed,
                goal=RUN_TARGET,
                rows=rows,
                database=_database(),
            )
        ),
    ]


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


def bench_certificates(count: int = 5000) -> Figure:
    """«Établir les attestations» for a year of `count` families, executed here as a worker would."""
    year = timezone.localdate().year
    regie = _regie()
    _paid_childcare(count, regie, year)
    began = time.perf_counter()
    run = certificates.certificate_run_start(year=year, by=_cashier(), queue=False)
    run = certificates.certificate_run_execute(run=run)
    seconds = time.perf_counter() - began
    return emit(
        Figure(
            part="billing",
            label=f"{thousands(run.created_count)} attestations de frais de garde, en une campagne",
            value=seconds,
            goal=CERTIFICATES_TARGET,
            rows=f"{thousands(run.families_total)} familles, une facture payée chacune",
            database=_database(),
        )
    )
