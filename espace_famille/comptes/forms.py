"""Forms of the citizen space: registration, profile, subscriber code."""

from allauth.account.forms import ChangePasswordForm as AllauthChangePasswordForm
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ResetPasswordKeyForm as AllauthResetPasswordKeyForm
from allauth.account.forms import SetPasswordForm as AllauthSetPasswordForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.core import context as allauth_context
from altcha_django.forms import AltchaField
from django import forms
from django.contrib.auth import authenticate

from commun import throttling
from commun.forms import SelectField
from espace_famille.comptes import rules as comptes_rules
from espace_famille.comptes.exceptions import SubscriptionThrottled
from espace_famille.comptes.models import User
from espace_famille.dossier import rules as dossier_rules
from espace_famille.dossier import selectors as dossier_selectors
from espace_famille.dossier.models import Civility


class NewPasswordFields:
    """A new password's fields, the same on every form that sets one: the guide's rule once, as the help of the first
    field (not the list of every validator's help, which said the length twice), no placeholder."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = comptes_rules.PASSWORD_RULE
        for name in ("password1", "password2"):
            self.fields[name].widget.attrs.pop("placeholder", None)


class ChangePasswordForm(NewPasswordFields, AllauthChangePasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["oldpassword"].widget.attrs.pop("placeholder", None)


class SetPasswordForm(NewPasswordFields, AllauthSetPasswordForm):
    pass


class ResetPasswordKeyForm(NewPasswordFields, AllauthResetPasswordKeyForm):
    pass


SUBSCRIBER_CODE_UNKNOWN = (
    "Ce code abonné ne correspond à aucun dossier famille. Vérifiez-le, ou laissez ce champ vide : vous pourrez "
    "vous abonner plus tard depuis « Mes abonnements »."
)


class SignupForm(NewPasswordFields, AllauthSignupForm):
    """«Créer un compte», with the guide's fields in the guide's order."""

    civility = SelectField(label="Civilité", choices=Civility.choices)
    last_name = forms.CharField(label="Nom", max_length=150)
    first_name = forms.CharField(label="Prénom", max_length=150)
    subscriber_code = forms.CharField(
        label="Code abonné",
        required=False,
        max_length=32,
        help_text="Entrez le code abonné famille transmis par votre collectivité",
    )
    accept_terms = forms.BooleanField(
        label="J'ai lu et j'accepte les Conditions d'utilisation",
        error_messages={"required": "Vous devez accepter les conditions d'utilisation pour créer un compte."},
    )
    captcha = AltchaField(
        error_messages={
            "required": "Cochez la case « Je ne suis pas un robot » et attendez la fin de la vérification.",
            "invalid_solution": "La vérification anti-robot a échoué. Cochez de nouveau la case.",
            "expired": "La vérification anti-robot a expiré. Cochez de nouveau la case.",
            "replayed": "La vérification anti-robot a déjà servi. Cochez de nouveau la case.",
            "unverified": "La vérification anti-robot a échoué. Cochez de nouveau la case.",
            "malformed": "La vérification anti-robot a échoué. Rechargez la page et recommencez.",
            "invalid_signature": "La vérification anti-robot a échoué. Rechargez la page et recommencez.",
        }
    )

    field_order = [
        "civility",
        "last_name",
        "first_name",
        "email",
        "password1",
        "password2",
        "subscriber_code",
        "accept_terms",
        "captcha",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "E-mail (identifiant)"
        self.fields["password1"].label = "Mot de passe"
        self.fields["password2"].label = "Confirmation du mot de passe"
        self.fields["email"].widget.attrs.pop("placeholder", None)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"

    def clean_subscriber_code(self):
        return dossier_rules.normalize_subscriber_code(self.cleaned_data.get("subscriber_code", ""))

    def clean(self):
        """The code abonné is checked here, beside its field, not after the e-mail's confirmation: it tells only
        what «M'abonner» tells (whether a code matches a file, never which one), once the anti-robot check passed,
        and wrong codes are throttled per address as there."""
        data = super().clean()
        code = data.get("subscriber_code")
        if code and not self.has_error("captcha") and not self.has_error("subscriber_code"):
            request = allauth_context.request
            if throttling.subscription_blocked(request):
                self.add_error("subscriber_code", SubscriptionThrottled())
            elif dossier_selectors.family_by_subscriber_code(code=code) is None:
                throttling.subscription_failed(request)
                self.add_error("subscriber_code", SUBSCRIBER_CODE_UNKNOWN)
        return data


class LoginForm(AllauthLoginForm):
    """«Connectez-vous au Portail Citoyen»: Identifiant, Mot de passe."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Identifiant"
        self.fields["password"].label = "Mot de passe"
        self.fields["password"].help_text = ""
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)


WRONG_CREDENTIALS = "L’adresse e-mail ou le mot de passe sont incorrects."


class FranceConnectLinkForm(forms.Form):
    """«J'ai déjà un compte citoyen»: the account's e-mail and password, checked (and throttled) before the
    FranceConnect identity is linked to it."""

    email = forms.EmailField(label="E-mail (identifiant)")
    password = forms.CharField(label="Mot de passe", strip=False, widget=forms.PasswordInput)

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = None
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if throttling.password_confirmation_blocked(self.request):
            raise forms.ValidationError(
                "Trop de tentatives infructueuses. Par sécurité, réessayez dans une heure.", code="throttled"
            )
        user = authenticate(self.request, email=data["email"].lower(), password=data["password"])
        if user is None:
            throttling.password_confirmation_failed(self.request)
            raise forms.ValidationError(WRONG_CREDENTIALS, code="invalid")
        self.user = user
        return data


class FranceConnectCreateForm(forms.Form):
    """«Créer mon compte avec FranceConnect»: the names come from FranceConnect; the person confirms the
    e-mail address (FranceConnect's, unless it gave none) and accepts the terms."""

    email = forms.EmailField(label="E-mail (identifiant)")
    accept_terms = SignupForm.base_fields["accept_terms"]

    def __init__(self, *args, identity, **kwargs):
        super().__init__(*args, initial={"email": identity.email}, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        if identity.email:
            self.fields["email"].disabled = True

    def clean_email(self):
        return self.cleaned_data["email"].lower()


class ProfileForm(forms.ModelForm):
    civility = SelectField(label="Civilité", choices=Civility.choices)

    class Meta:
        model = User
        fields = ["civility", "last_name", "first_name"]
        labels = {"civility": "Civilité", "last_name": "Nom", "first_name": "Prénom"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].required = True


class SubscriberCodeForm(forms.Form):
    code = forms.CharField(
        label="Code Abonné",
        max_length=32,
        error_messages={"required": "Saisissez le code abonné transmis par votre collectivité."},
    )


class ResendConfirmationForm(forms.Form):
    email = forms.EmailField(label="E-mail (identifiant)")
