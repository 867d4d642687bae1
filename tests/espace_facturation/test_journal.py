"""«Journal comptable»: every invoice, credit note, payment and refund of a régie in a period, as balanced lines of
debit and credit on the accounts of its activities, its families, its till, cheques and bank; its filters, its
exports, who reads it, and its fixed number of queries."""

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import ModelLogEntry

from commun.listing_exports import EXPORT_ACTION, MONEY_FORMAT
from espace_facturation import credits, journal, payments, services
from espace_facturation.models import FamilyCredit, PaymentKind
from espace_famille.comptes.permissions import COMMUNICATION, INSTRUCTORS
from tests.exports import assert_refused, csv_rows, export_queries, xlsx_rows, xlsx_sheet
from tests.factories import ActivityFactory

from .factories import MONDAYS, NOVEMBER, book, cashier, household, regie, staff, text

pytestmark = pytest.mark.django_db
D = Decimal
PARIS = ZoneInfo("Europe/Paris")
URL = "/admin/facturation/journal/"


def at(day: date, time_machine) -> None:
    time_machine.move_to(datetime(day.year, day.month, day.day, 10, tzinfo=PARIS), tick=False)


def invoiced(the_regie, family, child, activities, issued_on=date(2026, 12, 5)):
    for activity in activities:
        book(child, activity, MONDAYS)
    by = cashier()
    draft = services.invoicing_preview(regie=the_regie, month=NOVEMBER, family_ids=[family.pk], by=by)
    return services.invoice_issue(draft=draft, family=family, issued_on=issued_on, by=by)


def pay(invoice, amount, kind, paid_on, reference=""):
    return payments.payment_record(
        regie=invoice.regie,
        family=invoice.family,
        kind=kind,
        amount=D(amount),
        paid_on=paid_on,
        reference=reference,
        by=cashier(),
    )


@pytest.fixture
def december(site, time_machine):
    """A régie's December 2026, as in the demo: DURANT's invoice of three lines on three activities (two with their
    own accounting code, one on the régie's default), MARTIN's invoice, a cheque, cash and a direct debit, a credit
    note, the credit it leaves refunded by transfer."""
    at(date(2026, 12, 5), time_machine)
    the_regie = regie()
    peri = ActivityFactory(label="Péri SOIR", price=D("2.10"), accounting_code="7066-PERI")
    meals = ActivityFactory(label="Restauration", price=D("3.50"), accounting_code="7067")
    study = ActivityFactory(label="Étude", price=D("1.00"))
    the_regie.activities.add(peri, meals, study)
    durant, leo, _ = household("DURANT")
    martin, paul, _ = household("MARTIN")
    first = invoiced(the_regie, durant, leo, [peri, meals, study])  # 8,40 + 14,00 + 4,00
    second = invoiced(the_regie, martin, paul, [peri])  # 8,40
    at(date(2026, 12, 10), time_machine)
    pay(first, "20.00", PaymentKind.CHEQUE, date(2026, 12, 10), "564654646")
    at(date(2026, 12, 12), time_machine)
    pay(first, "10.00", PaymentKind.CASH, date(2026, 12, 12))  # 3,60 too much: DURANT's credit
    pay(second, "8.40", PaymentKind.DIRECT_DEBIT, date(2026, 12, 11))
    at(date(2026, 12, 20), time_machine)
    note = services.credit_note_issue(invoice=first, amount=D("2.00"), reason="Sortie annulée", by=cashier())
    at(date(2026, 12, 21), time_machine)
    credit = FamilyCredit.objects.get(family=durant)
    credits.credit_refund(credit=credit, amount=D("5.60"), method="transfer", reference="VIR-12", by=cashier())
    return {"regie": the_regie, "first": first, "second": second, "note": note}


def plain(response) -> str:
    """The page as a person reads it: its text, without the tags."""
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", text(response)))


def lines(entries):
    return [(e.day, e.piece, e.nature, e.family, e.account, e.debit, e.credit) for e in entries]


def test_the_journal_of_a_month_is_balanced_with_each_activitys_account(december):
    first, second, note = december["first"], december["second"], december["note"]
    book = journal.journal(regie=december["regie"], start=date(2026, 12, 1), end=date(2026, 12, 31))
    assert (book.total_debit, book.total_credit, book.balanced) == (D("80.80"), D("80.80"), True)
    cheque, cash, debit = "5112", "531", "515"
    payment_pieces = [e.piece for e in book.entries if e.nature == "Règlement"]
    refund = next(e.piece for e in book.entries if e.nature == "Remboursement")
    assert lines(book.entries) == [
        (date(2026, 12, 5), first.number, "Facture", "DURANT", "4111", D("26.40"), 0),
        (date(2026, 12, 5), first.number, "Facture", "DURANT", "7066-PERI", 0, D("8.40")),
        (date(2026, 12, 5), first.number, "Facture", "DURANT", "7067", 0, D("14.00")),
        (date(2026, 12, 5), first.number, "Facture", "DURANT", "7066", 0, D("4.00")),
        (date(2026, 12, 5), second.number, "Facture", "MARTIN", "4111", D("8.40"), 0),
        (date(2026, 12, 5), second.number, "Facture", "MARTIN", "7066-PERI", 0, D("8.40")),
        (date(2026, 12, 10), payment_pieces[0], "Règlement", "DURANT", cheque, D("20.00"), 0),
        (date(2026, 12, 10), payment_pieces[1], "Règlement", "DURANT", "4111", 0, D("20.00")),
        (date(2026, 12, 11), payment_pieces[2], "Règlement", "MARTIN", debit, D("8.40"), 0),
        (date(2026, 12, 11), payment_pieces[3], "Règlement", "MARTIN", "4111", 0, D("8.40")),
        (date(2026, 12, 12), payment_pieces[4], "Règlement", "DURANT", cash, D("10.00"), 0),
        (date(2026, 12, 12), payment_pieces[5], "Règlement", "DURANT", "4111", 0, D("10.00")),
        # The credit note takes back from each account of the invoice its share: 8,40, 14,00 and 4,00 of 26,40.
        (date(2026, 12, 20), note.number, "Avoir", "DURANT", "7066-PERI", D("0.64"), 0),
        (date(2026, 12, 20), note.number, "Avoir", "DURANT", "7067", D("1.06"), 0),
        (date(2026, 12, 20), note.number, "Avoir", "DURANT", "7066", D("0.30"), 0),
        (date(2026, 12, 20), note.number, "Avoir", "DURANT", "4111", 0, D("2.00")),
        (date(2026, 12, 21), refund, "Remboursement", "DURANT", "4111", D("5.60"), 0),
        (date(2026, 12, 21), refund, "Remboursement", "DURANT", debit, 0, D("5.60")),
    ]
    labels = [e.label for e in book.entries]
    assert labels[1].startswith("Léo DURANT — ") and labels[1].endswith("Péri SOIR") and "Chèque 564654646" in labels
    assert f"Avoir sur la facture {first.number}" in labels
    assert "Remboursement du trop-perçu (virement) VIR-12" in labels
    # Every family settled: their account comes back to nothing.
    families = [e for e in book.entries if e.account == "4111"]
    assert sum(e.debit for e in families) == sum(e.credit for e in families) == D("40.40")


def test_each_piece_of_the_journal_is_balanced_on_its_own(december):
    book = journal.journal(regie=december["regie"], start=date(2026, 12, 1), end=date(2026, 12, 31))
    pieces = {}
    for entry in book.entries:
        pieces.setdefault(entry.piece, []).append(entry.debit - entry.credit)
    assert len(pieces) == 7 and all(sum(amounts) == 0 for amounts in pieces.values())


def test_the_regies_own_accounts_are_the_journals(december):
    the_regie = december["regie"]
    the_regie.account_families, the_regie.account_bank, the_regie.account_products = "41120", "51510", "70688"
    the_regie.save()
    accounts = {
        e.account for e in journal.journal(regie=the_regie, start=date(2026, 12, 1), end=date(2026, 12, 31)).entries
    }
    assert accounts == {"41120", "51510", "70688", "7066-PERI", "7067", "5112", "531"}


@pytest.mark.parametrize(
    ("start", "end", "pieces"),
    [
        (date(2026, 11, 1), date(2026, 11, 30), 0),
        (date(2026, 12, 5), date(2026, 12, 5), 2),  # the first day counts: the two invoices
        (date(2026, 12, 6), date(2026, 12, 10), 1),  # the last day counts: the cheque
        (date(2026, 12, 11), date(2026, 12, 20), 3),  # the direct debit, the cash, the credit note
        (date(2026, 12, 21), date(2027, 1, 31), 1),  # the refund, dated the day it was made
    ],
)
def test_the_period_holds_its_first_and_last_days(december, start, end, pieces):
    book = journal.journal(regie=december["regie"], start=start, end=end)
    assert len({e.piece for e in book.entries}) == pieces and book.balanced


def test_another_regies_records_stay_out_of_its_journal(december):
    other = regie(name="Regie Sports")
    book = journal.journal(regie=other, start=date(2026, 12, 1), end=date(2026, 12, 31))
    assert book.entries == [] and book.balanced


def test_a_regisseur_reads_the_journal_of_a_month_with_its_totals(client, december, time_machine):
    client.force_login(staff("Régisseurs"))
    response = client.get(URL, {"regie": december["regie"].pk, "month": "2026-12"})
    assert response.status_code == 200
    page = plain(response)
    assert "Regie BL Enfance, du 01/12/2026 au 31/12/2026" in page
    assert "Total débit : 80,80\u00a0€ — total crédit : 80,80\u00a0€ — journal équilibré (18 lignes)" in page
    assert "7066-PERI" in page and "Chèque 564654646" in page


def test_without_filters_the_journal_shows_the_current_month_of_the_only_regie(client, december, time_machine):
    client.force_login(staff("Régisseurs"))
    page = plain(client.get(URL))
    assert "Regie BL Enfance, du 01/12/2026 au 31/12/2026" in page and "journal équilibré" in page


def test_two_dates_give_the_journal_between_them(client, december):
    client.force_login(staff("Régisseurs"))
    page = plain(client.get(URL, {"regie": december["regie"].pk, "start": "2026-12-06", "end": "2026-12-10"}))
    assert "du 06/12/2026 au 10/12/2026" in page and "Total débit : 20,00\u00a0€" in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"month": "2026-13"}, "Saisissez un mois sous la forme 2026-12."),
        ({"month": "décembre"}, "Saisissez un mois sous la forme 2026-12."),
        ({"month": "", "start": "2026-12-10", "end": "2026-12-01"}, "La date de fin précède la date de début."),
        ({"month": "", "start": "2026-12-10"}, "Indiquez les deux dates de la période, ou un mois."),
        ({"month": "", "start": "0001-01-01", "end": "9999-12-31"}, "Choisissez une date entre le 01/01/1900"),
        ({"month": "", "start": "2026-02-30", "end": "x"}, "Saisissez une date valide."),
        ({"regie": "99999999999999999999", "month": "2026-12"}, "Choisissez une régie."),
        ({"regie": "abc", "month": "2026-12", "export": "csv"}, "Choisissez une régie."),
    ],
)
def test_a_period_that_does_not_hold_is_said_beside_its_field(client, december, params, message):
    client.force_login(staff("Régisseurs"))
    response = client.get(URL, {"regie": december["regie"].pk, **params})
    assert response.status_code == 400
    assert message in text(response) and "Total débit" not in text(response)
    assert "Content-Disposition" not in response


def test_the_journal_csv_reads_in_french_with_amounts_and_dates(client, december):
    client.force_login(staff("Régisseurs"))
    rows = csv_rows(client.get(URL, {"regie": december["regie"].pk, "month": "2026-12", "export": "csv"}))
    assert rows[0] == ["Date", "N° de pièce", "Nature", "Famille", "Libellé", "Compte", "Débit", "Crédit"]
    assert rows[1] == [
        "05/12/2026",
        december["first"].number,
        "Facture",
        "DURANT",
        f"Facture {december['first'].number}",
        "4111",
        "26,40",
        "0,00",
    ]
    assert len(rows) == 19
    debit = sum(D(row[6].replace(",", ".")) for row in rows[1:])
    credit = sum(D(row[7].replace(",", ".")) for row in rows[1:])
    assert debit == credit == D("80.80")


def test_the_journal_xlsx_holds_dates_and_numbers(client, december):
    regisseur = staff("Régisseurs")
    client.force_login(regisseur)
    response = client.get(URL, {"regie": december["regie"].pk, "month": "2026-12", "export": "xlsx"})
    rows = xlsx_rows(response)
    assert rows[0] == ("Date", "N° de pièce", "Nature", "Famille", "Libellé", "Compte", "Débit", "Crédit")
    assert rows[1][0] == datetime(2026, 12, 5) and rows[1][6] == 26.4 and rows[2][7] == 8.4
    assert round(sum(row[6] for row in rows[1:]), 2) == round(sum(row[7] for row in rows[1:]), 2) == 80.8
    sheet = xlsx_sheet(client.get(URL, {"regie": december["regie"].pk, "month": "2026-12", "export": "xlsx"}))
    assert sheet.title == "Journal comptable" and sheet["G2"].number_format == MONEY_FORMAT
    entry = ModelLogEntry.objects.filter(action=EXPORT_ACTION, user=regisseur).latest("pk")
    assert entry.data["listing"] == "journal-comptable" and entry.data["rows"] == 18


@pytest.mark.parametrize("group", [INSTRUCTORS, COMMUNICATION])
def test_instructors_and_editors_neither_read_nor_export_the_journal(client, december, group):
    client.force_login(staff(group))
    assert_refused(client.get(URL, {"month": "2026-12"}))
    assert_refused(client.get(URL, {"month": "2026-12", "export": "csv"}))
    assert "journal-comptable" not in text(client.get("/admin/"))


def test_an_anonymous_visitor_is_sent_to_the_login(client, december):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_regisseurs_menu_leads_to_the_journal(client, december):
    client.force_login(staff("Régisseurs"))
    page = text(client.get("/admin/"))
    assert '"url": "/admin/facturation/journal/"' in page and '"url": "/admin/facturation/restes-a-recouvrer/"' in page


def test_the_journal_reads_with_the_same_queries_whatever_its_lines(client, december, time_machine):
    client.force_login(staff("Régisseurs"))
    params = {"regie": december["regie"].pk, "month": "2026-12"}
    client.get(URL, params)
    with CaptureQueriesContext(connection) as before:
        client.get(URL, params)
    exported = export_queries(client, URL, **params)
    # Another family: an invoice, a payment beyond it, a credit note and a refund, in the same month.
    at(date(2026, 12, 5), time_machine)
    family, child, _ = household("BERNARD")
    invoice = invoiced(december["regie"], family, child, list(december["regie"].activities.all()))
    pay(invoice, "40.00", PaymentKind.CHEQUE, date(2026, 12, 6))
    services.credit_note_issue(invoice=invoice, amount=D("1.00"), reason="Erreur", by=cashier())
    credit = FamilyCredit.objects.get(family=family)
    credits.credit_refund(credit=credit, amount=D("1.00"), method="cash", by=cashier())
    with CaptureQueriesContext(connection) as after:
        response = client.get(URL, params)
    assert "journal équilibré (30 lignes)" in plain(response)
    # One read per entry source (the returned debits' is the fifth), whatever the lines.
    assert len(after) == len(before) <= 17
    assert export_queries(client, URL, **params) == exported
