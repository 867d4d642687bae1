"""Several invoices paid at once, racing (PostgreSQL only: threads with their own connections): two groups sharing an
invoice open one payment, the form sent twice at once opens one, the group's confirmation twice at once pays once."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from espace_facturation import payments
from espace_facturation.exceptions import PaymentError
from espace_facturation.models import InvoiceState, OnlinePayment, OnlinePaymentShare, OnlinePaymentState, Payment
from tests.conftest import CommittingClient
from tests.races import RaceWindow, at_the_same_moment

from .factories import household, regie
from .test_pay_several import NOVEMBER_MONDAYS, OCTOBER_MONDAYS, invoice_of

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks need PostgreSQL: SQLite serialises whole transactions (set DATABASE_URL to run this)",
    ),
]


def three_invoices():
    the_regie = regie()
    family, child, parent = household()
    return [
        invoice_of(the_regie, family, child, month=date(2026, month, 1), days=days)
        for month, days in ((9, [date(2026, 9, 7)]), (10, OCTOBER_MONDAYS), (11, NOVEMBER_MONDAYS))
    ], parent


def test_two_groups_sharing_an_invoice_started_at_once_open_one_payment(site, monkeypatch):
    (september, october, november), parent = three_invoices()
    window = RaceWindow()
    decide = payments._start_refusal

    def held(locked):
        # Inside the start, past the invoices' locks: the others wait for them, or the window stays open.
        window.hold()
        return decide(locked)

    monkeypatch.setattr(payments, "_start_refusal", held)
    refused = []

    def start(invoices):
        def run():
            try:
                payments.online_payment_start(invoices=invoices, by=parent)
            except PaymentError as error:
                refused.append(error.message)

        return run

    at_the_same_moment(
        start([september, october]), start([october, november]), start([september, october]), window=window
    )
    online = OnlinePayment.objects.get()
    assert len(refused) == 2 and all("déjà en cours" in message for message in refused)
    assert OnlinePaymentShare.objects.filter(in_flight=True).count() == 2 == online.shares.count()


def test_the_form_sent_twice_at_once_opens_one_payment(site):
    (_, october, november), parent = three_invoices()
    answers = []

    def submit():
        client = CommittingClient()
        client.force_login(parent)
        answers.append(client.post(reverse("espace_facturation:invoices_pay"), {"invoice": [october.pk, november.pk]}))

    at_the_same_moment(submit, submit)
    online = OnlinePayment.objects.get()
    assert online.amount == Decimal("12.60")
    simulator = reverse("espace_facturation:simulator", args=[online.order_id])
    # The second lands on the first's bank page, or, if that page is not open yet, is told a payment is under way.
    for answer in answers:
        assert answer.get("Location") == simulator or "déjà en cours pour ces factures" in answer.content.decode()


def test_the_groups_confirmation_arriving_twice_at_once_pays_once(site):
    (september, october, _), parent = three_invoices()
    online = payments.online_payment_start(invoices=[september, october], by=parent)
    outcome = payments.Outcome(result=OnlinePaymentState.PAID, transaction_id="3fd945", amount=online.amount)
    at_the_same_moment(*[lambda: payments.online_payment_notify(payment=online, outcome=outcome) for _ in range(3)])
    assert Payment.objects.count() == 1 and Payment.objects.get().allocations.count() == 2
    for invoice in (september, october):
        invoice.refresh_from_db()
        assert invoice.state == InvoiceState.PAID
