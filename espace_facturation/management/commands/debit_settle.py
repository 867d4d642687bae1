"""`debit_settle`: the direct-debit lots whose collection date passed without rejection are paid (the daily job), for
an install whose cron runs it instead of the task cluster."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from commun import formats
from espace_facturation import debits, rules
from espace_facturation.models import BatchState, DebitBatch, DebitState


class Command(BaseCommand):
    help = (
        "Règle les lots de prélèvement dont la date est passée sans rejet : chaque facture encore « En cours de "
        "prélèvement » reçoit son règlement « Prélèvement » à la date du lot. Relancée, elle ne règle rien deux fois. "
        "Cron (sans django-q2) : « 30 7 * * * manage.py debit_settle »."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Lister les lots qui seraient réglés.")

    def handle(self, *args, dry_run, **options):
        if dry_run:
            self.stdout.write("Simulation : rien n'est modifié.")
            today = timezone.localdate()
            count = 0
            for batch in DebitBatch.objects.filter(state=BatchState.SENT).select_related("regie"):
                if rules.batch_settles(collection_date=batch.collection_date, today=today):
                    pending = batch.transactions.filter(state=DebitState.PENDING).count()
                    count += pending
                    self.stdout.write(
                        f"  {batch.regie.name}, prélèvement du {formats.date_numeric(batch.collection_date)} : "
                        f"{pending} prélèvement(s)"
                    )
            self.stdout.write(f"{count} prélèvement(s) seraient réglés.")
            return
        self.stdout.write(f"{debits.batches_settle()} prélèvement(s) réglé(s).")
