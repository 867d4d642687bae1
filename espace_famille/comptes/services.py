"""Writes of the family space: one function per action, atomic, locked and audited."""

from allauth.account.models import EmailAddress
from allauth.mfa.utils import is_mfa_enabled
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.log_actions import log

from espace_famille.comptes.exceptions import FranceConnectRefused, SubscriptionNotFound
from espace_famille.comptes.models import FranceConnectIdentity, User
from espace_famille.dossier import rules, selectors
from espace_famille.dossier import services as dossier_services
from espace_famille.dossier.models import Subscription, SubscriptionMethod


def subscription_by_code(*, user: User, code: str) -> Subscription:
    family = selectors.family_by_subscriber_code(code=code)
    if family is None:
        raise SubscriptionNotFound()
    return dossier_services.subscription_claim(family=family, method=SubscriptionMethod.CODE, by=user)[0]


def signup_code_store(*, user: User, code: str) -> None:
    """Keep the code typed at registration until the email is confirmed."""
    User.objects.filter(pk=user.pk).update(pending_subscriber_code=rules.normalize_subscriber_code(code))


def signup_code_apply(*, user: User) -> Subscription | None:
    """Once the email is confirmed, link the family whose code was typed at registration."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        code = user.pending_subscriber_code
        if not code:
            return None
        user.pending_subscriber_code = ""
        family = selectors.family_by_subscriber_code(code=code)
        user.subscriber_code_failed = family is None
        user.save(update_fields=["pending_subscriber_code", "subscriber_code_failed"])
        if family is None:
            return None
        return dossier_services.subscription_claim(family=family, method=SubscriptionMethod.SIGNUP, by=user)[0]


def signup_code_failure_acknowledge(*, user: User) -> None:
    User.objects.filter(pk=user.pk).update(subscriber_code_failed=False)


def profile_update(*, user: User, civility: str, first_name: str, last_name: str) -> User:
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        before = {"civility": locked.civility, "first_name": locked.first_name, "last_name": locked.last_name}
        locked.civility, locked.first_name, locked.last_name = civility, first_name, last_name
        locked.save(update_fields=["civility", "first_name", "last_name"])
        log(instance=locked, action="wagtail.edit", user=user, data={"before": before})
    return locked


def franceconnect_account_create(*, identity, email: str) -> User:
    """A citizen account opened with FranceConnect: names and civility from the identity, no password (the
    person can set one later with «Mot de passe oublié ?»). The address FranceConnect gave counts as confirmed;
    one the person typed (FranceConnect gave none) waits for its confirmation e-mail."""
    taken = "Un compte citoyen existe déjà avec cette adresse e-mail."
    if FranceConnectIdentity.objects.filter(sub=identity.sub).exists():
        raise FranceConnectRefused("Cette identité FranceConnect est déjà liée à un compte.")
    if User.objects.filter(email__iexact=email).exists():
        raise FranceConnectRefused(taken)
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email,
                password=None,
                first_name=identity.given_name[:150],
                last_name=identity.family_name[:150],
                civility=identity.civility,
            )
            EmailAddress.objects.create(user=user, email=user.email, verified=email == identity.email, primary=True)
            FranceConnectIdentity.objects.create(user=user, sub=identity.sub, last_login_at=timezone.now())
            log(instance=user, action="portail.franceconnect.create", user=user)
    except IntegrityError as error:  # the same identity or address, opened a moment earlier in another request
        raise FranceConnectRefused(taken) from error
    return user


def franceconnect_link(*, user: User, sub: str) -> FranceConnectIdentity:
    """Links an existing account to a FranceConnect identity; the caller has checked the account's password.

    An account whose address is not confirmed, or that a second factor protects, is not linked on a password."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if not EmailAddress.objects.filter(user=locked, email__iexact=locked.email, verified=True).exists():
            raise FranceConnectRefused(
                "Confirmez d'abord l'adresse e-mail de ce compte (lien reçu à l'inscription), puis revenez."
            )
        if is_mfa_enabled(locked):
            raise FranceConnectRefused(
                "Ce compte est protégé par une double authentification : connectez-vous avec votre e-mail, votre "
                "mot de passe et votre second facteur."
            )
        if FranceConnectIdentity.objects.filter(user=locked).exclude(sub=sub).exists():
            raise FranceConnectRefused("Ce compte est déjà lié à une autre identité FranceConnect.")
        if FranceConnectIdentity.objects.filter(sub=sub).exclude(user=locked).exists():
            raise FranceConnectRefused("Cette identité FranceConnect est déjà liée à un autre compte.")
        link, _ = FranceConnectIdentity.objects.update_or_create(
            user=locked, defaults={"sub": sub, "last_login_at": timezone.now()}
        )
        log(instance=locked, action="portail.franceconnect.link", user=locked)
    return link


def franceconnect_login_record(*, link: FranceConnectIdentity) -> None:
    FranceConnectIdentity.objects.filter(pk=link.pk).update(last_login_at=timezone.now())


def franceconnect_unlink(*, user: User) -> None:
    """Unlinks the account from FranceConnect; refused while the account has no password to sign in with."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if not locked.has_usable_password():
            raise FranceConnectRefused(
                "Votre compte n'a pas encore de mot de passe : définissez-en un avant de le délier de FranceConnect, "
                "sinon vous ne pourriez plus vous connecter."
            )
        if FranceConnectIdentity.objects.filter(user=locked).delete()[0]:
            log(instance=locked, action="portail.franceconnect.unlink", user=locked)
