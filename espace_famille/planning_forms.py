"""Forms of the planning: a day's confirmation (with a justification), long-period requests, the list filter."""

import io

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from .models import Child, Request, RequestState

JUSTIFICATION_MAX_BYTES = 5 * 1024 * 1024
JUSTIFICATION_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}
IMAGE_MAX_PIXELS = 40_000_000
IMAGE_MAX_SIDE = 2480  # an A4 page at 300 dpi
JUSTIFICATION_HELP = (
    "Un certificat médical par exemple : PDF, JPEG, PNG ou WebP, 5 Mo au plus. "
    "Une absence déclarée après le délai et sans justificatif est facturée."
)


def justification_clean(upload) -> ContentFile:
    """The file under a neutral name once its content is known to be a PDF or an image; ValidationError otherwise.

    The name the parent gave is dropped (it often holds the child's name or the illness); an image is re-encoded
    without its metadata (a phone's photo carries where and when it was taken), large enough to stay legible."""
    if upload.size > JUSTIFICATION_MAX_BYTES:
        raise ValidationError("Le justificatif dépasse 5 Mo. Choisissez un fichier plus léger.", code="too_big")
    data = upload.read()
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise ValidationError("Le fichier PDF est incomplet ou illisible.", code="invalid_pdf")
        return ContentFile(data, name="justificatif.pdf")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in JUSTIFICATION_IMAGE_FORMATS or probe.width * probe.height > IMAGE_MAX_PIXELS:
                raise ValueError(probe.format)
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            image.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=90)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            "Le justificatif doit être un fichier PDF ou une image (JPEG, PNG ou WebP).", code="invalid_type"
        ) from error
    return ContentFile(out.getvalue(), name="justificatif.jpg")


class DayConfirmForm(forms.Form):
    """The confirmation of a click on the planning; an absence may come with a justification."""

    justification = forms.FileField(label="Justificatif (facultatif)", required=False, help_text=JUSTIFICATION_HELP)

    def __init__(self, *args, allow_justification: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_justification:
            del self.fields["justification"]

    def clean_justification(self):
        upload = self.cleaned_data.get("justification")
        return justification_clean(upload) if upload else None


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
            f"(du {first:%d/%m/%Y} au {last:%d/%m/%Y})."
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
