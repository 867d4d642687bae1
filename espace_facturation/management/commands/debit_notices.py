"""`debit_notices`: tell the families on direct debit the amount and date of their next debits (the daily job), for an
install whose cron runs it instead of the task cluster."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from commun import formats
from espace_facturation import debits


class Command(BaseCommand):
    help = (
        "Envoie aux familles en prélèvement automatique la pré-notification de chaque facture à prélever (montant et "
        "date), au plus tard le nombre de jours de pré-notification de la régie (14 par défaut) avant le "
        "prélèvement, comme la tâche planifiée de 07:00. Relancée, elle n'envoie jamais deux fois la même. "
        "Cron (sans django-q2) : « 0 7 * * * manage.py debit_notices »."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Lister les pré-notifications qui seraient envoyées."
        )

    def handle(self, *args, dry_run, **options):
        today = timezone.localdate()
        if dry_run:
            self.stdout.write("Simulation : aucun e-mail n'est envoyé, rien n'est modifié.")
            due = debits.notices_due(today=today)
            for notice in due:
                invoice = notice.invoice
                self.stdout.write(
                    f"  {invoice.family.name} : facture {invoice.number}, {formats.money(notice.amount)} prélevés le "
                    f"{formats.date_numeric(notice.debit_on)}"
                )
            self.stdout.write(f"{len(due)} pré-notification(s) de prélèvement seraient envoyées.")
            return
        sent = debits.debit_notices_send(today=today)
        self.stdout.write(f"{len(sent)} pré-notification(s) de prélèvement envoyée(s).")
