"""What the portal's forms share: a select's empty choice, in French («Choisir…», never Django's «---------»), and
bank details refused in plain words."""

from django import forms
from django.core.exceptions import ValidationError
from localflavor.generic.countries.sepa import IBAN_SEPA_COUNTRIES
from localflavor.generic.forms import BICFormField, IBANFormField
from localflavor.generic.validators import IBAN_COUNTRY_CODE_LENGTH

EMPTY_LABEL = "Choisir…"


class SelectField(forms.ChoiceField):
    """A select that starts on «Choisir…»: nobody gets a value chosen for them (a civility, a relationship) by not
    touching the field. A required one refuses the empty choice, beside the field."""

    def __init__(self, *, choices, **kwargs):
        super().__init__(choices=[("", EMPTY_LABEL), *choices], **kwargs)


# Bank details: plain words, without the library's jargon («FR IBANs must contain 27 characters»).
IBAN_INVALID = "Cet IBAN n'est pas valide : vérifiez les chiffres (FR76 …, 27 caractères pour un compte français)."
IBAN_OUTSIDE_SEPA = (
    "Le prélèvement n'est possible que sur un compte ouvert en Europe (zone SEPA) : cet IBAN est celui d'un autre pays."
)
BIC_INVALID = "Ce BIC n'est pas valide : il compte 8 ou 11 lettres et chiffres (par exemple AGRIFRPP882)."


class IbanField(IBANFormField):
    """An IBAN of a country where a SEPA direct debit can be taken, checked (length, key, bank code) by
    django-localflavor, refused in plain French."""

    def __init__(self, **kwargs):
        kwargs.setdefault("include_countries", IBAN_SEPA_COUNTRIES)
        super().__init__(**kwargs)

    def run_validators(self, value):
        try:
            super().run_validators(value)
        except ValidationError:
            country = str(value)[:2].upper()
            outside = country in IBAN_COUNTRY_CODE_LENGTH and country not in IBAN_SEPA_COUNTRIES
            raise ValidationError(IBAN_OUTSIDE_SEPA if outside else IBAN_INVALID, code="invalid") from None


class BicField(BICFormField):
    def run_validators(self, value):
        try:
            super().run_validators(value)
        except ValidationError:
            raise ValidationError(BIC_INVALID, code="invalid") from None
