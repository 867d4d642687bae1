"""The upload form of a supporting document."""

from django import forms

ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Fichier",
        help_text="PDF, JPEG ou PNG, 5 Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        error_messages={"required": "* Ce champ n'est pas optionnel."},
    )
