"""The upload form of a supporting document."""

from django import forms

from commun.uploads import DOCUMENT, upload_help

ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Fichier",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        error_messages={"required": "* Ce champ n'est pas optionnel."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = upload_help(DOCUMENT)
