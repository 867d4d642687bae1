"""«Mes Opérations»: the family's balance after each operation («Solde»), its credit (an overpayment, a credit note
beyond what was due) shown as such and used by its next invoice, the balance at the top; another family's
operations never shown."""

import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from espace_facturation import credits, services
from espace_facturation.models import FamilyCredit, PaymentKind
from tests.factories import ActivityFactory

from .factories import book, cashier, household, regie
from .test_journal import at, invoiced, pay, plain

pytestmark = pytest.mark.django_db
D = Decimal
URL = reverse("espace_facturation:operations")


def table(response) -> list[list[str]]:
    """The rows of the operations' table, cell by cell."""
    page = unescape(response.content.decode())
    return [
        [re.sub(r"[ \t\r\n]+", " ", cell).strip() for cell in re.split(r"</td><td[^>]*>", row)]
        for row in re.findall(r"<tr><td[^>]*>(.*?)</td></tr>", page)
    ]


@pytest.fixture
def durant(site, time_machine):
    """DURANT's November invoice (8,40 €), a cheque of 5,00 €, cash 5,00 € (1,60 € too much), a credit note of 1,00 €
    on the paid invoice (1,00 € more credit), 0,60 € refunded by transfer: 2,00 € of credit left."""
    at(date(2026, 12, 5), time_machine)
    the_regie = regie()
    peri = ActivityFactory(label="Péri SOIR", price=D("2.10"))
    the_regie.activities.add(peri)
    family, child, parent = household("DURANT")
    first = invoiced(the_regie, family, child, [peri])
    at(date(2026, 12, 10), time_machine)
    cheque = pay(first, "5.00", PaymentKind.CHEQUE, date(2026, 12, 10), "564654646")
    at(date(2026, 12, 12), time_machine)
    cash = pay(first, "5.00", PaymentKind.CASH, date(2026, 12, 12))
    at(date(2026, 12, 20), time_machine)
    note = services.credit_note_issue(invoice=first, amount=D("1.00"), reason="Sortie annulée", by=cashier())
    at(date(2026, 12, 21), time_machine)
    credit = FamilyCredit.objects.get(family=family)
    credits.credit_refund(credit=credit, amount=D("0.60"), method="transfer", reference="VIR-1", by=cashier())
    return {
        "regie": the_regie,
        "family": family,
        "child": child,
        "parent": parent,
        "activity": peri,
        "first": first,
        "cheque": cheque,
        "cash": cash,
        "note": note,
    }


def test_each_operation_shows_the_balance_after_it_and_the_credit_as_such(client, durant):
    client.force_login(durant["parent"])
    response = client.get(URL)
    assert "Solde de vos opérations : <strong>2,00\u00a0€ d'avoir</strong>" in unescape(response.content.decode())
    assert "Avoir disponible : 2,00\u00a0€ auprès de Regie BL Enfance" in plain(response)
    first, note = durant["first"].number, durant["note"].number
    cheque, cash = durant["cheque"].operation_number, durant["cash"].operation_number
    euro = "\u00a0€"
    assert table(response) == [
        ["VIR-1", "21/12/2026", f"Trop-perçu remboursé (virement) : 0,60{euro} remboursés", f"0,60{euro}",
         f"0,00{euro}", f"0,00{euro}", f"2,00{euro} d'avoir"],
        [note, "20/12/2026", f"Trop-perçu — avoir n°{note} : 1,00{euro} en avoir disponible", f"0,00{euro}",
         f"0,00{euro}", f"0,00{euro}", f"2,60{euro} d'avoir"],
        [note, "20/12/2026", "Avoir", f"0,00{euro}", f"1,00{euro}", f"0,00{euro}", f"2,60{euro} d'avoir"],
        [cash, "12/12/2026", f"Trop-perçu — règlement n°{cash} : 1,60{euro} en avoir disponible", f"0,00{euro}",
         f"0,00{euro}", f"0,00{euro}", f"1,60{euro} d'avoir"],
        [cash, "12/12/2026", "Espèces", f"0,00{euro}", f"5,00{euro}", f"0,00{euro}", f"1,60{euro} d'avoir"],
        [cheque, "10/12/2026", "Chèque 564654646", f"0,00{euro}", f"5,00{euro}", f"0,00{euro}", f"3,40{euro} à payer"],
        [first, "05/12/2026", "Réglé", f"8,40{euro}", f"0,00{euro}", f"0,00{euro}", f"8,40{euro} à payer"],
    ]  # fmt: skip


def test_the_next_invoice_uses_the_credit_and_the_balance_says_what_is_left(client, durant, time_machine):
    at(date(2027, 1, 5), time_machine)
    book(durant["child"], durant["activity"], [date(2026, 12, 7), date(2026, 12, 14)])
    draft = services.invoicing_preview(
        regie=durant["regie"], month=date(2026, 12, 1), family_ids=[durant["family"].pk], by=cashier()
    )
    second = services.invoice_issue(draft=draft, family=durant["family"], issued_on=date(2027, 1, 5), by=cashier())
    assert second.left_to_pay == D("2.20")  # 4,20 € less the 2,00 € of credit
    client.force_login(durant["parent"])
    response = client.get(URL)
    assert "Solde de vos opérations : <strong>2,20\u00a0€ à payer</strong>" in unescape(response.content.decode())
    assert "Avoir disponible :" not in plain(response)
    rows = table(response)
    assert rows[0][2] == f"Avoir disponible déduit de la facture n°{second.number} : 2,00\u00a0€ déduits"
    assert rows[0][-1] == rows[1][-1] == "2,20\u00a0€ à payer"
    assert rows[1][:2] == [second.number, "05/01/2027"] and rows[1][3] == "4,20\u00a0€" and rows[1][5] == "2,20\u00a0€"


def test_a_filtered_list_keeps_the_balance_of_every_operation(client, durant):
    client.force_login(durant["parent"])
    rows = table(client.get(URL, {"nature": "payment", "year": "2026"}))
    cheque = next(row for row in rows if row[0] == durant["cheque"].operation_number)
    assert cheque[-1] == "3,40\u00a0€ à payer"
    assert all(row[0] != durant["first"].number for row in rows)


def test_another_family_never_sees_these_operations(client, durant):
    other, _, stranger = household("MARTIN")
    client.force_login(stranger)
    session = client.session
    session["family_id"] = durant["family"].pk
    session.save()
    response = client.get(URL)
    assert response.status_code == 200
    assert table(response) == [] and durant["first"].number not in unescape(response.content.decode())
    assert "Solde de vos opérations : <strong>0,00\u00a0€</strong>" in unescape(response.content.decode())


def test_an_anonymous_visitor_is_sent_to_the_login(client, durant):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_page_reads_with_the_same_queries_whatever_the_history(client, durant, time_machine):
    client.force_login(durant["parent"])
    client.get(URL)
    with CaptureQueriesContext(connection) as before:
        client.get(URL)
    at(date(2027, 1, 5), time_machine)
    book(durant["child"], durant["activity"], [date(2026, 12, 7), date(2026, 12, 14)])
    draft = services.invoicing_preview(
        regie=durant["regie"], month=date(2026, 12, 1), family_ids=[durant["family"].pk], by=cashier()
    )
    second = services.invoice_issue(draft=draft, family=durant["family"], issued_on=date(2027, 1, 5), by=cashier())
    pay(second, "2.20", PaymentKind.CHEQUE, date(2027, 1, 6), "99")
    client.force_login(durant["parent"])
    client.get(URL)
    with CaptureQueriesContext(connection) as after:
        client.get(URL)
    assert len(after) == len(before)
