"""Forms of the billing space."""

from decimal import Decimal

from django import forms


class InvoiceSubscriptionForm(forms.Form):
    """«Avec une de vos factures»: the four references printed on an invoice."""

    emission_code = forms.CharField(
        label="Code émission de la facture",
        max_length=30,
        help_text="Retrouvez le code émission sur le pied de page de votre facture",
    )
    reference = forms.CharField(
        label="Référence de la facture", max_length=30, help_text="Retrouvez la référence sur votre facture"
    )
    amount = forms.DecimalField(
        label="Montant de la facture",
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0"),
        localize=True,
        help_text="En euros, par exemple 6,50",
    )
    personal_code = forms.CharField(
        label="Code personnel",
        max_length=30,
        help_text="Saisissez le code personnel du destinataire de la facture",
    )
