"""Forms of the planning: a day's confirmation (with a justification), long-period requests, the list filter."""

import django_filters
from django import forms

from commun import formats
from commun.uploads import DOCUMENT, upload_help
from espace_famille.demandes.models import Request, RequestState
from espace_famille.dossier.models import Child


class DayConfirmForm(forms.Form):
    """The confirmation of a click on the planning; an absence may come with a justification."""

    # The service applies the upload policy: its refusal comes back beside this field.
    justification = forms.FileField(label="Justificatif (facultatif)", required=False)

    def __init__(self, *args, allow_justification: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if allow_justification:
            self.fields["justification"].help_text = (
                f"Un certificat médical par exemple : {upload_help(DOCUMENT)} "
                "Une absence déclarée après le délai et sans justificatif est facturée."
            )
        else:
            del self.fields["justification"]


class LongPeriodForm(forms.Form):
    """«3. Réservez»: the period and the weekdays, for the children and the activity chosen in steps 1 and 2."""

    start = forms.DateField(
        label="Du",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Indiquez la date de début.", "invalid": "Saisissez une date valide."},
    )
    end = forms.DateField(
        label="Au",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Indiquez la date de fin.", "invalid": "Saisissez une date valide."},
    )
    weekdays = forms.TypedMultipleChoiceField(
        label="Jours",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Cochez au moins un jour de la semaine.",
            "invalid_choice": "Ce jour ne fait pas partie des jours de l'activité.",
        },
    )

    def __init__(self, *args, slots, period: tuple, **kwargs):
        super().__init__(*args, **kwargs)
        self.period = period
        self.fields["weekdays"].choices = [(slot.weekday, str(slot)) for slot in slots]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", "La date de fin doit être postérieure ou égale à la date de début.")
            return cleaned
        first, last = self.period
        outside = (
            f"Les dates de réservation doivent être comprises dans la période de l'inscription "
            f"({formats.period(first, last)})."
        )
        if start and not first <= start <= last:
            self.add_error("start", outside)
        if end and not first <= end <= last:
            self.add_error("end", outside)
        return cleaned


class PlanningRequestFilter(django_filters.FilterSet):
    """«Planning / Liste»: the family's requests, filtered by child."""

    child = django_filters.ModelChoiceFilter(label="Enfants", queryset=Child.objects.none(), empty_label="Tous")
    state = django_filters.ChoiceFilter(label="État", choices=RequestState.choices, empty_label="Tous")

    class Meta:
        model = Request
        fields = ["child", "state"]

    def __init__(self, *args, family, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["child"].queryset = Child.objects.filter(family=family).order_by("birth_date", "first_name")
