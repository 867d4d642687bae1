"""`relances`: remind the families of their unpaid invoices past the régie's delays, as the daily task of 08:30 does,
for an install whose cron runs it instead of the task cluster."""

from django.utils import timezone

from commun import formats, tasks
from commun.progress import ProgressCommand
from espace_facturation import reminders
from espace_facturation.models import ReminderChannel


def _count(count: int) -> str:
    return {0: "aucune relance", 1: "1 relance"}.get(count, f"{count} relances")


class Command(ProgressCommand):
    help = (
        "Relance les factures impayées après leur échéance, aux délais de chaque régie (champ « délais de relance », "
        "par exemple 15 et 30 jours) : un e-mail aux comptes de la famille, ou un courrier à imprimer (Facturation › "
        "Relances) pour une famille sans compte. Chaque relance n'est envoyée qu'une fois ; une facture dont un "
        "paiement est en cours n'est pas relancée. Cron (sans django-q2) : « 30 8 * * * manage.py relances »."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Lister les relances qui seraient envoyées.")

    def handle(self, *args, dry_run, **options):
        today = timezone.localdate()
        label = f"Relances du {formats.date_numeric(today)}"
        if dry_run:
            self.stdout.write("Simulation : aucun e-mail n'est envoyé, rien n'est modifié.")
            due = reminders.reminders_due(today=today)
            for item in due:
                invoice = item.invoice
                self.stdout.write(
                    f"  {invoice.family.name} : facture {invoice.number}, échue le "
                    f"{formats.date_numeric(invoice.due_on)}, reste {formats.money(invoice.left_to_pay)} "
                    f"→ relance n° {item.level}"
                )
            verb = "serait envoyée" if len(due) < 2 else "seraient envoyées"
            self.stdout.write(f"{label} : {_count(len(due))} {verb}.")
            return
        due = reminders.reminders_due(today=today)
        with self.progress(total=len(due), label="Relances", unit=" facture") as bar:
            sent = reminders.reminders_send(today=today, due=due, progress=bar.update)
        letters = sum(1 for reminder in sent if reminder.channel == ReminderChannel.LETTER)
        later = " ; les e-mails partent au prochain passage de send_outbox" if sent and not tasks.has_cluster() else ""
        self.stdout.write(
            f"{label} : {_count(len(sent))} {'envoyée' if len(sent) < 2 else 'envoyées'}"
            f" (dont {letters} courrier(s) à imprimer dans Facturation › Relances){later}."
        )
