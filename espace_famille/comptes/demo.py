"""The demo parents' accounts, each subscribed to its family (ADERNO has none: the guide shows how to create one
and subscribe). Safe to run twice."""

from allauth.account.models import EmailAddress

from commun.demo_logins import PARENT, PASSWORD
from espace_famille.comptes.models import User
from espace_famille.dossier import services as dossier_services
from espace_famille.dossier.models import Family

# (family code, login): the account of the family's first guardian.
ACCOUNTS = [
    ("DURANT2026", PARENT),
    ("BLMAN2026", "matthieu.blman@example.org"),
]


def account(email: str, first_name: str, last_name: str, civility: str = "", **extra) -> User:
    """The demo account with this login, created with the demo's password; its e-mail address is verified."""
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=PASSWORD, first_name=first_name, last_name=last_name, civility=civility, **extra
        )
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def load() -> None:
    for code, email in ACCOUNTS:
        family = Family.objects.get(subscriber_code=code)
        first = family.guardians.order_by("position", "pk").first()
        user = account(email, first.first_name, first.last_name, civility=first.civility)
        dossier_services.subscription_import(user=user, family=family, source="démonstration")
