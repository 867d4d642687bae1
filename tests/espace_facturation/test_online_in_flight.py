"""One online payment in flight per invoice: a second «Payer en ligne» goes back to the open one or says a payment
is under way; one older than the bank's page is closed first; two bank confirmations for one invoice are both
recorded, the second as the family's credit."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from espace_facturation import backends, payments
from espace_facturation.models import FamilyCredit, InvoiceState, OnlinePayment, OnlinePaymentState, Payment

from .factories import billed_household, regie, text

pytestmark = pytest.mark.django_db
D = Decimal
IN_FLIGHT = "Un paiement en ligne est déjà en cours pour cette facture."


@pytest.fixture
def invoice(site, client):
    invoice, parent = billed_household(regie())
    client.force_login(parent)
    return invoice


def pay_url(invoice):
    return reverse("espace_facturation:invoice_pay", args=[invoice.pk])


def age(payment, minutes):
    OnlinePayment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - timedelta(minutes=minutes))


def test_a_second_payer_en_ligne_goes_back_to_the_open_payment(client, invoice):
    first = client.post(pay_url(invoice))
    second = client.post(pay_url(invoice))
    online = OnlinePayment.objects.get()
    assert first["Location"] == second["Location"] == reverse("espace_facturation:simulator", args=[online.order_id])


def test_a_payment_not_yet_at_the_bank_is_said_to_be_under_way(client, invoice):
    payments.online_payment_start(invoices=[invoice], by=invoice.family.subscriptions.get().user)  # another tab
    response = client.post(pay_url(invoice), follow=True)
    page = text(response)
    assert IN_FLIGHT in page and "il attend la réponse du service de paiement" in page
    assert OnlinePayment.objects.count() == 1


def test_the_database_holds_one_payment_in_flight_per_invoice(invoice):
    parent = invoice.family.subscriptions.get().user
    payments.online_payment_start(invoices=[invoice], by=parent)
    with pytest.raises(IntegrityError), transaction.atomic():
        OnlinePayment.objects.create(invoice=invoice, backend="simulator", order_id="AUTRE", amount=D("8.40"))


def test_an_open_payment_older_than_the_banks_page_is_closed_before_a_new_one(client, invoice, settings):
    settings.ONLINE_PAYMENT_TIMEOUT_MINUTES = 5
    client.post(pay_url(invoice))
    old = OnlinePayment.objects.get()
    age(old, 6)
    client.post(pay_url(invoice))
    old.refresh_from_db()
    assert old.state == OnlinePaymentState.EXPIRED
    assert OnlinePayment.objects.filter(state=OnlinePaymentState.STARTED).exclude(pk=old.pk).count() == 1
    assert ModelLogEntry.objects.filter(action="portail.online_payment.expired").exists()


def test_two_confirmations_for_one_invoice_charge_once_and_keep_the_second_as_credit(client, invoice):
    """Two tabs: the first payment's page expired, the parent paid in both before the bank answered."""
    client.post(pay_url(invoice))
    old = OnlinePayment.objects.get()
    age(old, 30)
    client.post(pay_url(invoice))
    new = OnlinePayment.objects.get(state=OnlinePaymentState.STARTED)
    for online in (new, old):
        client.post(reverse("espace_facturation:simulator", args=[online.order_id]), {"choice": "accepted"})
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.PAID and invoice.amount_paid == D("8.40")
    assert Payment.objects.count() == 2 and FamilyCredit.objects.get().balance == D("8.40")
    old.refresh_from_db()
    assert old.state == OnlinePaymentState.PAID and not old.payment.allocations.exists()
    assert ModelLogEntry.objects.filter(action="portail.credit.overpayment").count() == 1


def test_a_payment_the_bank_never_opened_does_not_block_the_next_one(client, invoice, monkeypatch):
    def down(self, **kwargs):
        raise ConnectionError("bank down")

    monkeypatch.setattr(backends.Simulator, "start", down)
    response = client.post(pay_url(invoice), follow=True)
    assert "Le service de paiement en ligne ne répond pas" in text(response)
    assert OnlinePayment.objects.get().state == OnlinePaymentState.EXPIRED
    monkeypatch.undo()
    assert client.post(pay_url(invoice))["Location"].endswith("/simulateur/")
    assert OnlinePayment.objects.filter(state=OnlinePaymentState.STARTED).count() == 1


def test_the_invoice_page_says_a_payment_is_under_way(client, invoice):
    client.post(pay_url(invoice))
    page = text(client.get(reverse("espace_facturation:invoice_detail", args=[invoice.pk])))
    assert IN_FLIGHT in page
