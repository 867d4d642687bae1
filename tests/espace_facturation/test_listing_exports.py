"""Exports of the billing listings (invoices, payments): French headings, amounts as numbers (XLSX) and «12,50»
(CSV), the listing's filters, the view permission, and a fixed number of queries."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from wagtail.models import ModelLogEntry

from commun.listing_exports import EXPORT_ACTION, MONEY_FORMAT
from espace_facturation.models import InvoiceNature, Payment, PaymentKind
from espace_facturation.payments import payment_record
from espace_famille.comptes.permissions import INSTRUCTORS
from tests.exports import assert_refused, csv_rows, export_queries, xlsx_sheet
from tests.factories import FamilyFactory, InvoiceFactory, RegieFactory

from .factories import cashier, staff

pytestmark = pytest.mark.django_db

INVOICES = "/admin/espace_facturation/invoice/"
PAYMENTS = "/admin/espace_facturation/payment/"


def durant_invoice(**fields):
    return InvoiceFactory(
        family=FamilyFactory(name="DURANT"),
        number="2026-0042",
        issued_on=date(2026, 12, 3),
        due_on=date(2027, 1, 4),
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30),
        amount=Decimal("12.50"),
        **fields,
    )


def paid(invoice, amount="5.00", kind=PaymentKind.CHEQUE, reference="CHQ 1234567"):
    return payment_record(
        regie=invoice.regie,
        family=invoice.family,
        kind=kind,
        amount=Decimal(amount),
        paid_on=date(2026, 12, 10),
        reference=reference,
        by=cashier(),
    )


def test_the_invoices_csv_has_french_headings_amounts_and_dates(client, regisseur):
    paid(durant_invoice())
    rows = csv_rows(client.get(INVOICES, {"export": "csv"}))
    assert rows[0] == [
        "Référence",
        "Nature",
        "Famille",
        "Régie",
        "Date",
        "Échéance",
        "Période du",
        "Période au",
        "Montant",
        "Déjà réglé",
        "Reste à payer",
        "État",
    ]
    assert rows[1] == [
        "2026-0042",
        "Facture",
        "DURANT",
        "Regie BL Enfance",
        "03/12/2026",
        "04/01/2027",
        "01/11/2026",
        "30/11/2026",
        "12,50",
        "5,00",
        "7,50",
        "Partiellement payée",
    ]


def test_the_invoices_xlsx_holds_amounts_as_numbers_and_days_as_dates(client, regisseur):
    durant_invoice()
    sheet = xlsx_sheet(client.get(INVOICES, {"export": "xlsx"}))
    assert sheet.title == "Factures"
    row = [cell for cell in sheet[2]]
    assert row[4].value == datetime(2026, 12, 3) and row[4].number_format == "DD/MM/YYYY"
    assert row[8].value == 12.5 and row[8].data_type == "n" and row[8].number_format == MONEY_FORMAT
    assert row[11].value == "À payer"


def test_a_filter_of_the_invoices_listing_filters_its_export(client, regisseur):
    durant_invoice()
    InvoiceFactory(family=FamilyFactory(name="MARTIN"), nature=InvoiceNature.CREDIT_NOTE, number="2026-0043")
    rows = csv_rows(client.get(INVOICES, {"nature": InvoiceNature.CREDIT_NOTE, "export": "csv"}))
    assert [(row[0], row[1], row[2]) for row in rows[1:]] == [("2026-0043", "Avoir", "MARTIN")]
    searched = csv_rows(client.get(INVOICES, {"q": "DURANT", "export": "csv"}))
    assert [row[0] for row in searched[1:]] == ["2026-0042"]


def test_the_payments_csv_and_xlsx(client, regisseur):
    payment = paid(durant_invoice())
    rows = csv_rows(client.get(PAYMENTS, {"export": "csv"}))
    assert rows[0] == [
        "N° opération",
        "Date",
        "Type de règlement",
        "Référence",
        "Famille",
        "Régie",
        "Montant",
        "Enregistré le",
    ]
    assert rows[1][:7] == [
        payment.operation_number,
        "10/12/2026",
        "Chèque",
        "CHQ 1234567",
        "DURANT",
        "Regie BL Enfance",
        "5,00",
    ]
    cells = list(xlsx_sheet(client.get(PAYMENTS, {"export": "xlsx"})).iter_rows(min_row=2, values_only=True))
    assert cells[0][1] == datetime(2026, 12, 10) and cells[0][6] == 5
    assert isinstance(cells[0][7], datetime)


def test_a_filter_of_the_payments_listing_filters_its_export(client, regisseur):
    invoice = durant_invoice()
    paid(invoice, "2.00", kind=PaymentKind.CASH, reference="")
    paid(invoice, "3.00", kind=PaymentKind.CHEQUE)
    rows = csv_rows(client.get(PAYMENTS, {"kind": PaymentKind.CASH, "export": "csv"}))
    assert [(row[2], row[6]) for row in rows[1:]] == [("Espèces", "2,00")]


def test_an_instructor_exports_invoices_but_not_payments(client, site):
    # Instructors read invoices (the family's questions), not the cash book.
    client.force_login(staff(INSTRUCTORS))
    durant_invoice()
    assert csv_rows(client.get(INVOICES, {"export": "csv"}))[1][0] == "2026-0042"
    assert_refused(client.get(PAYMENTS, {"export": "csv"}))
    assert_refused(client.get(PAYMENTS, {"export": "xlsx"}))
    assert ModelLogEntry.objects.filter(action=EXPORT_ACTION).count() == 1


@pytest.mark.parametrize("url", [INVOICES, PAYMENTS])
def test_a_billing_export_reads_with_as_many_queries_for_2_rows_as_for_20(client, regisseur, url):
    regie = RegieFactory()

    def rows(count):
        for _ in range(count):
            invoice = InvoiceFactory(regie=regie)
            paid(invoice, "1.00")

    rows(2)
    export_queries(client, url)
    few = export_queries(client, url)
    rows(18)
    assert export_queries(client, url) == few
    assert Payment.objects.count() == 20
