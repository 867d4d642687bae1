"""Apply the retention periods of the personal-data registry; `--dry-run` only says what would be done."""

from cms import retention
from commun import intents
from commun import retention as registry
from commun.progress import ProgressCommand


class Command(ProgressCommand):
    help = (
        "Anonymise les familles inactives et applique les durées de conservation de chaque donnée personnelle "
        "(comptes inutilisés, brouillons et pré-inscriptions en crèche, justificatifs, pièces, e-mails...), puis "
        "oublie les confirmations d'action expirées, comme la tâche planifiée de 03:00. "
        "Cron (sans django-q2) : « 0 3 * * * manage.py retention »."
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
        with self.progress(total=registry.steps(), label="Conservation des données", unit=" étape") as bar:
            reports = retention.run(
                dry_run=dry_run, inactive_days=inactive_days, outbox_days=outbox_days, progress=bar.update
            )
        for report in reports:
            self.stdout.write(report.line())
            for count in report.counts:
                self.stdout.write(f"  dont {count}")
            if details:
                for detail in report.details:
                    self.stdout.write(f"  - {detail}")
        if not dry_run:
            self.stdout.write(f"Confirmations d'action expirées oubliées : {intents.purge()}")
