"""Payments: counter payments allocated to invoices, credit notes, and the online payment state machine."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from wagtail.models import ModelLogEntry

from commun.clock import PARIS
from espace_facturation import payments, services
from espace_facturation.exceptions import BillingError, PaymentError
from espace_facturation.models import (
    Invoice,
    InvoiceNature,
    InvoiceState,
    OnlinePayment,
    OnlinePaymentState,
    Payment,
    PaymentKind,
)
from notifications.models import OutboxMessage

from .factories import MONDAYS, billed_household, cashier, regie

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def the_regie(site):
    return regie()


def test_a_cheque_settles_the_oldest_invoices_first_and_says_so_to_the_family(the_regie):
    first, parent = billed_household(the_regie, days=MONDAYS[:2])  # 4,20 €
    payment = payments.payment_record(
        regie=the_regie,
        family=first.family,
        kind=PaymentKind.CHEQUE,
        amount=D("3.00"),
        paid_on=date(2026, 12, 10),
        reference="564654646",
        by=cashier(),
    )
    first.refresh_from_db()
    assert (first.amount_paid, first.state, first.left_to_pay) == (D("3.00"), InvoiceState.PARTIAL, D("1.20"))
    assert payments.description(payment) == "Chèque 564654646" and len(payment.operation_number) == 10
    email = OutboxMessage.objects.get(kind="payment_received")
    assert (
        "3,00\u00a0€" in email.body_text and f"Facture {first.number} : reste à payer 1,20\u00a0€." in email.body_text
    )
    payments.payment_record(
        regie=the_regie,
        family=first.family,
        kind=PaymentKind.CASH,
        amount=D("1.20"),
        paid_on=date(2026, 12, 11),
        by=cashier(),
    )
    first.refresh_from_db()
    assert first.state == InvoiceState.PAID and first.left_to_pay == 0
    assert ModelLogEntry.objects.filter(action="portail.payment.record").count() == 2


def test_an_allocation_beyond_what_is_left_or_to_another_familys_invoice_is_refused(the_regie):
    invoice, _ = billed_household(the_regie, days=MONDAYS[:2])
    other, _ = billed_household(the_regie, "AUTRE", days=MONDAYS[:1])
    with pytest.raises(PaymentError, match="au plus 4,20\u00a0€"):
        payments.payment_record(
            regie=the_regie,
            family=invoice.family,
            kind=PaymentKind.CHEQUE,
            amount=D("10"),
            paid_on=date(2026, 12, 10),
            allocations=[(invoice.pk, D("5.00"))],
            by=cashier(),
        )
    with pytest.raises(PaymentError):
        payments.payment_record(
            regie=the_regie,
            family=invoice.family,
            kind=PaymentKind.CHEQUE,
            amount=D("2"),
            paid_on=date(2026, 12, 10),
            allocations=[(other.pk, D("2.00"))],
            by=cashier(),
        )
    with pytest.raises(PaymentError):
        payments.payment_record(
            regie=the_regie,
            family=invoice.family,
            kind=PaymentKind.CASH,
            amount=D("0"),
            paid_on=date(2026, 12, 10),
            by=cashier(),
        )
    assert not Payment.objects.exists()
    invoice.refresh_from_db()
    assert invoice.amount_paid == 0


def test_a_credit_note_is_numbered_in_the_same_sequence_and_settles_the_invoice(the_regie, time_machine):
    time_machine.move_to(datetime(2026, 12, 10, 10, tzinfo=PARIS), tick=False)
    invoice, _ = billed_household(the_regie, days=MONDAYS[:2])
    note = services.credit_note_issue(invoice=invoice, amount=D("2.10"), reason="sortie scolaire", by=cashier())
    invoice.refresh_from_db()
    assert note.nature == InvoiceNature.CREDIT_NOTE and note.corrects == invoice
    assert (
        note.number.endswith("-0002")
        and note.lines.get().label == f"Avoir sur la facture {invoice.number} : sortie scolaire"
    )
    assert (invoice.amount, invoice.amount_paid, invoice.state) == (D("4.20"), D("2.10"), InvoiceState.PARTIAL)
    with pytest.raises(BillingError, match="au plus 2,10\u00a0€"):
        services.credit_note_issue(invoice=invoice, amount=D("2.20"), reason="trop", by=cashier())
    with pytest.raises(BillingError):
        services.credit_note_issue(invoice=note, amount=D("1"), reason="avoir d'avoir", by=cashier())
    assert Invoice.objects.count() == 2


# Online payment ---------------------------------------------------------------------------------------------------


def paid(payment, amount=None, transaction="3fd945"):
    return payments.online_payment_notify(
        payment=payment,
        outcome=payments.Outcome(
            result=OnlinePaymentState.PAID,
            transaction_id=transaction,
            amount=payment.amount if amount is None else amount,
        ),
    )


def test_an_invoice_is_paid_only_on_the_banks_confirmation(the_regie):
    invoice, parent = billed_household(the_regie)
    started = payments.online_payment_start(invoices=[invoice], by=parent)
    assert started.amount == D("8.40") and started.state == OnlinePaymentState.STARTED
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.TO_PAY and not Payment.objects.exists()
    done = paid(started)
    invoice.refresh_from_db()
    assert done.state == OnlinePaymentState.PAID and invoice.state == InvoiceState.PAID
    assert payments.description(done.payment) == "Règlement en ligne - Transaction n°3fd945"
    assert done.payment.operation_number.startswith("RT")


def test_a_notification_that_arrives_twice_counts_once(the_regie):
    invoice, parent = billed_household(the_regie)
    started = payments.online_payment_start(invoices=[invoice], by=parent)
    paid(started)
    again = paid(started)
    assert Payment.objects.count() == 1 and len(again.responses) == 2
    refused_late = payments.online_payment_notify(
        payment=started, outcome=payments.Outcome(result=OnlinePaymentState.REFUSED)
    )
    assert refused_late.state == OnlinePaymentState.PAID


def test_an_amount_the_bank_took_other_than_asked_is_recorded_as_taken_and_logged(the_regie):
    invoice, parent = billed_household(the_regie)  # 8,40 €
    result = paid(payments.online_payment_start(invoices=[invoice], by=parent), amount=D("0.01"))
    invoice.refresh_from_db()
    assert result.state == OnlinePaymentState.PAID and result.payment.amount == D("0.01")
    assert invoice.amount_paid == D("0.01") and invoice.state == InvoiceState.PARTIAL
    assert ModelLogEntry.objects.filter(action="portail.online_payment.amount_mismatch").exists()


def test_more_than_asked_taken_by_the_bank_settles_the_invoice_and_the_rest_is_the_familys_credit(the_regie):
    from espace_facturation.models import FamilyCredit

    invoice, parent = billed_household(the_regie)  # 8,40 €
    result = paid(payments.online_payment_start(invoices=[invoice], by=parent), amount=D("10.00"))
    invoice.refresh_from_db()
    assert result.payment.amount == D("10.00") and invoice.state == InvoiceState.PAID
    assert FamilyCredit.objects.get(family=invoice.family).balance == D("1.60")


def test_a_paid_answer_for_no_money_is_refused(the_regie):
    invoice, parent = billed_household(the_regie)
    result = paid(payments.online_payment_start(invoices=[invoice], by=parent), amount=D("0.00"))
    invoice.refresh_from_db()
    assert result.state == OnlinePaymentState.REFUSED and invoice.state == InvoiceState.TO_PAY
    assert not Payment.objects.exists()


@pytest.mark.parametrize("state", [OnlinePaymentState.REFUSED, OnlinePaymentState.ABANDONED])
def test_a_refused_or_abandoned_payment_leaves_the_invoice_to_pay(the_regie, state):
    invoice, parent = billed_household(the_regie)
    started = payments.online_payment_start(invoices=[invoice], by=parent)
    payments.online_payment_notify(payment=started, outcome=payments.Outcome(result=state))
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.TO_PAY and OnlinePayment.objects.get().state == state


def test_a_bank_confirmation_after_a_counter_payment_is_kept_unallocated(the_regie):
    invoice, parent = billed_household(the_regie)
    started = payments.online_payment_start(invoices=[invoice], by=parent)
    payments.payment_record(
        regie=the_regie,
        family=invoice.family,
        kind=PaymentKind.CASH,
        amount=D("8.40"),
        paid_on=date(2026, 12, 10),
        by=cashier(),
    )
    done = paid(started)
    invoice.refresh_from_db()
    assert invoice.amount_paid == D("8.40") and done.payment.amount == D("8.40")
    assert not done.payment.allocations.exists()  # the family's credit (test_family_credit.py)


def test_a_paid_invoice_or_a_regie_without_online_payment_cannot_be_paid_online(the_regie):
    invoice, parent = billed_household(the_regie)
    payments.payment_record(
        regie=the_regie,
        family=invoice.family,
        kind=PaymentKind.CASH,
        amount=D("8.40"),
        paid_on=date(2026, 12, 10),
        by=cashier(),
    )
    with pytest.raises(PaymentError, match="déjà réglée"):
        payments.online_payment_start(invoices=[invoice], by=parent)
    offline = regie(name="Regie Sans", payment_backend="")
    other, other_parent = billed_household(offline, "AUTRE")
    with pytest.raises(PaymentError, match="ne propose pas"):
        payments.online_payment_start(invoices=[other], by=other_parent)


def test_an_invoice_credited_in_full_is_cancelled_and_no_longer_to_pay(the_regie):
    invoice, _ = billed_household(the_regie, days=MONDAYS[:2])
    services.credit_note_issue(invoice=invoice, amount=D("1.00"), reason="erreur", by=cashier())
    services.credit_note_issue(invoice=invoice, amount=D("3.20"), reason="annulation", by=cashier())
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.CANCELLED and invoice.left_to_pay == 0
