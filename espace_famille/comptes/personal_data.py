"""The personal data of the family space in the registry: accounts, the family file, requests and the planning."""

from allauth.account.models import EmailAddress, EmailConfirmation
from allauth.mfa.models import Authenticator
from django.db.models import Q
from django.db.models.functions import Coalesce
from wagtail.users.models import UserProfile

from commun.personal_data import (
    ANONYMOUS,
    After,
    Anonymise,
    Delete,
    PersonalData,
    Section,
    WithAccount,
    WithFamily,
    exempt,
    register,
)
from espace_famille.comptes import export
from espace_famille.comptes.models import FranceConnectIdentity, User
from espace_famille.demandes.models import DecisionNotice, Request, RequestEvent, RequestLine
from espace_famille.dossier.models import AuthorizedContact, Child, Family, Guardian, Subscription, Vaccination
from espace_famille.planning.models import Activity, Booking, BookingHistory, Enrolment, Facility

INACTIVE = "RETENTION_INACTIVE_DAYS"
# A justification (medical certificate) proves an absence for billing; a year after the day, no invoice is
# disputed any more.
JUSTIFICATION_DAYS = 365
# Once the processing digest told the family, a decision notice has served; the request keeps the decision.
NOTICE_DAYS = 90
CONFIRMATION_DAYS = 30


def register_all() -> None:
    register(
        PersonalData(
            Family,
            family="",
            activity="created_at",
            rules=(
                WithFamily(
                    Anonymise(
                        {
                            "name": lambda family: f"{ANONYMOUS} {family.pk}",
                            "allocataire_number": "",
                            "quotient": None,
                            "dependants": None,
                            "address_line": "",
                            "address_complement": "",
                            "postcode": "",
                            "city": "",
                            "account_holder": "",
                            "iban": "",
                            "bic": "",
                        }
                    )
                ),
            ),
            export=Section(
                "family",
                export.collect_family,
                export.render_family,
                "le dossier famille : nom, code abonné, informations fiscales, adresse et coordonnées bancaires "
                "(IBAN complet)",
            ),
        ),
        PersonalData(
            Guardian,
            family="family",
            rules=(
                WithFamily(
                    Anonymise(
                        {
                            "civility": "",
                            "family_situation": "",
                            "last_name": ANONYMOUS,
                            "first_name": ANONYMOUS,
                            "email": "",
                            "phone": "",
                            "mobile": "",
                            "photo": "",
                        }
                    )
                ),
            ),
            export=Section(
                "guardians",
                export.collect_guardians,
                export.render_guardians,
                "les responsables : civilité, situation familiale, qualité, téléphones, e-mail et accords pour "
                "recevoir des e-mails et des SMS",
            ),
        ),
        PersonalData(
            Child,
            family="family",
            rules=(
                WithFamily(
                    Anonymise(
                        {
                            "last_name": ANONYMOUS,
                            "first_name": ANONYMOUS,
                            # The year stays, for statistics by age.
                            "birth_date": lambda child: child.birth_date.replace(month=1, day=1),
                            "insurance_company": "",
                            "insurance_number": "",
                            "allergies": "",
                            "diet": "",
                            "photo": "",
                        }
                    )
                ),
            ),
            export=Section(
                "children",
                export.collect_children,
                export.render_children,
                "les enfants : informations générales, assurance, autorisations, pratiques alimentaires, allergies, "
                "vaccins et adultes habilités",
            ),
        ),
        PersonalData(Vaccination, family="child__family", rules=(WithFamily(Delete()),), export="children"),
        PersonalData(AuthorizedContact, family="child__family", rules=(WithFamily(Delete()),), export="children"),
        PersonalData(
            Subscription,
            family="family",
            user="user",
            activity="user__last_login",
            rules=(WithFamily(Delete()), WithAccount()),
            export=Section(
                "subscriptions",
                export.collect_subscriptions,
                export.render_subscriptions,
                "les comptes citoyens abonnés au dossier, la date de leur abonnement et leur liaison à FranceConnect",
            ),
        ),
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
            export="subscriptions",
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
        PersonalData(
            Request,
            family="family",
            activity="created_at",
            rules=(
                After(
                    JUSTIFICATION_DAYS,
                    "end_date",
                    Anonymise({"justification": ""}),
                    "justificatifs d'absence, {days} jours après le dernier jour",
                    where=~Q(justification=""),
                ),
                WithFamily(Anonymise({"changes": {}, "reason": "", "subject": "", "justification": ""})),
            ),
            export=Section(
                "requests",
                export.collect_requests,
                export.render_requests,
                "vos demandes, leur état, les valeurs demandées, les justificatifs d'absence joints et leur "
                "historique avec les messages du service",
            ),
        ),
        # A day and its state: nothing personal once the child is anonymised.
        PersonalData(RequestLine, family="request__family", rules=(), export="requests"),
        # Messages go with their request: emptied when the family is anonymised, deleted when the request is.
        PersonalData(
            RequestEvent, family="request__family", rules=(WithFamily(Anonymise({"message": ""})),), export="requests"
        ),
        PersonalData(
            DecisionNotice,
            family="family",
            rules=(
                After(
                    NOTICE_DAYS,
                    "decided_at",
                    Delete(),
                    "annoncées depuis {days} jours",
                    where=Q(digest_key__isnull=False),
                ),
                WithFamily(Anonymise({"message": ""})),
            ),
            export="requests",
        ),
        # Enrolments and booked days stay for billing and attendance statistics: the child is anonymised.
        PersonalData(
            Enrolment,
            family="child__family",
            rules=(),
            export=Section(
                "planning",
                export.collect_planning,
                export.render_planning,
                "les inscriptions des enfants aux activités et l'état de chaque jour réservé ou demandé",
            ),
        ),
        PersonalData(Booking, family="child__family", activity="day", rules=(), export="planning"),
        # The audit trail of a day, for the service; the family reads its days and its requests' history.
        PersonalData(
            BookingHistory, family="booking__child__family", rules=(WithFamily(Anonymise({"reason": ""})),), export=None
        ),
    )
    exempt(Facility, reason="Établissement : coordonnées publiques d'un lieu d'accueil, pas d'une personne.")
    exempt(Activity, reason="Activité : donnée de référence du service.")
