"""Billing errors, each with the French message shown to the person who acted."""


class BillingError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class PaymentError(BillingError):
    pass


class PaymentInFlight(PaymentError):
    """«Payer en ligne» while a payment of the invoice (of these invoices) is open: that payment is resumed, no second
    one starts."""

    def __init__(self, payment, *, several: bool = False):
        super().__init__(
            f"Un paiement en ligne est déjà en cours pour {'ces factures' if several else 'cette facture'}."
        )
        self.payment = payment


class DraftStale(BillingError):
    """The planning or the prices changed since the draft was made: issuing it would not bill what was reviewed."""

    def __init__(self):
        super().__init__("Les réservations ont changé depuis l'aperçu : recalculez l'aperçu.")
