"""The three steps of «Pré-inscription en crèche», each validated on the server."""

from datetime import date

from django import forms
from django.utils import timezone

from commun import formats
from commun.forms import EMPTY_LABEL
from espace_famille.creche import rules
from espace_famille.dossier.models import Civility, Sex
from espace_famille.modifications.forms import PhoneField
from espace_famille.planning.models import Facility, FacilityKind

REQUIRED = "* Ce champ n'est pas optionnel."
MESSAGES = {
    "required": REQUIRED,
    "invalid": "Saisissez une date valide.",
}
CIVILITIES = [("M.", "M."), ("Mme", "Mme")]
assert {value for value, _ in CIVILITIES} == set(Civility.values)


def _date(label, *, required=True):
    return forms.DateField(
        label=label,
        required=required,
        error_messages=MESSAGES,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _text(label, *, required=True, max_length=150):
    return forms.CharField(label=label, required=required, max_length=max_length, error_messages=MESSAGES)


class StepForm(forms.Form):
    """A step: its cleaned data becomes JSON for the draft. `answers`: the draft's answers of every step, which
    a step may check its own against (the entry date comes after the child's birth)."""

    def __init__(self, *args, answers: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.answers = answers or {}

    def as_json(self) -> dict:
        return {
            name: (value.isoformat() if hasattr(value, "isoformat") else value)
            for name, value in self.cleaned_data.items()
        }


def _guardian_fields(prefix: str, *, required: bool | str) -> dict:
    """A guardian's fields. required: True, or the name of the group («Responsable2») whose starred fields are
    required once any of its fields is filled (see InformationsForm.clean)."""
    always = required is True
    fields = {
        f"{prefix}_civility": forms.ChoiceField(
            label="Civilité", choices=CIVILITIES, required=always, widget=forms.RadioSelect, error_messages=MESSAGES
        ),
        f"{prefix}_last_name": _text("Nom", required=always),
        f"{prefix}_first_name": _text("Prénom(s)", required=always),
        f"{prefix}_birth_date": _date("Date de naissance", required=always),
        f"{prefix}_phone": PhoneField(label="Téléphone", required=always, error_messages={"required": REQUIRED}),
        f"{prefix}_email": forms.EmailField(
            label="E-mail",
            required=always,
            error_messages={"required": REQUIRED, "invalid": "Saisissez une adresse e-mail valide."},
        ),
    }
    if not always:
        # includes/field.html stars a field from this attribute, and clean() requires it from the same one.
        for field in fields.values():
            field.required_with = required
    fields[f"{prefix}_profession"] = _text("Profession", required=False)
    return fields


GUARDIAN2 = "Responsable2"


class InformationsForm(StepForm):
    """«Etape 1 Informations»: Responsable1 and, if started, Responsable2."""

    step_title = "Informations"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_guardian_fields("r1", required=True))
        self.fields["r1_allocataire"] = _text("N° allocataire", required=False, max_length=20)
        self.fields.update(_guardian_fields("r2", required=GUARDIAN2))

    def guardian1(self):
        return [self[name] for name in self.fields if name.startswith("r1_")]

    def guardian2(self):
        return [self[name] for name in self.fields if name.startswith("r2_")]

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        for prefix in ("r1", "r2"):
            day = data.get(f"{prefix}_birth_date")
            if day and (error := rules.birth_date_error(day, today=today)):
                self.add_error(f"{prefix}_birth_date", error)
        group = [name for name in self.fields if name.startswith("r2_")]
        if any(self.data.get(self.add_prefix(name)) for name in group):
            for name in group:
                if getattr(self.fields[name], "required_with", None) and not data.get(name) and name not in self.errors:
                    self.add_error(name, REQUIRED)
        return data


class FamilleForm(StepForm):
    """«Etape 2 Famille»: the new child and the postal address."""

    step_title = "Famille"
    child_sex = forms.ChoiceField(label="Sexe", choices=Sex.choices, widget=forms.RadioSelect, error_messages=MESSAGES)
    child_last_name = _text("Nom")
    child_first_name = _text("Prénom(s)")
    child_birth_date = _date("Date de naissance (prévue)")
    country = _text("Pays", required=False, max_length=100)
    postcode = forms.RegexField(
        label="Code postal",
        regex=r"^\d{5}$",
        required=False,
        error_messages={"invalid": "Le code postal compte 5 chiffres."},
    )
    city = _text("Localité", required=False, max_length=100)
    address_line = _text("Numéro et voie", required=False, max_length=200)
    address_complement = _text("Complément d'adresse", required=False, max_length=200)
    building = _text("Entrée - Bâtiment", required=False, max_length=100)
    locality = _text("Lieu-dit", required=False, max_length=100)

    def child_fields(self):
        return [self[name] for name in self.fields if name.startswith("child_")]

    def address_fields(self):
        return [self[name] for name in self.fields if not name.startswith("child_")]

    def clean_child_birth_date(self):
        day = self.cleaned_data["child_birth_date"]
        if error := rules.birth_date_error(day, today=timezone.localdate(), expected=True):
            raise forms.ValidationError(error)
        return day


# The grid has no field of its own: its errors are kept on its first box and shown beside the whole grid.
GRID_ERRORS_ON = rules.slot_name(0, 0)


class TypeDeGardeForm(StepForm):
    """«Etape 3 Type de garde»: up to four distinct crèches, the entry date, the kind of care and the grid."""

    step_title = "Type de garde"
    REGULAR, OCCASIONAL = "regulier", "occasionnel"
    KINDS = [(REGULAR, "Régulier"), (OCCASIONAL, "Occasionnel")]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        creches = Facility.objects.filter(kind=FacilityKind.CRECHE).order_by("name")
        for index in range(1, 5):
            self.fields[f"choice{index}"] = forms.ModelChoiceField(
                label=f"Choix {index}",
                queryset=creches,
                required=index == 1,
                empty_label=EMPTY_LABEL,
                error_messages={**MESSAGES, "invalid_choice": "Choisissez une crèche de la liste."},
            )
        self.fields["entry_date"] = _date("Date d'entrée souhaitée")
        self.fields["care_kind"] = forms.ChoiceField(
            label="Type d'accueil", choices=self.KINDS, widget=forms.RadioSelect, error_messages=MESSAGES
        )
        for day in range(7):
            for half in range(2):
                self.fields[rules.slot_name(day, half)] = forms.BooleanField(
                    label=f"{rules.DAYS[day]} {rules.HALVES[half].lower()}", required=False
                )

    def choice_fields(self):
        return [self[f"choice{index}"] for index in range(1, 5)]

    def grid(self):
        if self.grid_errors():
            for day in range(7):
                for half in range(2):
                    self.fields[rules.slot_name(day, half)].widget.attrs["aria-describedby"] = "id_grid_error"
        return [
            (half_label, [self[rules.slot_name(day, half)] for day in range(7)])
            for half, half_label in enumerate(rules.HALVES)
        ]

    def grid_errors(self):
        """The grid's own errors («Régulier» with no day), shown beside it rather than beside one of its boxes."""
        return self.errors.get(GRID_ERRORS_ON, [])

    def clean_entry_date(self):
        day = self.cleaned_data["entry_date"]
        if error := rules.entry_date_error(day, today=timezone.localdate(), birth=self._child_birth_date()):
            raise forms.ValidationError(error)
        return day

    def _child_birth_date(self) -> date | None:
        try:
            return date.fromisoformat(self.answers.get("child_birth_date") or "")
        except (TypeError, ValueError):
            return None

    def clean(self):
        data = super().clean()
        slots = [data.get(rules.slot_name(day, half)) for day in range(7) for half in range(2)]
        if data.get("care_kind") == self.REGULAR and not any(slots):
            self.add_error(GRID_ERRORS_ON, "Cochez au moins un jour de garde pour un accueil régulier.")
        chosen = [data.get(f"choice{index}") for index in range(1, 5)]
        twice = rules.duplicate_choices(chosen)
        for index, choice in enumerate(chosen, start=1):
            if choice in twice and chosen.index(choice) != index - 1:
                self.add_error(f"choice{index}", "Cette crèche est déjà choisie : choisissez des crèches différentes.")
        return data

    def as_json(self) -> dict:
        data = super().as_json()
        for index in range(1, 5):
            facility = data.get(f"choice{index}")
            data[f"choice{index}"] = facility.pk if facility else None
        return data


STEPS = [InformationsForm, FamilleForm, TypeDeGardeForm]


def answer_shown(field: forms.Field, value) -> str:
    """An answer of the draft's JSON as a person reads it: a day in French («01/12/2026»), a choice's label.
    The review page, the instructors' page and «Télécharger mes données» all write the answers through it."""
    if isinstance(field, forms.DateField) and value:
        try:
            return formats.date_numeric(date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    if isinstance(field, forms.BooleanField):
        return "Oui" if value else "Non"
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        return str(dict(field.choices).get(value, value))
    return "" if value is None else str(value)


def initial_for(step: int, data: dict) -> dict:
    """The draft's JSON as a form's initial values."""
    return dict(data)
