"""allauth adapter: account emails go through the outbox, rendered from the municipality's templates."""

import uuid

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from notifications import services as notifications

from . import services

# allauth's security notices, by template, as the sentence the person reads.
NOTICES = {
    "account/email/password_changed": ("mot de passe modifié", "Le mot de passe de votre compte a été modifié."),
    "account/email/password_set": ("mot de passe défini", "Un mot de passe a été défini pour votre compte."),
    "account/email/password_reset": (
        "mot de passe réinitialisé",
        "Le mot de passe de votre compte a été réinitialisé.",
    ),
    "account/email/email_changed": ("adresse e-mail modifiée", "L'adresse e-mail de votre compte a été modifiée."),
    "account/email/email_confirm": ("adresse e-mail confirmée", "Votre adresse e-mail a été confirmée."),
}


def _recipient(user) -> dict:
    if user is None:
        return {"civilite": "", "prenom": "", "nom": "", "nom_complet": ""}
    return {
        "civilite": user.civility,
        "prenom": user.first_name,
        "nom": user.last_name.upper(),
        "nom_complet": user.display_name,
    }


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.civility = form.cleaned_data.get("civility", "")
        if commit:
            user.save()
            code = form.cleaned_data.get("subscriber_code")
            if code:
                services.signup_code_store(user=user, code=code)
        return user

    def send_mail(self, template_prefix, email, context):
        kind, extra, key = self._email_for(template_prefix, context)
        user = context.get("user")
        notifications.queue(
            kind=kind,
            to=email,
            key=key,
            context={**_recipient(user), "email": email, **extra},
        )

    def _email_for(self, template_prefix: str, context: dict) -> tuple[str, dict, str]:
        if template_prefix in ("account/email/email_confirmation_signup", "account/email/email_confirmation"):
            days = settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS
            extra = {"lien": context["activate_url"], "validite": f"{days} jour{'s' if days > 1 else ''}"}
            return "account_confirmation", extra, f"account_confirmation:{uuid.uuid4()}"
        if template_prefix == "account/email/password_reset_key":
            return "password_reset", {"lien": context["password_reset_url"]}, f"password_reset:{uuid.uuid4()}"
        if template_prefix == "account/email/unknown_account":
            return "unknown_account", {"lien": context.get("signup_url", "")}, f"unknown_account:{uuid.uuid4()}"
        if template_prefix == "account/email/account_already_exists":
            extra = {"lien": context.get("password_reset_url", "")}
            return "account_already_exists", extra, f"account_already_exists:{uuid.uuid4()}"
        subject, notice = NOTICES.get(template_prefix, ("avis de sécurité", "Votre compte a été modifié."))
        return "account_notice", {"objet": subject, "avis": notice}, f"account_notice:{uuid.uuid4()}"
