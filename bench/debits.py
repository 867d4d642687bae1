"""Direct debit at scale, run by bench/run.py through `manage.py shell -c` in a throw-away database (after load_demo).

`bench_pain008(count)`: writes `count` families on direct debit (a mandate each, an invoice pre-notified for one
collection date), then times the generation of their lot — the régie locked, the invoices read and locked, the
transactions written, the pain.008.001.02 file built with sepaxml and checked against the ISO 20022 schema with
lxml (libxml2), the invoices marked «En cours de prélèvement» — and prints its figure."""

import time
from datetime import date
from decimal import Decimal

from django.db import connection, transaction

from bench.figures import Figure, emit, thousands
from espace_facturation import debits, sepa_xml
from espace_facturation.models import DebitNotice, Invoice, Mandate, Regie
from espace_famille.comptes.models import User
from espace_famille.dossier.models import Family

CHUNK = 1_000
COLLECTION = date(2027, 6, 15)
TARGET = 10
IBANS = ["FR7630006000011234567890189", "FR1420041010050500013M02606", "FR7610107001011234567890129"]
BICS = ["AGRIFRPP882", "PSSTFRPPPAR", "BREDFRPPXXX"]


def _regie() -> Regie:
    regie, _ = Regie.objects.get_or_create(
        name="Regie du banc (prélèvement)",
        defaults={
            "service_name": "Service du banc",
            "municipality": "Mairie du banc",
            "creditor_id": "FR12ZZZ123456",
            "creditor_iban": "FR7610107001011234567890129",
            "creditor_bic": "BREDFRPPXXX",
        },
    )
    return regie


def _debtors(regie: Regie, count: int) -> None:
    for start in range(0, count, CHUNK):
        numbers = range(start, min(start + CHUNK, count))
        with transaction.atomic():
            families = Family.objects.bulk_create(
                Family(name=f"SEPA{n}", subscriber_code=f"SEPA{n:08d}", direct_debit=True) for n in numbers
            )
            mandates = Mandate.objects.bulk_create(
                Mandate(
                    regie=regie,
                    family=family,
                    reference=f"PFBENCH{n:08d}",
                    signed_on=date(2027, 1, 4),
                    account_holder=f"Jean SEPA{n}",
                    iban=IBANS[n % 3],
                    bic=BICS[n % 3],
                )
                for n, family in zip(numbers, families, strict=True)
            )
            invoices = Invoice.objects.bulk_create(
                Invoice(
                    regie=regie,
                    family=family,
                    number=f"2027-{n + 1:05d}",
                    issued_on=date(2027, 5, 5),
                    due_on=COLLECTION,
                    amount=Decimal("20.00") + Decimal(n % 500) / 10,
                    emission_code="EMBENCH",
                    personal_code=f"P{n:07d}",
                )
                for n, family in zip(numbers, families, strict=True)
            )
            DebitNotice.objects.bulk_create(
                DebitNotice(
                    invoice=invoice,
                    mandate=mandate,
                    amount=invoice.amount,
                    debit_on=COLLECTION,
                    sent_on=date(2027, 5, 31),
                )
                for invoice, mandate in zip(invoices, mandates, strict=True)
            )


def bench_pain008(count: int = 5000) -> Figure:
    regie = _regie()
    _debtors(regie, count)
    regisseur, _ = User.objects.get_or_create(
        email="prelevements@banc.example.org", defaults={"password": "!", "is_staff": True, "is_superuser": True}
    )
    began = time.perf_counter()
    batch = debits.batch_generate(regie=regie, collection_date=COLLECTION, by=regisseur, today=date(2027, 6, 1))
    seconds = time.perf_counter() - began
    summary = sepa_xml.read_pain008(batch.xml)
    assert summary.count == count and summary.control_sum == batch.total
    return emit(
        Figure(
            part="billing",
            label=f"Lot de prélèvement SEPA de {thousands(count)} débits (pain.008.001.02 vérifié par le schéma)",
            value=seconds,
            goal=TARGET,
            rows=f"{thousands(summary.count)} débits, {len(batch.xml) // 1024} ko, total {batch.total} €",
            database={"postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(connection.vendor, connection.vendor),
        )
    )
