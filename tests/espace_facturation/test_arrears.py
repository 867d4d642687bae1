"""«État des restes à recouvrer»: a régie's invoices past their due date and not settled at a day (payments, credit
notes and credit used counted until that day), their total, the CSV and XLSX handed to the public treasury."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from espace_facturation import journal, services
from espace_facturation.models import PaymentKind
from espace_famille.comptes.permissions import INSTRUCTORS
from tests.exports import assert_refused, csv_rows, xlsx_rows
from tests.factories import ActivityFactory

from .factories import book, cashier, household, regie, staff
from .test_journal import at, invoiced, pay, plain

pytestmark = pytest.mark.django_db
D = Decimal
URL = "/admin/facturation/restes-a-recouvrer/"


@pytest.fixture
def unpaid(site, time_machine):
    """DURANT owes 26,40 € due 04/01/2027 and paid 10,00 € on 10/12/2026, then had a 2,00 € credit note on
    09/01/2027; MARTIN owes 8,40 € due the same day, paid by direct debit on 08/01/2027."""
    at(date(2026, 12, 5), time_machine)
    the_regie = regie()
    peri = ActivityFactory(label="Péri SOIR", price=D("2.10"))
    meals = ActivityFactory(label="Restauration", price=D("3.50"))
    study = ActivityFactory(label="Étude", price=D("1.00"))
    the_regie.activities.add(peri, meals, study)
    durant, leo, _ = household("DURANT")
    martin, paul, _ = household("MARTIN")
    first = invoiced(the_regie, durant, leo, [peri, meals, study])
    second = invoiced(the_regie, martin, paul, [peri])
    at(date(2026, 12, 10), time_machine)
    pay(first, "10.00", PaymentKind.CHEQUE, date(2026, 12, 10), "1234567")
    at(date(2027, 1, 8), time_machine)
    pay(second, "8.40", PaymentKind.DIRECT_DEBIT, date(2027, 1, 8))
    at(date(2027, 1, 9), time_machine)
    services.credit_note_issue(invoice=first, amount=D("2.00"), reason="Sortie annulée", by=cashier())
    return {"regie": the_regie, "first": first, "second": second}


def rows(unpaid, day):
    return [
        (row.family, row.number, row.amount, row.paid, row.remaining)
        for row in journal.arrears(regie=unpaid["regie"], at=day)
    ]


def test_an_invoice_is_to_recover_only_after_its_due_date(unpaid):
    assert unpaid["first"].due_on == date(2027, 1, 4)
    assert rows(unpaid, date(2027, 1, 4)) == []


def test_what_was_paid_until_the_day_is_deducted(unpaid):
    first, second = unpaid["first"].number, unpaid["second"].number
    assert rows(unpaid, date(2027, 1, 5)) == [
        ("DURANT", first, D("26.40"), D("10.00"), D("16.40")),
        ("MARTIN", second, D("8.40"), D("0.00"), D("8.40")),
    ]
    # MARTIN paid on the 8th, DURANT's credit note came on the 9th.
    assert rows(unpaid, date(2027, 1, 8)) == [("DURANT", first, D("26.40"), D("10.00"), D("16.40"))]
    assert rows(unpaid, date(2027, 1, 10)) == [("DURANT", first, D("26.40"), D("12.00"), D("14.40"))]


def test_credit_used_by_an_invoice_counts_as_paid_from_its_issue(site, time_machine):
    at(date(2026, 12, 5), time_machine)
    the_regie = regie()
    peri = ActivityFactory(label="Péri SOIR", price=D("2.10"))
    the_regie.activities.add(peri)
    family, child, _ = household("DURANT")
    first = invoiced(the_regie, family, child, [peri])
    pay(first, "10.00", PaymentKind.CASH, date(2026, 12, 5))  # 1,60 € of credit
    at(date(2027, 1, 5), time_machine)
    book(child, peri, [date(2026, 12, 7), date(2026, 12, 14)])
    draft = services.invoicing_preview(regie=the_regie, month=date(2026, 12, 1), family_ids=[family.pk], by=cashier())
    second = services.invoice_issue(draft=draft, family=family, issued_on=date(2027, 1, 5), by=cashier())
    found = journal.arrears(regie=the_regie, at=date(2027, 3, 1))
    assert [(row.number, row.paid, row.remaining) for row in found] == [(second.number, D("1.60"), D("2.60"))]


def test_a_regisseur_reads_the_state_with_its_total_and_exports_it(client, unpaid):
    client.force_login(staff("Régisseurs"))
    params = {"regie": unpaid["regie"].pk, "at": "2027-01-05"}
    page = plain(client.get(URL, params))
    assert "2 factures à recouvrer : 24,80\u00a0€" in page
    assert "Total 34,80\u00a0€ 10,00\u00a0€ 24,80\u00a0€" in page
    csv = csv_rows(client.get(URL, {**params, "export": "csv"}))
    assert csv == [
        ["Famille", "N° de facture", "Date d'émission", "Échéance", "Montant", "Déjà réglé", "Reste à recouvrer"],
        ["DURANT", unpaid["first"].number, "05/12/2026", "04/01/2027", "26,40", "10,00", "16,40"],
        ["MARTIN", unpaid["second"].number, "05/12/2026", "04/01/2027", "8,40", "0,00", "8,40"],
    ]
    xlsx = xlsx_rows(client.get(URL, {**params, "export": "xlsx"}))
    assert xlsx[0][-1] == "Reste à recouvrer" and xlsx[1][-1] == 16.4 and xlsx[2][-1] == 8.4


def test_nothing_to_recover_is_said(client, unpaid):
    client.force_login(staff("Régisseurs"))
    page = plain(client.get(URL, {"regie": unpaid["regie"].pk, "at": "2026-12-31"}))
    assert "Aucune facture échue à recouvrer à cette date." in page


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2027-02-30", "demain", ""])
def test_a_day_that_does_not_hold_is_said_beside_its_field(client, unpaid, day):
    client.force_login(staff("Régisseurs"))
    response = client.get(URL, {"regie": unpaid["regie"].pk, "at": day})
    assert response.status_code == 400 and "à recouvrer :" not in plain(response)


def test_instructors_do_not_read_it(client, unpaid):
    client.force_login(staff(INSTRUCTORS))
    assert_refused(client.get(URL))
    assert_refused(client.get(URL, {"export": "xlsx"}))


def test_it_reads_with_the_same_queries_whatever_its_invoices(client, unpaid):
    client.force_login(staff("Régisseurs"))
    client.get(URL, {"regie": unpaid["regie"].pk, "at": "2027-01-05"})
    with CaptureQueriesContext(connection) as two:
        client.get(URL, {"regie": unpaid["regie"].pk, "at": "2027-01-05"})
    with CaptureQueriesContext(connection) as one:
        client.get(URL, {"regie": unpaid["regie"].pk, "at": "2027-01-10"})
    assert len(one) == len(two)
