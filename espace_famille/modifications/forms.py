"""Forms of the family file: what a parent may ask to change, with pending values shown beside current ones."""

import phonenumbers
from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from phonenumber_field.formfields import PhoneNumberField

from commun.forms import BicField, IbanField, SelectField
from espace_famille.dossier import changes, rules
from espace_famille.dossier.models import (
    Child,
    Civility,
    Diet,
    Family,
    FamilySituation,
    Guardian,
    Quality,
    Relationship,
    Sex,
)


class PhoneField(PhoneNumberField):
    """A phone number checked by libphonenumber, kept as people write it in France («06 12 34 56 78»)."""

    default_error_messages = {"invalid": "Saisissez un numéro de téléphone valide, par exemple 06 12 34 56 78."}

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("region", "FR")
        super().__init__(**kwargs)
        self.widget.input_type = "tel"
        self.widget.attrs.setdefault("autocomplete", "tel")

    def clean(self, value):
        number = super().clean(value)
        if not number:
            return ""
        fmt = phonenumbers.PhoneNumberFormat
        style = fmt.NATIONAL if number.country_code == 33 else fmt.INTERNATIONAL
        return phonenumbers.format_number(number, style)


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FileForm(forms.Form):
    """A form over some fields of the file: initial values are the file's, or the pending ones where asked.

    `pending` is {field: {"before", "after"}} of the request awaiting the service; those fields are
    marked and their current value is said in their help text (read by screen readers too).

    The page carries, hidden, the value each field showed: what the parent edited is what differs from it, not
    from the file as it is when the form comes back (the service may have changed a field meanwhile, or the file
    may write a phone number another way than the form does)."""

    model: type = None

    def __init__(self, *args, current: dict, pending: dict | None = None, **kwargs):
        self.current = current
        self.pending = pending or {}
        initial = {**current, **{name: change["after"] for name, change in self.pending.items()}}
        super().__init__(*args, initial={k: v for k, v in initial.items() if k in self.base_fields}, **kwargs)
        for name, field in self.fields.items():
            field.show_hidden_initial = True
            field.pending = name in self.pending
            if field.pending:
                shown = changes.show(self.model, name, current.get(name)).text
                field.help_text = f"En demande de modification. Valeur actuelle : {shown}"

    def edited(self) -> list[str]:
        return [name for name in self.changed_data if name in self.cleaned_data]

    def values(self) -> dict:
        """The values to ask, JSON-ready like a snapshot of the file: those the parent edited, and those still
        pending as they are on the server (an untouched field is never taken from what the browser sent)."""
        values = {name: change["after"] for name, change in self.pending.items() if name in self.fields}
        values.update({name: changes.to_json(self.cleaned_data[name]) for name in self.edited()})
        return values


class FiscalForm(FileForm):
    model = Family
    quotient = forms.IntegerField(label="Quotient familial", required=False, min_value=0, max_value=99999)
    allocataire_number = forms.CharField(
        label="N° allocataire",
        required=False,
        max_length=20,
        validators=[RegexValidator(r"^\d{4,20}$", "Le N° allocataire ne contient que des chiffres.")],
    )
    dependants = forms.IntegerField(label="Nombre d'enfants à charge", required=False, min_value=0, max_value=30)


class AddressForm(FileForm):
    model = Family
    address_line = forms.CharField(label="Adresse", max_length=200, required=False)
    address_complement = forms.CharField(label="Complément d'adresse", max_length=200, required=False)
    postcode = forms.CharField(
        label="Code postal",
        max_length=5,
        required=False,
        validators=[RegexValidator(r"^\d{5}$", "Le code postal compte 5 chiffres.")],
    )
    city = forms.CharField(label="Commune", max_length=100, required=False)

    def clean(self):
        # A file may have no address yet; once one is given, it must be complete.
        data = super().clean()
        if any(data.get(name) for name in ("address_line", "postcode", "city")):
            for name, message in (
                ("address_line", "Indiquez le numéro et la voie."),
                ("postcode", "Indiquez le code postal."),
                ("city", "Indiquez la commune."),
            ):
                if not data.get(name) and not self.has_error(name):
                    self.add_error(name, message)
        return data


class BankForm(FileForm):
    """Bank data for direct debit. The IBAN is never written back into the page: a new one replaces it."""

    model = Family
    account_holder = forms.CharField(label="Titulaire du compte", max_length=150, required=False)
    iban = IbanField(label="Nouvel IBAN", required=False, help_text="Laissez vide pour conserver le compte actuel.")
    bic = BicField(label="BIC", required=False)
    direct_debit = forms.BooleanField(
        label="Je choisis le prélèvement automatique de mes factures",
        required=False,
        help_text="Une fois la demande acceptée, les régies qui le proposent prélèvent vos factures à leur échéance ; "
        "vous êtes prévenu(e) du montant et de la date avant chaque prélèvement.",
    )
    # Whoever holds an open session must not be able to divert the direct debits: the password is asked again.
    password = forms.CharField(
        label="Mot de passe de votre compte",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Demandé pour toute modification des coordonnées bancaires.",
    )

    TOO_MANY = "Trop de mots de passe erronés : réessayez dans quelques minutes."
    WRONG = "Le mot de passe n'est pas le bon."

    def __init__(self, *args, user=None, blocked: bool = False, **kwargs):
        self.user, self.blocked = user, blocked
        super().__init__(*args, **kwargs)
        self.initial.pop("iban", None)
        masked = rules.mask_iban(self.current.get("iban") or "")
        if masked:
            current = f"IBAN actuel : {masked}. Laissez vide pour le conserver."
            self.fields["iban"].help_text = (
                f"En demande de modification. {current}" if self.fields["iban"].pending else current
            )
        self.fields["iban"].widget.attrs["autocomplete"] = "off"

    def clean(self):
        data = super().clean()
        if data.get("iban") and not data.get("bic") and not self.has_error("bic"):
            self.add_error("bic", "Indiquez le BIC de la banque du nouveau compte.")
        if not self.errors and set(self.edited()) - {"password"}:
            password = data.get("password") or ""
            if not password:
                self.add_error(
                    "password", "Saisissez le mot de passe de votre compte pour modifier vos coordonnées bancaires."
                )
            elif self.blocked:
                self.add_error("password", self.TOO_MANY)
            elif self.user is None or not self.user.check_password(password):
                self.add_error("password", self.WRONG)
        return data

    def values(self) -> dict:
        values = {name: value for name, value in super().values().items() if name != "password"}
        if "iban" in values and not values["iban"]:  # left empty: the account shown is kept
            del values["iban"]
        return values


class GuardianForm(FileForm):
    model = Guardian
    civility = SelectField(label="Civilité", choices=Civility.choices, required=False)
    family_situation = SelectField(label="Situation familiale", choices=FamilySituation.choices, required=False)
    last_name = forms.CharField(label="Nom", max_length=150)
    first_name = forms.CharField(label="Prénom", max_length=150)
    email = forms.EmailField(label="E-mail", required=False)
    phone = PhoneField(label="Téléphone")
    quality = SelectField(label="Qualité", choices=Quality.choices, required=False)
    mobile = PhoneField(label="Téléphone portable")
    accepts_email = forms.BooleanField(label="Accepte de recevoir des emails", required=False)
    accepts_sms = forms.BooleanField(label="Accepte de recevoir des SMS", required=False)

    def clean_last_name(self):
        return self.cleaned_data["last_name"].strip()

    def clean_first_name(self):
        return self.cleaned_data["first_name"].strip()


class ChildForm(FileForm):
    model = Child
    last_name = forms.CharField(label="Nom", max_length=150)
    birth_date = forms.DateField(label="Date de naissance", widget=_date_input())
    first_name = forms.CharField(label="Prénom", max_length=150)
    sex = SelectField(label="Sexe", choices=Sex.choices)
    insurance_company = forms.CharField(label="Compagnie d'assurance", max_length=150, required=False)
    insurance_number = forms.CharField(label="N° de la compagnie", max_length=50, required=False)
    glasses = forms.BooleanField(label="Port de lunettes", required=False)
    dental_appliance = forms.BooleanField(label="Port d'un appareil dentaire", required=False)
    hearing_aid = forms.BooleanField(label="Port d'un appareil auditif", required=False)
    allows_sport = forms.BooleanField(label="J'autorise mon enfant à pratiquer du sport", required=False)
    allows_photo = forms.BooleanField(label="J'autorise mon enfant à être pris en photo", required=False)
    allows_leave_alone = forms.BooleanField(label="J'autorise mon enfant à partir seul", required=False)
    allows_outings = forms.BooleanField(
        label="J'autorise mon enfant à participer aux sorties scolaires", required=False
    )
    allows_hospitalisation = forms.BooleanField(
        label="J'autorise mon enfant à être hospitalisé en cas de besoin", required=False
    )
    diet = forms.ChoiceField(label="Pratiques alimentaires", choices=Diet.choices, required=False)
    allergies = forms.CharField(label="Allergies", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    GENERAL = ("last_name", "birth_date", "first_name", "sex", "insurance_company", "insurance_number")
    WEARS = ("glasses", "dental_appliance", "hearing_aid")
    AUTHORISATIONS = ("allows_sport", "allows_photo", "allows_leave_alone", "allows_outings", "allows_hospitalisation")
    HEALTH = ("diet", "allergies")

    def clean_birth_date(self):
        born = self.cleaned_data["birth_date"]
        if born > timezone.localdate():
            raise forms.ValidationError("La date de naissance ne peut pas être dans le futur.")
        return born

    def group(self, names):
        return [self[name] for name in names]

    def general_fields(self):
        return self.group(self.GENERAL)

    def wears_fields(self):
        return self.group(self.WEARS)

    def authorisation_fields(self):
        return self.group(self.AUTHORISATIONS)

    def health_fields(self):
        return self.group(self.HEALTH)


class VaccinationForm(forms.Form):
    name = forms.CharField(label="Vaccin", max_length=100)
    date = forms.DateField(label="Date de vaccination", widget=_date_input())
    booster_date = forms.DateField(label="Date de rappel", required=False, widget=_date_input())

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("booster_date") and data["booster_date"] < data["date"]:
            self.add_error("booster_date", "La date de rappel suit la date de vaccination.")
        return data


class ContactForm(forms.Form):
    full_name = forms.CharField(label="Nom complet", max_length=150)
    mobile = PhoneField(label="Mobile")
    phone = PhoneField(label="Téléphone")
    relationship = SelectField(label="Lien de parenté", choices=Relationship.choices)
    emergency_call = forms.BooleanField(label="Appelé en cas d'urgence", required=False)
    can_pick_up = forms.BooleanField(label="Autorisé à récupérer l'enfant", required=False)

    def clean(self):
        data = super().clean()
        if not data.get("mobile") and not data.get("phone") and not self.has_error("mobile"):
            if not self.has_error("phone"):
                self.add_error("mobile", "Indiquez au moins un numéro pour joindre cet adulte.")
        return data


class RowsFormSet(forms.BaseFormSet):
    """A table of the child's file, as the parent leaves it: every row shown stays, changed or not, unless its
    «Supprimer» is ticked; a row added counts once filled in (an added row left empty is ignored)."""

    name = ""

    def rows(self) -> list[dict]:
        kept = []
        for index, form in enumerate(self.forms):
            shown = index < self.initial_form_count()
            if self._should_delete_form(form) or not (shown or form.has_changed()):
                continue
            kept.append({name: value for name, value in form.cleaned_data.items() if name != "DELETE"})
        return changes.normalise_rows(self.name, kept)


class VaccinationFormSet(forms.formset_factory(VaccinationForm, formset=RowsFormSet, extra=0, can_delete=True)):
    name = "vaccinations"


class ContactFormSet(forms.formset_factory(ContactForm, formset=RowsFormSet, extra=0, can_delete=True)):
    name = "contacts"


def rows_formset(formset_class, *, data, rows: list[dict], add: bool = False):
    """A formset prefilled with `rows`; `add` gives one more empty row («Ajouter un vaccin» without script)."""
    prefix = formset_class.name
    initial = [dict(row) for row in rows]
    if data is not None and add:
        data = data.copy()
        key = f"{prefix}-TOTAL_FORMS"
        data[key] = str(int(data.get(key, "0") or 0) + 1)
    return formset_class(data=data, initial=initial, prefix=prefix)
