"""Load the demo municipality (safe to run twice) and print the demo logins.

Each app loads its own demo data from its `demo.py` (a `load()` that looks up what exists first); this command
asks them in the order of DEMO_APPS, in one transaction."""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from cms.demo import STAFF, STAFF_TOTP_SECRET
from commun.demo_logins import PASSWORD
from espace_facturation.demo import GUIDE_INVOICES
from espace_famille.comptes.demo import ACCOUNTS
from espace_famille.dossier.demo import FAMILIES

# App labels, in the order their demo data is loaded: each app's data needs what the apps before it loaded.
DEMO_APPS = (
    "home",  # pages and site settings
    "notifications",  # e-mail templates
    "dossier",  # the guide's families
    "comptes",  # the parents' accounts, subscribed to their family
    "cms",  # the staff accounts and their roles
    "planning",  # activities, enrolments, and bookings asked by the parent and decided by the instructor
    "modifications",  # family-file requests of the parent, one accepted by the instructor
    "espace_facturation",
    "justificatifs",
    "creche",
    "messagerie",  # messages of the instructor to a family, to an activity's and a school's families
)


@transaction.atomic
def load() -> None:
    for label in DEMO_APPS:
        import_module(f"{apps.get_app_config(label).name}.demo").load()


class Command(BaseCommand):
    help = "Charge la collectivité de démonstration (pages, familles du guide, comptes) ; sans effet la 2e fois."

    def handle(self, *args, **options):
        load()
        self.stdout.write(self.style.SUCCESS("Collectivité de démonstration chargée."))
        self.stdout.write(f"Mot de passe de tous les comptes de démonstration : {PASSWORD}")
        accounts = dict(ACCOUNTS)
        for spec in FAMILIES:
            account = accounts.get(spec["code"]) or "(pas de compte : créez-en un et abonnez-vous)"
            number, amount, emission, personal = GUIDE_INVOICES[spec["code"]]
            self.stdout.write(
                f"  Famille {spec['name']:<7} code abonné {spec['code']:<11} compte {account}\n"
                f"      facture : code émission {emission}, référence {number}, montant {amount}, "
                f"code personnel {personal}"
            )
        for email, _, _, group, superuser in STAFF:
            self.stdout.write(f"  Administration /admin/ : {email} ({'administrateur' if superuser else group})")
        self.stdout.write(
            "  Second facteur des agents : application d'authentification avec la clé "
            f"{STAFF_TOTP_SECRET} (code du moment : oathtool --totp -b {STAFF_TOTP_SECRET})"
        )
