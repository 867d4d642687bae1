"""Load the demo municipality (safe to run twice) and print the demo logins."""

from django.core.management.base import BaseCommand

from cms.demo import loader


class Command(BaseCommand):
    help = "Charge la collectivité de démonstration (pages, familles du guide, comptes) ; sans effet la 2e fois."

    def handle(self, *args, **options):
        loader.load()
        self.stdout.write(self.style.SUCCESS("Collectivité de démonstration chargée."))
        self.stdout.write(f"Mot de passe de tous les comptes de démonstration : {loader.PASSWORD}")
        for spec in loader.FAMILIES:
            account = spec["account"] or "(pas de compte : créez-en un et abonnez-vous)"
            number, amount, emission, personal = spec["invoice"]
            self.stdout.write(
                f"  Famille {spec['name']:<7} code abonné {spec['code']:<11} compte {account}\n"
                f"      facture : code émission {emission}, référence {number}, montant {amount}, "
                f"code personnel {personal}"
            )
        for email, _, _, group, superuser in loader.STAFF:
            self.stdout.write(f"  Administration /admin/ : {email} ({'administrateur' if superuser else group})")
        self.stdout.write(
            "  Second facteur des agents : application d'authentification avec la clé "
            f"{loader.STAFF_TOTP_SECRET} (code du moment : oathtool --totp -b {loader.STAFF_TOTP_SECRET})"
        )
