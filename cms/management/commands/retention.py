"""Apply the retention periods of the personal-data registry; `--dry-run` only says what would be done."""

from django.core.management.base import BaseCommand

from cms import retention


class Command(BaseCommand):
    help = (
        "Anonymise les familles inactives et applique les durées de conservation de chaque donnée personnelle "
        "(comptes inutilisés, brouillons et pré-inscriptions en crèche, justificatifs, pièces, e-mails...)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Dire ce qui serait fait, sans rien modifier.")
        parser.add_argument(
            "--inactive-days", type=int, help="Délai d'inactivité (par défaut RETENTION_INACTIVE_DAYS)."
        )
        parser.add_argument("--outbox-days", type=int, help="Délai avant d'effacer un e-mail (RETENTION_OUTBOX_DAYS).")
        parser.add_argument("--details", action="store_true", help="Lister les familles et les lignes concernées.")

    def handle(self, *args, dry_run, inactive_days, outbox_days, details, **options):
        if dry_run:
            self.stdout.write("Simulation : rien n'est modifié.")
        for report in retention.run(dry_run=dry_run, inactive_days=inactive_days, outbox_days=outbox_days):
            self.stdout.write(report.line())
            for count in report.counts:
                self.stdout.write(f"  dont {count}")
            if details:
                for detail in report.details:
                    self.stdout.write(f"  - {detail}")
