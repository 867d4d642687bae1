"""The citizen accounts in the personal-data registry: the account, its FranceConnect link, its e-mail addresses
and second factors, and a staff member's Wagtail preferences."""

from allauth.account.models import EmailAddress, EmailConfirmation
from allauth.mfa.models import Authenticator
from django.db.models import Q
from django.db.models.functions import Coalesce
from wagtail.users.models import UserProfile

from commun.personal_data import After, Delete, PersonalData, Section, WithAccount, register
from espace_famille.comptes import export
from espace_famille.comptes.models import FranceConnectIdentity, User

INACTIVE = "RETENTION_INACTIVE_DAYS"
CONFIRMATION_DAYS = 30


def register_all() -> None:
    register(
        PersonalData(
            User,
            user="",
            rules=(
                After(
                    INACTIVE,
                    Coalesce("last_login", "date_joined"),
                    Delete(),
                    "inutilisés depuis {days} jours",
                    # Staff accounts follow the municipality's own staff rules, not the citizens' period.
                    where=Q(is_staff=False, is_superuser=False),
                ),
            ),
            # The accounts subscribed to the family (dossier's Subscription points here).
            export=Section(
                "subscriptions",
                export.collect_subscriptions,
                export.render_subscriptions,
                "les comptes citoyens abonnés au dossier, la date de leur abonnement et leur liaison à FranceConnect",
            ),
            describe=lambda user: user.email,
        ),
        PersonalData(FranceConnectIdentity, user="user", rules=(WithAccount(),), export="subscriptions"),
        PersonalData(EmailAddress, user="user", rules=(WithAccount(),), export="subscriptions"),
        # A single-use key sent to confirm an address: of no use once it expired (allauth: three days).
        PersonalData(
            EmailConfirmation,
            user="email_address__user",
            rules=(After(CONFIRMATION_DAYS, "created", Delete(), "créées il y a plus de {days} jours"), WithAccount()),
            export=None,
        ),
        # Second factors hold secrets (TOTP seeds, recovery codes, keys) that never leave the server; the account's
        # «Sécurité» page lists them.
        PersonalData(Authenticator, user="user", rules=(WithAccount(),), export=None),
        # Wagtail's admin preferences (theme, language, avatar) of a staff member; nothing of a family.
        PersonalData(UserProfile, user="user", rules=(WithAccount(),), export=None),
    )
