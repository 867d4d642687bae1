"""Money is never lost: what a family pays beyond what it owes (at the counter, online, or made due back by a
credit note) becomes its credit with the régie, shown in «Mes Opérations», used by its next invoice or refunded
by the régie with a record."""

import re
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader
from wagtail.models import ModelLogEntry

from commun import data_export as export
from espace_facturation import payments, services
from espace_facturation.models import (
    CreditMovement,
    CreditMovementKind,
    FamilyCredit,
    Invoice,
    InvoiceState,
    PaymentKind,
)
from notifications.models import OutboxMessage
from tests.intents import submit

from .factories import billed_household, book, cashier, issue_month, regie, staff, text

pytestmark = pytest.mark.django_db
D = Decimal
DECEMBER_MONDAYS = [date(2026, 12, 7), date(2026, 12, 14)]


@pytest.fixture
def the_regie(site):
    return regie()


def cheque(invoice, amount):
    return payments.payment_record(
        regie=invoice.regie,
        family=invoice.family,
        kind=PaymentKind.CHEQUE,
        amount=D(amount),
        paid_on=date(2026, 12, 10),
        reference="564654646",
        by=cashier(),
    )


def credit_of(family, the_regie) -> Decimal:
    return FamilyCredit.objects.get(family=family, regie=the_regie).balance


def test_a_counter_overpayment_becomes_the_familys_credit_and_is_shown_in_mes_operations(client, the_regie):
    invoice, parent = billed_household(the_regie)  # 8,40 €
    payment = cheque(invoice, "10.00")
    assert credit_of(invoice.family, the_regie) == D("1.60")
    movement = CreditMovement.objects.get()
    assert (movement.kind, movement.amount, movement.payment) == (CreditMovementKind.OVERPAYMENT, D("1.60"), payment)
    assert ModelLogEntry.objects.filter(action="portail.credit.overpayment").exists()
    email = OutboxMessage.objects.get(kind="payment_received")
    assert "Trop-perçu : 1,60\u00a0€ en avoir, déduit de votre prochaine facture." in email.body_text
    client.force_login(parent)
    page = text(client.get(reverse("espace_facturation:operations")))
    assert f"Trop-perçu — règlement n°{payment.operation_number} : 1,60\u00a0€ en avoir disponible" in page
    assert "Avoir disponible : 1,60\u00a0€ auprès de Regie BL Enfance" in re.sub(r"<[^>]+>", "", page)


def test_the_next_invoice_of_the_run_uses_the_credit(client, the_regie):
    invoice, parent = billed_household(the_regie)
    cheque(invoice, "10.00")
    child = invoice.lines.get().child
    book(child, invoice.lines.get().activity, DECEMBER_MONDAYS)
    run = issue_month(the_regie, date(2026, 12, 1), date(2027, 1, 5))
    december = Invoice.objects.get(run=run)
    assert (december.amount, december.amount_paid, december.left_to_pay) == (D("4.20"), D("1.60"), D("2.60"))
    assert december.state == InvoiceState.PARTIAL and credit_of(invoice.family, the_regie) == 0
    used = CreditMovement.objects.get(kind=CreditMovementKind.USED)
    assert used.invoice == december and used.amount == D("-1.60")
    client.force_login(parent)
    page = text(client.get(reverse("espace_facturation:operations")))
    assert f"Avoir disponible déduit de la facture n°{december.number} : 1,60\u00a0€ déduits" in page
    assert "Avoir disponible :" not in page
    detail = text(client.get(reverse("espace_facturation:invoice_detail", args=[december.pk])))
    assert "avoir disponible (trop-perçu) déduit : 1,60\u00a0€" in detail and "Reste à payer" in detail


def test_a_credit_larger_than_the_next_invoice_settles_it_and_keeps_the_rest(the_regie):
    invoice, _ = billed_household(the_regie)
    cheque(invoice, "58.40")  # 50,00 € beyond the 8,40 € due: the most the counter accepts
    book(invoice.lines.get().child, invoice.lines.get().activity, DECEMBER_MONDAYS)
    run = issue_month(the_regie, date(2026, 12, 1), date(2027, 1, 5))
    december = Invoice.objects.get(run=run)
    assert december.state == InvoiceState.PAID and december.amount_paid == D("4.20")
    assert credit_of(invoice.family, the_regie) == D("45.80")


def test_an_online_confirmation_after_a_counter_payment_becomes_the_familys_credit(the_regie):
    invoice, parent = billed_household(the_regie)
    started = payments.online_payment_start(invoices=[invoice], by=parent)
    cheque(invoice, "8.40")
    done = payments.online_payment_notify(
        payment=started, outcome=payments.Outcome(result="paid", transaction_id="3fd945", amount=D("8.40"))
    )
    invoice.refresh_from_db()
    assert invoice.amount_paid == D("8.40") and not done.payment.allocations.exists()
    assert credit_of(invoice.family, the_regie) == D("8.40")
    assert CreditMovement.objects.get().payment == done.payment


def test_a_credit_note_on_a_paid_invoice_gives_the_paid_money_back_as_credit(the_regie):
    invoice, _ = billed_household(the_regie)
    cheque(invoice, "8.40")
    note = services.credit_note_issue(invoice=invoice, amount=D("2.10"), reason="sortie scolaire", by=cashier())
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.PAID and invoice.amount_paid == D("8.40")
    assert credit_of(invoice.family, the_regie) == D("2.10")
    assert CreditMovement.objects.get().invoice == note


def test_the_regie_refunds_the_credit_with_a_record(client, regisseur, the_regie):
    invoice, parent = billed_household(the_regie)
    cheque(invoice, "10.00")
    credit = FamilyCredit.objects.get()
    listing = text(client.get("/admin/espace_facturation/familycredit/"))
    assert "Rembourser le trop-perçu" in listing and "DURANT" in listing
    url = reverse("espace_facturation_refund", args=[credit.pk])
    response = submit(client, url, {"amount": "2.00", "method": "transfer", "reference": "VIR-1"})
    assert response.status_code == 400 and "Au plus 1,60\u00a0€ d'avoir disponible à rembourser." in text(response)
    response = submit(client, url, {"amount": "1.60", "method": "transfer", "reference": "VIR-1"})
    assert response.status_code == 302
    refund = CreditMovement.objects.get(kind=CreditMovementKind.REFUND)
    assert (refund.amount, refund.method, refund.reference, refund.created_by) == (
        D("-1.60"),
        "transfer",
        "VIR-1",
        regisseur,
    )
    assert credit_of(invoice.family, the_regie) == 0
    assert ModelLogEntry.objects.filter(action="portail.credit.refund", user=regisseur).exists()
    client.force_login(parent)
    page = text(client.get(reverse("espace_facturation:operations")))
    assert "Trop-perçu remboursé (virement) : 1,60\u00a0€ remboursés" in page


def test_a_refund_submitted_twice_is_recorded_once(client, regisseur, the_regie):
    from .test_billing_forms_once import ALREADY_DONE, twice

    invoice, _ = billed_household(the_regie)
    cheque(invoice, "10.00")
    url = reverse("espace_facturation_refund", args=[FamilyCredit.objects.get().pk])
    _, second = twice(client, url, {"amount": "0.60", "method": "cheque", "reference": "12"})
    assert CreditMovement.objects.filter(kind=CreditMovementKind.REFUND).count() == 1
    assert ALREADY_DONE in text(second) and credit_of(invoice.family, the_regie) == D("1.00")


def test_instructors_cannot_refund(client, the_regie):
    invoice, _ = billed_household(the_regie)
    cheque(invoice, "10.00")
    client.force_login(staff("Instructeurs"))
    url = reverse("espace_facturation_refund", args=[FamilyCredit.objects.get().pk])
    assert client.get(url).status_code == 302
    client.post(url, {"amount": "1.60", "method": "cash"})
    assert credit_of(invoice.family, the_regie) == D("1.60")


def test_the_familys_data_export_holds_its_credit_and_no_other_familys(the_regie):
    invoice, _ = billed_household(the_regie)
    other, _ = billed_household(the_regie, "AUTRE")
    cheque(invoice, "10.00")
    cheque(other, "20.00")
    rows = export.family_export(family=invoice.family)["credits"]
    assert [(row["kind"], row["amount"]) for row in rows] == [(CreditMovementKind.OVERPAYMENT, "1.60")]
    pdf = PdfReader(BytesIO(export.export_pdf(export.family_export(family=invoice.family))))
    assert "Avoirs disponibles (trop-perçus)" in "\n".join(page.extract_text() for page in pdf.pages)
