"""Numbers stay gap-free and nothing is billed or paid twice when runs and payment notifications race
(PostgreSQL only: threads with their own connections)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from commun.intents import FIELD
from espace_facturation import payments, services
from espace_facturation.exceptions import DraftStale, PaymentInFlight
from espace_facturation.models import (
    BilledDay,
    FamilyCredit,
    Invoice,
    InvoicingRun,
    OnlinePayment,
    OnlinePaymentState,
    Payment,
    PaymentKind,
    RunState,
)
from tests.conftest import CommittingClient
from tests.factories import ActivityFactory
from tests.intents import intent_in
from tests.races import at_the_same_moment

from .factories import MONDAYS, NOVEMBER, billed_household, book, cashier, household, regie, staff
from .test_billing_admin import PAYMENT

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks need PostgreSQL: SQLite serialises whole transactions (set DATABASE_URL to run this)",
    ),
]


def test_two_drafts_of_the_same_month_issued_at_once_bill_each_day_once_with_gap_free_numbers(site):
    """The second run finds, under the sequence lock, its days billed by the first: its draft is out of date."""
    the_regie = regie()
    activity = ActivityFactory(price=Decimal("2.10"))
    the_regie.activities.add(activity)
    families = [household(f"F{index}") for index in range(12)]
    for _, child, _ in families:
        book(child, activity, MONDAYS)
    cashier = staff("Régisseurs")
    drafts = [
        services.invoicing_preview(regie=the_regie, month=NOVEMBER, by=cashier),
        services.invoicing_preview(
            regie=the_regie, month=NOVEMBER, family_ids=[family.pk for family, _, _ in families], by=cashier
        ),
    ]
    # Recorded as «Émettre» records them; executed here, at the same moment, rather than by the worker.
    runs = [
        InvoicingRun.objects.create(
            regie=the_regie, month=NOVEMBER, draft=draft, issued_on=date(2026, 12, 5), created_by=cashier
        )
        for draft in drafts
    ]
    at_the_same_moment(*[lambda run=run: execute_or_stale(run) for run in runs])
    numbers = sorted(int(number.split("-")[1]) for number in Invoice.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 13))
    assert BilledDay.objects.count() == 48 and Invoice.objects.values("family").distinct().count() == 12
    outcomes = sorted((run.state, run.invoice_count, run.error) for run in InvoicingRun.objects.all())
    assert outcomes == [(RunState.DONE, 12, ""), (RunState.FAILED, 0, DraftStale().message)]


def test_one_run_delivered_twice_at_once_is_executed_once(site):
    the_regie = regie()
    activity = ActivityFactory(price=Decimal("2.10"))
    the_regie.activities.add(activity)
    for index in range(3):
        book(household(f"F{index}")[1], activity, MONDAYS)
    cashier = staff("Régisseurs")
    draft = services.invoicing_preview(regie=the_regie, month=NOVEMBER, by=cashier)
    run = InvoicingRun.objects.create(
        regie=the_regie, month=NOVEMBER, draft=draft, issued_on=date(2026, 12, 5), created_by=cashier
    )
    at_the_same_moment(*[lambda: services.invoicing_run_execute(run=run) for _ in range(2)])
    run.refresh_from_db()
    assert (run.state, run.invoice_count, Invoice.objects.count(), BilledDay.objects.count()) == ("done", 3, 3, 12)


def execute_or_stale(run):
    try:
        services.invoicing_run_execute(run=run)
    except DraftStale:
        pass


def test_two_counter_payments_and_a_credit_note_racing_take_consecutive_numbers_and_never_overpay():
    the_regie = regie()
    invoice, _ = billed_household(the_regie)
    by = cashier()
    at_the_same_moment(
        *[
            lambda: payments.payment_record(
                regie=the_regie,
                family=invoice.family,
                kind="cash",
                amount=Decimal("8.40"),
                paid_on=date(2026, 12, 9),
                by=by,
            )
            for _ in range(2)
        ]
    )
    invoice.refresh_from_db()
    assert invoice.amount_paid == Decimal("8.40")
    assert sorted(p.allocations.count() for p in Payment.objects.all()) == [0, 1]


def test_the_same_bank_notification_arriving_twice_at_once_pays_once():
    the_regie = regie()
    invoice, parent = billed_household(the_regie)
    started = payments.online_payment_start(invoices=[invoice], by=parent)
    outcome = payments.Outcome(result=OnlinePaymentState.PAID, transaction_id="3fd945", amount=started.amount)
    at_the_same_moment(*[lambda: payments.online_payment_notify(payment=started, outcome=outcome) for _ in range(3)])
    invoice.refresh_from_db()
    assert Payment.objects.count() == 1 and invoice.amount_paid == Decimal("8.40")


def test_one_counter_payment_form_submitted_twice_at_once_is_recorded_once(site):
    the_regie = regie()
    invoice, _ = billed_household(the_regie)
    cashier = staff("Régisseurs")
    url = f"{PAYMENT}?family={invoice.family.pk}&regie={the_regie.pk}"
    page = CommittingClient()
    page.force_login(cashier)
    data = {"kind": "cheque", "reference": "564654646", "paid_on": "2026-12-10", "amount": "8.40"}
    shown = page.get(url)
    assert shown.status_code == 200, (shown.status_code, shown.get("Location"))
    data[FIELD] = intent_in(shown)
    answers = []

    def submit():
        client = CommittingClient()
        client.force_login(cashier)
        answers.append(client.post(url, data, follow=True).content.decode())

    at_the_same_moment(submit, submit)
    assert Payment.objects.count() == 1
    assert sum("Cette demande est déjà enregistrée." in answer for answer in answers) == 1


def test_two_payer_en_ligne_at_once_open_one_payment(site):
    the_regie = regie()
    invoice, parent = billed_household(the_regie)
    resumed = []

    def start():
        try:
            payments.online_payment_start(invoices=[invoice], by=parent)
        except PaymentInFlight as in_flight:
            resumed.append(in_flight.payment.pk)

    at_the_same_moment(start, start, start)
    online = OnlinePayment.objects.get()
    assert resumed == [online.pk, online.pk]


def confirmed(online):
    outcome = payments.Outcome(result=OnlinePaymentState.PAID, transaction_id=online.order_id[:6], amount=online.amount)
    return lambda: payments.online_payment_notify(payment=online, outcome=outcome)


def test_two_confirmations_of_two_payments_for_one_invoice_at_once_are_both_recorded_once_allocated(site):
    the_regie = regie()
    invoice, parent = billed_household(the_regie)
    first = payments.online_payment_start(invoices=[invoice], by=parent)
    payments.online_payment_expire(payment=first, reason="timeout")
    second = payments.online_payment_start(invoices=[invoice], by=parent)
    at_the_same_moment(confirmed(first), confirmed(second))
    invoice.refresh_from_db()
    assert invoice.amount_paid == Decimal("8.40") and Payment.objects.count() == 2
    assert sorted(p.allocations.count() for p in Payment.objects.all()) == [0, 1]
    assert FamilyCredit.objects.get().balance == Decimal("8.40")


def test_a_bank_confirmation_racing_a_counter_payment_leaves_the_surplus_as_credit(site):
    the_regie = regie()
    invoice, parent = billed_household(the_regie)
    online = payments.online_payment_start(invoices=[invoice], by=parent)
    by = cashier()
    at_the_same_moment(
        confirmed(online),
        lambda: payments.payment_record(
            regie=the_regie,
            family=invoice.family,
            kind=PaymentKind.CASH,
            amount=Decimal("8.40"),
            paid_on=date(2026, 12, 9),
            by=by,
        ),
    )
    invoice.refresh_from_db()
    assert invoice.amount_paid == Decimal("8.40") and Payment.objects.count() == 2
    assert FamilyCredit.objects.get().balance == Decimal("8.40")
