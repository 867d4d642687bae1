"""The régie's accounts at scale, run through `manage.py shell -c` in a throw-away database (after migrate):

- `bench_journal(families)`: writes a year of a régie's records for `families` families (each month an invoice of two
  lines on two activities and its payment, once a year a credit note), then times the year's «Journal comptable»
  (the selector, its CSV and XLSX exports through the admin view) and the «État des restes à recouvrer», and prints
  «Journal comptable d'une année pour N familles : …»."""

import time
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from espace_facturation import journal
from espace_facturation.admin_journal import ArrearsView, JournalView
from espace_facturation.models import Invoice, InvoiceLine, InvoiceNature, InvoiceState, Payment, PaymentKind
from espace_famille.dossier.models import Family
from espace_famille.planning.models import Activity, Facility

from .billing import _cashier, _regie

YEAR = 2027
CHUNK = 500
KINDS = [PaymentKind.CHEQUE, PaymentKind.CASH, PaymentKind.ONLINE, PaymentKind.DIRECT_DEBIT]


def _activities(regie) -> list[Activity]:
    facility = Facility.objects.first() or Facility.objects.create(name="Ecole du banc d'essai")
    found = []
    for code, label, account in (("BENCH-PERI", "Péri SOIR", "7066-PERI"), ("BENCH-REPAS", "Repas", "7067")):
        activity, _ = Activity.objects.get_or_create(
            code=code, defaults={"facility": facility, "label": label, "accounting_code": account}
        )
        found.append(activity)
    regie.activities.add(*found)
    return found


def _year(regie, families: int) -> None:
    """A year of records written in bulk (the services' own speed is bench/billing.py's)."""
    peri, meals = _activities(regie)
    for start in range(0, families, CHUNK):
        numbers = range(start, min(start + CHUNK, families))
        with transaction.atomic():
            rows = Family.objects.bulk_create(
                Family(name=f"JRN{n}", subscriber_code=f"JRN{n:08d}", quotient=300) for n in numbers
            )
            invoices = []
            for family, n in zip(rows, numbers, strict=True):
                for month in range(1, 13):
                    issued = date(YEAR, month, 5)
                    invoices.append(
                        Invoice(
                            regie=regie,
                            family=family,
                            number=f"J{YEAR}-{month:02d}-{n:06d}",
                            issued_on=issued,
                            due_on=issued + timedelta(days=30),
                            amount=Decimal("25.90"),
                            amount_paid=Decimal("25.90") if month < 12 else Decimal("0.00"),
                            state=InvoiceState.PAID if month < 12 else InvoiceState.TO_PAY,
                            emission_code="BANC",
                            personal_code=f"P{n:06d}",
                        )
                    )
            invoices = Invoice.objects.bulk_create(invoices)
            InvoiceLine.objects.bulk_create(
                line
                for invoice in invoices
                for line in (
                    InvoiceLine(
                        invoice=invoice,
                        activity=peri,
                        label="Péri SOIR",
                        child_name="Léa",
                        quantity=Decimal("8"),
                        unit_price=Decimal("2.10"),
                        amount=Decimal("16.80"),
                    ),
                    InvoiceLine(
                        invoice=invoice,
                        activity=meals,
                        label="Repas",
                        child_name="Léa",
                        quantity=Decimal("2.6"),
                        unit_price=Decimal("3.50"),
                        amount=Decimal("9.10"),
                    ),
                )
            )
            Payment.objects.bulk_create(
                Payment(
                    regie=regie,
                    family_id=invoice.family_id,
                    kind=KINDS[index % len(KINDS)],
                    operation_number=f"JP{invoice.pk:010d}",
                    paid_on=invoice.issued_on + timedelta(days=15),
                    amount=invoice.amount,
                )
                for index, invoice in enumerate(invoices)
                if invoice.state == InvoiceState.PAID
            )
            Invoice.objects.bulk_create(
                Invoice(
                    regie=regie,
                    family_id=invoice.family_id,
                    nature=InvoiceNature.CREDIT_NOTE,
                    number=f"{invoice.number}-AV",
                    issued_on=date(YEAR, 6, 20),
                    due_on=date(YEAR, 6, 20),
                    amount=Decimal("2.00"),
                    amount_paid=Decimal("2.00"),
                    state=InvoiceState.PAID,
                    emission_code="BANC",
                    personal_code=invoice.personal_code,
                    corrects=invoice,
                )
                for invoice in invoices
                if invoice.issued_on.month == 6
            )


def _timed(view, params: dict) -> tuple[float, int, int]:
    request = RequestFactory().get("/admin/facturation/", params)
    request.user = _cashier()
    began = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = view(request)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200, response.status_code
    return time.perf_counter() - began, len(body), len(queries)


def bench_journal(families: int = 2000) -> None:
    regie = _regie()
    began = time.perf_counter()
    _year(regie, families)
    written = time.perf_counter() - began
    began = time.perf_counter()
    book = journal.journal(regie=regie, start=date(YEAR, 1, 1), end=date(YEAR, 12, 31))
    selected = time.perf_counter() - began
    assert book.balanced, (book.total_debit, book.total_credit)
    period = {"regie": regie.pk, "start": f"{YEAR}-01-01", "end": f"{YEAR}-12-31"}
    csv_time, csv_size, csv_queries = _timed(JournalView.as_view(), {**period, "export": "csv"})
    xlsx_time, xlsx_size, _ = _timed(JournalView.as_view(), {**period, "export": "xlsx"})
    arrears_time, _, arrears_queries = _timed(
        ArrearsView.as_view(), {"regie": regie.pk, "at": f"{YEAR + 1}-02-01", "export": "csv"}
    )
    print(
        f"Journal comptable d'une année pour {families} familles : {len(book.entries)} lignes "
        f"(débit {book.total_debit} € = crédit {book.total_credit} €), lues en {selected:.1f} s ; "
        f"export CSV {csv_time:.1f} s ({csv_size // 1024} ko, {csv_queries} requêtes), "
        f"XLSX {xlsx_time:.1f} s ({xlsx_size // 1024} ko) ; "
        f"restes à recouvrer (CSV) {arrears_time:.1f} s ({arrears_queries} requêtes) ; "
        f"données écrites en {written:.1f} s"
    )
