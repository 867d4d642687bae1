"""allauth adapter: account emails go through the outbox, rendered from the municipality's templates."""

import logging
import math
import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import ratelimit
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from requests import RequestException

from commun import throttling
from commun.http import client_ip
from espace_famille.comptes import franceconnect, services
from espace_famille.comptes.models import User
from home.models import SiteIdentity
from notifications import services as notifications
from notifications.kinds import recipient

logger = logging.getLogger(__name__)

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
    "franceconnect/email/linked": (
        "compte lié à FranceConnect",
        "Votre compte peut désormais être ouvert avec FranceConnect. Si vous n'êtes pas à l'origine de ce lien, "
        "changez votre mot de passe et prévenez le service.",
    ),
    "mfa/email/totp_activated": (
        "double authentification activée",
        "Une application d'authentification protège désormais votre compte.",
    ),
    "mfa/email/totp_deactivated": (
        "double authentification désactivée",
        "L'application d'authentification de votre compte a été retirée.",
    ),
    "mfa/email/webauthn_added": ("clé de sécurité ajoutée", "Une clé de sécurité a été ajoutée à votre compte."),
    "mfa/email/webauthn_removed": ("clé de sécurité retirée", "Une clé de sécurité a été retirée de votre compte."),
    "mfa/email/recovery_codes_generated": (
        "nouveaux codes de récupération",
        "De nouveaux codes de récupération ont été créés pour votre compte ; les anciens ne servent plus.",
    ),
}


ADDRESS_FAILURES = "login_failed_address"
LOCKED = (
    "Trop de tentatives de connexion à ce compte depuis votre connexion : réessayez dans {wait}. Si c'est votre "
    "compte, le lien « Débloquer mon compte » que nous vous avons envoyé par e-mail le débloque aussitôt."
)


def _duration(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} seconde{'s' if seconds > 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes > 1 else ''}"


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request):
        return client_ip(request)

    def pre_authenticate(self, request, **credentials):
        """Wrong passwords from this address, then this account's lock from this address
        (commun.throttling).
        allauth's own check is left out: it counts an account's failures from every address together, which lets
        a stranger lock anyone out."""
        if not ratelimit.consume(request, action=ADDRESS_FAILURES, dry_run=True):
            raise self.validation_error("too_many_login_attempts")
        wait = throttling.login_wait(request, credentials.get("email", ""))
        if wait:
            raise ValidationError(LOCKED.format(wait=_duration(wait)), code="too_many_login_attempts")

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None:
            throttling.login_succeeded(request, credentials.get("email", ""))
        return user

    def authentication_failed(self, request, **credentials):
        ratelimit.consume(request, action=ADDRESS_FAILURES)
        login = credentials.get("email", "")
        if throttling.login_failed(request, login):
            self._offer_unlock(request, login)

    def _offer_unlock(self, request, login: str) -> None:
        """The owner of the account (if there is one) gets a «Débloquer mon compte» link; a stranger sees the same
        page whether the account exists or not."""
        user = User.objects.filter(email__iexact=login.strip(), is_active=True).first()
        token = throttling.unlock_token(login) if user else None
        if token:
            link = SiteIdentity.public_address(reverse("account_unlock", args=[token]), request=request)
            notifications.queue(
                kind="account_locked",
                to=user.email,
                key=f"account_locked:{uuid.uuid4()}",
                context={**recipient(user), "lien": link},
            )

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.civility = form.cleaned_data.get("civility", "")
        if commit:
            user.save()
            code = form.cleaned_data.get("subscriber_code")
            if code:
                services.signup_code_store(user=user, code=code)
        return user

    def get_logout_redirect_url(self, request):
        """A person signed in with FranceConnect leaves FranceConnect too: its end-session address, which comes
        back to the portal."""
        id_token = request.session.get(franceconnect.ID_TOKEN)
        if id_token and franceconnect.enabled():
            try:
                return franceconnect.logout_url(request, id_token)
            except (RequestException, RuntimeError, ValueError):  # unreachable: the portal's own logout still happens
                logger.warning("Déconnexion FranceConnect impossible", exc_info=True)
        return super().get_logout_redirect_url(request)

    def send_mail(self, template_prefix, email, context):
        kind, extra, key = self._email_for(template_prefix, context)
        # allauth names no account in some e-mails («vous avez déjà un compte»): the address's own account greets
        # its owner, to whom alone the e-mail goes.
        user = context.get("user") or User.objects.filter(email__iexact=email, is_active=True).first()
        notifications.queue(
            kind=kind,
            to=email,
            key=key,
            context={**recipient(user), "email": email, **extra},
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
