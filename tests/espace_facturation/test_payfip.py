"""PayFiP (DGFiP) through eopayment's payfip_ws, offline: the SOAP exchanges are answered by recorded envelopes
(the shape PayFiP's web service answers with), and what the portal sends is checked."""

from datetime import datetime
from decimal import Decimal

import pytest
import requests
from django.urls import reverse

from commun.clock import PARIS
from espace_facturation.models import InvoiceState, OnlinePayment, OnlinePaymentState, Payment, PaymentBackend

from .factories import billed_household, regie

pytestmark = pytest.mark.django_db
SERVICE = "http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/contrat_paiement_securise/PaiementSecuriseService"
ENVELOPE = (
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
    '<ns2:{operation}Response xmlns:ns2="' + SERVICE + '"><return>{fields}</return></ns2:{operation}Response>'
    "</soap:Body></soap:Envelope>"
)
FAULT = (
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault>'
    "<faultcode>soap:Server</faultcode><faultstring>fr.gouv.finances.cp.tpa.webservice.exceptions.FonctionnelleErreur"
    '</faultstring><detail><ns2:FonctionnelleErreur xmlns:ns2="' + SERVICE + '"><code>P5</code>'
    "<descriptif>Paiement en cours</descriptif><severite>2</severite></ns2:FonctionnelleErreur></detail>"
    "</soap:Fault></soap:Body></soap:Envelope>"
)


class RecordedPayFiP:
    """Answers zeep's POSTs with recorded envelopes and keeps what was sent."""

    def __init__(self, result="P", montant="840"):
        self.sent = []
        self.result, self.montant = result, montant

    def post(self, transport, address, message, headers):
        body = message.decode() if isinstance(message, bytes) else message
        self.sent.append(body)
        if "creerPaiementSecurise" in body:
            xml = ENVELOPE.format(operation="creerPaiementSecurise", fields="<idOp>IDOP123456</idOp>")
        elif self.result is None:
            return self.response(FAULT, 500)
        else:
            fields = (
                "<dattrans>10122026</dattrans><exer>2026</exer><heurtrans>1012</heurtrans><idOp>IDOP123456</idOp>"
                f"<mel>durant@example.org</mel><montant>{self.montant}</montant><numauto>3fd945</numauto>"
                f"<numcli>123456</numcli><objet>Facture</objet><refdet>REF</refdet><resultrans>{self.result}</resultrans>"
                "<saisie>T</saisie>"
            )
            xml = ENVELOPE.format(operation="recupererDetailPaiementSecurise", fields=fields)
        return self.response(xml, 200)

    @staticmethod
    def response(xml, status):
        response = requests.Response()
        response.status_code = status
        response._content = xml.encode()
        response.headers["Content-Type"] = "text/xml; charset=utf-8"
        response.encoding = "utf-8"
        return response


@pytest.fixture
def payfip(monkeypatch):
    def install(**kwargs):
        recorded = RecordedPayFiP(**kwargs)
        monkeypatch.setattr("zeep.transports.Transport.post", lambda self, *a: recorded.post(self, *a))
        return recorded

    return install


@pytest.fixture
def invoice(site, client):
    the_regie = regie(payment_backend=PaymentBackend.PAYFIP, payfip_client_id="123456")
    invoice, parent = billed_household(the_regie)
    client.force_login(parent)
    return invoice


def test_payer_en_ligne_asks_payfip_an_idop_and_sends_the_parent_there(client, invoice, payfip):
    recorded = payfip()
    response = client.post(reverse("espace_facturation:invoice_pay", args=[invoice.pk]))
    assert response["Location"] == "https://www.payfip.gouv.fr/tpa/paiementws.web?idop=IDOP123456"
    online = OnlinePayment.objects.get()
    assert online.transaction_id == "IDOP123456" and online.state == OnlinePaymentState.STARTED
    [request] = recorded.sent
    for expected in (
        "<numcli>123456</numcli>",
        "<montant>840</montant>",
        "<saisie>T</saisie>",
        f"<refdet>{online.order_id}</refdet>",
        "/espace-facturation/payfip/notification/",
        f"/espace-facturation/paiement/{online.order_id}/",
    ):
        assert expected in request, expected


def test_the_notification_is_checked_with_payfip_and_counts_once(client, invoice, payfip):
    payfip()
    client.post(reverse("espace_facturation:invoice_pay", args=[invoice.pk]))
    recorded = payfip(result="P", montant="840")
    url = reverse("espace_facturation:payfip_notify") + "?idop=IDOP123456"
    assert client.post(url).status_code == 200
    assert client.post(url).status_code == 200
    assert "recupererDetailPaiementSecurise" in recorded.sent[0] and "<idOp>IDOP123456</idOp>" in recorded.sent[0]
    invoice.refresh_from_db()
    payment = Payment.objects.get()
    assert invoice.state == InvoiceState.PAID and payment.amount == Decimal("8.40") and payment.reference == "3fd945"
    assert OnlinePayment.objects.get().state == OnlinePaymentState.PAID


@pytest.fixture
def transaction_minute(request, time_machine):
    """PayFiP answers that the transaction was made on 10/12/2026 at 10:12 (Paris): the clock is stopped some
    minutes later on that day, before the parent signs in."""
    time_machine.move_to(datetime(2026, 12, 10, 10, request.param, tzinfo=PARIS), tick=False)


# eopayment takes a cancellation for final only two minutes after the transaction: the parent may still pay before.
@pytest.mark.parametrize(
    ("result", "transaction_minute", "state"),
    [
        ("R", 13, OnlinePaymentState.REFUSED),
        ("A", 13, OnlinePaymentState.STARTED),
        ("A", 15, OnlinePaymentState.ABANDONED),
    ],
    indirect=["transaction_minute"],
)
def test_a_refusal_leaves_the_invoice_to_pay_and_a_fresh_cancellation_is_still_waited_for(
    transaction_minute, client, invoice, payfip, result, state
):
    payfip()
    client.post(reverse("espace_facturation:invoice_pay", args=[invoice.pk]))
    payfip(result=result)
    client.post(reverse("espace_facturation:payfip_notify") + "?idop=IDOP123456")
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.TO_PAY and OnlinePayment.objects.get().state == state


def test_a_payment_still_in_progress_at_payfip_changes_nothing(client, invoice, payfip):
    payfip()
    client.post(reverse("espace_facturation:invoice_pay", args=[invoice.pk]))
    payfip(result=None)  # PayFiP answers P5: payment in progress
    client.post(reverse("espace_facturation:payfip_notify") + "?idop=IDOP123456")
    assert OnlinePayment.objects.get().state == OnlinePaymentState.STARTED and not Payment.objects.exists()


def test_a_different_amount_taken_by_payfip_is_recorded_as_taken(client, invoice, payfip):
    payfip()
    client.post(reverse("espace_facturation:invoice_pay", args=[invoice.pk]))
    payfip(result="P", montant="100")  # PayFiP answers in cents: 1,00 € instead of the amount asked
    client.post(reverse("espace_facturation:payfip_notify") + "?idop=IDOP123456")
    assert OnlinePayment.objects.get().state == OnlinePaymentState.PAID
    assert Payment.objects.get().amount == Decimal("1.00")


def test_an_unknown_idop_is_not_found(client, invoice, payfip):
    payfip()
    assert client.post(reverse("espace_facturation:payfip_notify") + "?idop=INCONNU").status_code == 404


@pytest.mark.parametrize("query", ["?idop=", "", "?idop=%20", "?autre=1"])
def test_an_empty_idop_matches_no_payment(client, invoice, payfip, query):
    """A payment PayFiP never numbered (its start failed, or a simulator one) has an empty idop: an empty idop
    in a notification must not find it."""
    from espace_facturation import payments

    other, parent = billed_household(regie(name="Regie Demo"), "AUTRE")
    unnumbered = payments.online_payment_start(invoices=[other], by=parent)
    recorded = payfip()
    response = client.post(reverse("espace_facturation:payfip_notify") + query)
    assert response.status_code == 404 and not recorded.sent
    unnumbered.refresh_from_db()
    assert unnumbered.state == OnlinePaymentState.STARTED and unnumbered.responses == []
    assert not Payment.objects.exists()


def test_an_unknown_idop_touches_nothing_and_is_logged(client, invoice, payfip, caplog):
    payfip()
    client.post(reverse("espace_facturation:invoice_pay", args=[invoice.pk]))
    recorded = payfip()
    with caplog.at_level("WARNING", logger="espace_facturation.views"):
        assert client.post(reverse("espace_facturation:payfip_notify") + "?idop=INCONNU").status_code == 404
    assert not recorded.sent and "PayFiP notification for no known payment" in caplog.text
    assert OnlinePayment.objects.get().responses == [] and not Payment.objects.exists()


def test_a_second_payer_en_ligne_goes_back_to_the_same_payfip_page(client, invoice, payfip):
    recorded = payfip()
    first = client.post(reverse("espace_facturation:invoice_pay", args=[invoice.pk]))
    second = client.post(reverse("espace_facturation:invoice_pay", args=[invoice.pk]))
    assert first["Location"] == second["Location"] == "https://www.payfip.gouv.fr/tpa/paiementws.web?idop=IDOP123456"
    assert len(recorded.sent) == 1
    assert OnlinePayment.objects.count() == 1


def test_an_expired_payment_is_asked_to_payfip_before_another_starts(client, invoice, payfip):
    """PayFiP answers that the old one was paid: it is recorded, and the invoice is no longer to pay."""
    from datetime import timedelta

    from django.utils import timezone

    payfip()
    client.post(reverse("espace_facturation:invoice_pay", args=[invoice.pk]))
    OnlinePayment.objects.update(created_at=timezone.now() - timedelta(minutes=25))
    recorded = payfip(result="P", montant="840")
    response = client.post(reverse("espace_facturation:invoice_pay", args=[invoice.pk]), follow=True)
    assert "recupererDetailPaiementSecurise" in recorded.sent[0] and len(recorded.sent) == 1
    assert "Cette facture est déjà réglée." in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.PAID and OnlinePayment.objects.get().state == OnlinePaymentState.PAID
