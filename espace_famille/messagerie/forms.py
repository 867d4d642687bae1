"""The form a staff member writes a message to families with: its audience, its channels, its texts."""

import hashlib
import json

from django import forms
from django.utils import timezone
from wagtail.admin.widgets import AdminDateInput

from commun.parsing import EARLIEST, LATEST
from espace_famille.dossier.models import Family
from espace_famille.messagerie import rules
from espace_famille.messagerie.models import AudienceKind
from espace_famille.planning.models import Activity, Facility
from notifications import sms, sms_text

SMS_HELP = (
    f"{sms_text.SINGLE} caractères pour 1 SMS, {sms_text.MAX_UNITS} au plus (2 SMS). Les caractères que les SMS "
    "ne transportent pas sont remplacés (â → a, ê → e, œ → oe, « » → \"). L'aperçu montre le texte envoyé et son "
    "nombre de caractères."
)


class FamilyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, family):
        return f"{family.name} (dossier n° {family.pk})"


class ComposeForm(forms.Form):
    audience = forms.ChoiceField(
        label="Destinataires", choices=AudienceKind.choices, initial=rules.FAMILY, widget=forms.RadioSelect
    )
    family = FamilyChoiceField(
        label="Famille",
        queryset=Family.objects.filter(anonymised_at__isnull=True).only("pk", "name").order_by("name", "pk"),
        required=False,
        empty_label="Choisissez une famille",
    )
    activity = forms.ModelChoiceField(
        label="Activité",
        queryset=Activity.objects.filter(active=True).order_by("code"),
        required=False,
        empty_label="Choisissez une activité",
    )
    facility = forms.ModelChoiceField(
        label="Structure",
        queryset=Facility.objects.order_by("name"),
        required=False,
        empty_label="Choisissez une structure",
    )
    start_date = forms.DateField(
        label="Jour (ou premier jour de la période)",
        required=False,
        widget=AdminDateInput,
        help_text="Pour une structure : vide, aujourd'hui.",
    )
    end_date = forms.DateField(
        label="Dernier jour de la période", required=False, widget=AdminDateInput, help_text="Vide : un seul jour."
    )
    by_email = forms.BooleanField(label="Par e-mail", required=False, initial=True)
    by_sms = forms.BooleanField(label="Par SMS, aux responsables qui acceptent les SMS", required=False)
    subject = forms.CharField(label="Objet", max_length=rules.SUBJECT_MAX)
    body = forms.CharField(label="Message", max_length=rules.BODY_MAX, widget=forms.Textarea(attrs={"rows": 8}))
    sms_text = forms.CharField(
        label="Texte du SMS",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "data-sms-counter": str(sms_text.MAX_UNITS)}),
        help_text=SMS_HELP,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sms_enabled = sms.enabled()
        if not self.sms_enabled:
            self.fields["by_sms"].disabled = True
            self.fields["by_sms"].help_text = "L'envoi de SMS n'est pas configuré sur ce portail (SMS_URL)."

    def _date(self, name: str):
        value = self.cleaned_data.get(name)
        if value is not None and not EARLIEST <= value <= LATEST:
            self.add_error(name, "Cette date est hors du calendrier du portail.")
            return None
        return value

    def clean(self):
        data = super().clean()
        kind = data.get("audience")
        start, end = self._date("start_date"), self._date("end_date")
        if kind == rules.FAMILY and not data.get("family"):
            self.add_error("family", "Choisissez la famille.")
        if kind == rules.ACTIVITY and not data.get("activity"):
            self.add_error("activity", "Choisissez l'activité.")
        if kind == rules.FACILITY:
            if not data.get("facility"):
                self.add_error("facility", "Choisissez la structure.")
            if start is None and not self.has_error("start_date"):
                start = data["start_date"] = timezone.localdate()
        if kind in (rules.ACTIVITY, rules.FACILITY) and not self.has_error("start_date"):
            if error := rules.period_error(start, end):
                self.add_error("end_date" if start else "start_date", error)
        if not (data.get("by_email") or data.get("by_sms")):
            self.add_error("by_email", "Choisissez au moins un moyen d'envoi : e-mail ou SMS.")
        if data.get("by_sms") and (error := rules.sms_error(data.get("sms_text", ""))):
            self.add_error("sms_text", error)
        return data

    def chosen_audience(self) -> rules.Audience:
        data = self.cleaned_data
        kind = data["audience"]
        if kind == rules.FAMILY:
            return rules.Audience(kind=kind, family=data["family"])
        target = {"activity": data["activity"]} if kind == rules.ACTIVITY else {"facility": data["facility"]}
        start, end = data["start_date"], data.get("end_date")
        return rules.Audience(kind=kind, start=start, end=end if end and end != start else None, **target)

    def digest(self) -> str:
        """What this form says, in a few characters: the single-use intent of its preview names it, so that the
        «Envoyer» of a preview sends what the preview showed and nothing else."""
        data = self.cleaned_data
        values = {
            name: str(getattr(value, "pk", value) if value is not None else "")
            for name, value in data.items()
            if name in self.fields
        }
        return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()[:32]

    def sms_preview(self) -> tuple[str, str]:
        """The SMS as it will be sent, and its count («152 caractères : 1 SMS»)."""
        text = sms_text.to_gsm(self.cleaned_data.get("sms_text", ""))
        return text, sms_text.describe(text)
