"""Online payment backends: where «Payer en ligne» sends the parent, and how the bank's answer is read.

- `simulator`: a page of the portal playing the bank, for the demo and the tests.
- `payfip`: PayFiP, the public-sector payment service of the DGFiP, through its web service (eopayment's
  `payfip_ws`): the portal asks an «idop» for the amount, sends the parent to PayFiP, and PayFiP calls the
  notification address; the portal then asks PayFiP the transaction's result (a notification is only a
  signal, the answer comes from PayFiP itself)."""

from decimal import Decimal

import eopayment
from django.urls import reverse

from .models import OnlinePayment, OnlinePaymentState, PaymentBackend
from .payments import Outcome


class Simulator:
    def start(self, *, payment: OnlinePayment, return_url: str, notify_url: str) -> str:
        from .payments import online_payment_link

        url = reverse("espace_facturation:simulator", args=[payment.order_id])
        online_payment_link(payment=payment, transaction_id="", url=url)
        return url

    def find(self, *, query_string: str) -> tuple[OnlinePayment | None, Outcome]:
        raise NotImplementedError("The simulator calls the services directly.")

    def status(self, payment: OnlinePayment) -> Outcome:
        """The simulator keeps no state of its own: it never decides after the fact."""
        return Outcome(result="")


PAYFIP_RESULTS = {
    eopayment.PAID: OnlinePaymentState.PAID,
    eopayment.DENIED: OnlinePaymentState.REFUSED,
    eopayment.CANCELLED: OnlinePaymentState.ABANDONED,
    eopayment.EXPIRED: OnlinePaymentState.ABANDONED,
}


class PayFiP:
    def client(self, payment: OnlinePayment, return_url: str = "", notify_url: str = ""):
        regie = payment.invoice.regie
        return eopayment.Payment(
            "payfip_ws",
            {
                "numcli": regie.payfip_client_id,
                "saisie": "T" if regie.payfip_test_mode else "W",
                "normal_return_url": return_url or "https://invalid.example/",
                "automatic_return_url": notify_url or "https://invalid.example/",
            },
        )

    def start(self, *, payment: OnlinePayment, return_url: str, notify_url: str) -> str:
        """One transaction for the payment's invoices: refdet (our order_id) names the payment, whatever the number
        of invoices; the amount is their sum (eopayment sends it in cents)."""
        from .payments import online_payment_invoices, online_payment_link

        numbers = [invoice.number for invoice in online_payment_invoices(payment)]
        idop, _, url = self.client(payment, return_url, notify_url).request(
            payment.amount,
            email=payment.email,
            refdet=payment.order_id,
            exer=str(payment.created_at.year),
            subject=("Factures " if len(numbers) > 1 else "Facture ") + " ".join(numbers),
        )
        online_payment_link(payment=payment, transaction_id=idop, url=url)
        return url

    def find(self, *, query_string: str) -> tuple[OnlinePayment | None, Outcome]:
        """The payment a notification or a return is about, and PayFiP's answer for it. An empty or unknown idop
        matches nothing: it is never compared with the empty identifier of a payment PayFiP never numbered."""
        from urllib.parse import parse_qs

        idop = (parse_qs(query_string).get("idop") or [""])[0].strip()
        if not idop:
            return None, Outcome(result="")
        payment = (
            OnlinePayment.objects.select_related("invoice__regie")
            .filter(backend=PaymentBackend.PAYFIP, transaction_id=idop)
            .first()
        )
        if payment is None:
            return None, Outcome(result="")
        return payment, self._outcome(idop, self.client(payment).response(query_string))

    def status(self, payment: OnlinePayment) -> Outcome:
        """Ask PayFiP what became of a payment whose page has expired (no idop: PayFiP never had it)."""
        if not payment.transaction_id:
            return Outcome(result="")
        response = self.client(payment).payment_status(payment.transaction_id, transaction_date=payment.created_at)
        return self._outcome(payment.transaction_id, response)

    @staticmethod
    def _outcome(idop: str, response) -> Outcome:
        amount = response.bank_data.get("montant") if response.bank_data else None
        return Outcome(
            result=PAYFIP_RESULTS.get(response.result, ""),
            transaction_id=str(response.bank_data.get("numauto") or idop) if response.bank_data else idop,
            amount=Decimal(amount) / 100 if amount else None,
            raw={"result": response.result, "bank_status": response.bank_status, "idop": idop},
        )


BACKENDS = {PaymentBackend.SIMULATOR: Simulator(), PaymentBackend.PAYFIP: PayFiP()}


def backend_for(name: str):
    return BACKENDS[name]
