"""Billing errors, each with the French message shown to the person who acted."""


class BillingError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class PaymentError(BillingError):
    pass
