"""Filters of «Mes Factures», «Mes Opérations» and «Mes Règlements»: Nature, Service, Année, then «OK»."""

from django import forms

from .models import InvoiceNature

INVOICE_NATURES = [("", "Toutes"), *InvoiceNature.choices]
OPERATION_NATURES = [("", "Toutes"), ("invoice", "Factures"), ("payment", "Règlements"), ("credit", "Avoirs")]


class _Filters(forms.Form):
    def __init__(self, data, *, years: list[int], regies=None):
        super().__init__(data)
        self.fields["year"] = forms.TypedChoiceField(
            label="Année",
            choices=[("", "Toutes"), *[(year, year) for year in years]],
            coerce=int,
            required=False,
            empty_value=None,
        )
        if "regie" in self.fields:
            self.fields["regie"].choices = [("", "Tous"), *[(regie.pk, regie.service_name) for regie in regies]]

    def value(self, name):
        return self.cleaned_data.get(name) if self.is_valid() else None


class InvoiceFilters(_Filters):
    nature = forms.ChoiceField(label="Nature", choices=INVOICE_NATURES, required=False)


class OperationFilters(_Filters):
    nature = forms.ChoiceField(label="Nature", choices=OPERATION_NATURES, required=False)
    regie = forms.TypedChoiceField(label="Service", choices=[], coerce=int, required=False, empty_value=None)


class PaymentFilters(_Filters):
    regie = forms.TypedChoiceField(label="Service", choices=[], coerce=int, required=False, empty_value=None)
