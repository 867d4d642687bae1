"""allauth.mfa's security-key forms with their field named in French («Nom de la clé»)."""

from allauth.mfa.webauthn.forms import AddWebAuthnForm, EditWebAuthnForm

KEY_NAME = "Nom de la clé"
KEY_HELP = "Pour la reconnaître dans la liste, par exemple « Clé du bureau »."


class AddSecurityKeyForm(AddWebAuthnForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = KEY_NAME
        self.fields["name"].help_text = KEY_HELP


class EditSecurityKeyForm(EditWebAuthnForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = KEY_NAME
