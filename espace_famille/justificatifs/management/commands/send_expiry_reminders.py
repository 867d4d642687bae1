"""`send_expiry_reminders`: remind the families of their documents about to expire, for an install whose cron runs it
instead of the task cluster."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from commun import formats, tasks
from espace_famille.justificatifs import selectors, services
from notifications import selectors as notification_selectors


def _reminders(count: int) -> str:
    return {0: "aucun rappel", 1: "1 rappel"}.get(count, f"{count} rappels")


class Command(BaseCommand):
    help = (
        "Envoie à chaque compte abonné à une famille un rappel par pièce justificative validée qui expire dans les "
        "--days-before jours (par défaut DOCUMENT_REMINDER_DAYS), comme la tâche planifiée de 09:00. Relancée, la "
        "commande n'envoie jamais deux fois le même rappel. Cron (sans django-q2) : « 0 9 * * * manage.py "
        "send_expiry_reminders »."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days-before",
            type=int,
            default=settings.DOCUMENT_REMINDER_DAYS,
            help="Rappeler les pièces qui expirent dans ce nombre de jours (par défaut DOCUMENT_REMINDER_DAYS, "
            f"{settings.DOCUMENT_REMINDER_DAYS}).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Lister les rappels qui seraient envoyés.")

    def handle(self, *args, days_before, dry_run, **options):
        if days_before < 0:
            raise CommandError("--days-before est un nombre de jours, 0 ou plus.")
        today = timezone.localdate()
        until = formats.date_numeric(today + timedelta(days=days_before))
        label = f"Pièces justificatives qui expirent d'ici le {until}"
        if dry_run:
            self.stdout.write("Simulation : aucun e-mail n'est envoyé, rien n'est modifié.")
            reminders = selectors.expiry_reminders_due(today=today, days_before=days_before)
            already = notification_selectors.keys_queued([reminder.key for reminder in reminders])
            due = [reminder for reminder in reminders if reminder.key not in already]
            for reminder in due:
                document = reminder.document
                self.stdout.write(
                    f"  {document.family.name} : {document}, valable jusqu'au "
                    f"{formats.date_numeric(document.valid_until)} → {reminder.user.email}"
                )
            verb = "serait envoyé" if len(due) < 2 else "seraient envoyés"
            self.stdout.write(f"{label} : {_reminders(len(due))} {verb}.")
            return
        sent = services.expiry_reminders_send(today=today, days_before=days_before)
        later = " ; ils partent au prochain passage de send_outbox" if sent and not tasks.has_cluster() else ""
        self.stdout.write(f"{label} : {_reminders(sent)} {'envoyé' if sent < 2 else 'envoyés'}{later}.")
