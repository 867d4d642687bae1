"""`send_outbox`: send the e-mails waiting in the outbox, for an install whose cron sends them without the cluster."""

from django.core.management.base import CommandError

from commun import formats
from commun.progress import ProgressCommand
from notifications import selectors, services
from notifications.models import OutboxMessage, OutboxStatus


def _emails(count: int) -> str:
    return {0: "aucun e-mail", 1: "1 e-mail"}.get(count, f"{count} e-mails")


def _attempt(message: OutboxMessage) -> str:
    return "1re tentative" if message.attempts == 0 else f"{message.attempts + 1}e tentative"


class Command(ProgressCommand):
    help = (
        "Envoie les e-mails en attente de la boîte d'envoi, les plus anciens d'abord, comme les workers de "
        "django-q2 : chacun sous verrou, une seule fois ; un envoi qui échoue est retenté au passage suivant, "
        f"puis abandonné (« En échec ») après {services.MAX_ATTEMPTS} tentatives. Relancée, la commande n'envoie "
        "rien deux fois. Cron (sans django-q2) : « * * * * * manage.py send_outbox »."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, help="Envoyer au plus ce nombre d'e-mails (les plus anciens).")
        parser.add_argument("--dry-run", action="store_true", help="Lister ce qui serait envoyé, sans rien envoyer.")

    def handle(self, *args, limit, dry_run, **options):
        if limit is not None and limit < 1:
            raise CommandError("--limit doit être un nombre d'e-mails, au moins 1.")
        if dry_run:
            self.stdout.write("Simulation : aucun e-mail n'est envoyé, rien n'est modifié.")
            rows = list(selectors.outbox_due()[:limit] if limit else selectors.outbox_due())
            for message in rows:
                self.stdout.write(
                    f"  {formats.datetime_numeric(message.created_at)} → {message.to_email} : "
                    f"« {message.subject} » ({_attempt(message)})"
                )
            verb = "serait envoyé" if len(rows) == 1 else "seraient envoyés"
            self.stdout.write(f"{_emails(len(rows))} {verb}." if rows else "Aucun e-mail à envoyer.")
            return
        ids = selectors.outbox_due_ids(limit=limit)
        if not ids:
            self.stdout.write("Aucun e-mail à envoyer.")
            return
        sent = 0
        with self.progress(total=len(ids), label="Boîte d'envoi", unit=" e-mail") as bar:
            for pk in ids:
                sent += services.outbox_send(message_id=pk)
                bar.update(1)
        self.stdout.write(f"{_emails(sent).capitalize()} {'envoyé' if sent < 2 else 'envoyés'}.")
        if sent < len(ids):
            self.report_unsent(ids)

    def report_unsent(self, ids: list[int]) -> None:
        """The rows not sent now: another sender took them, or the attempt failed (retried, or abandoned)."""
        unsent = OutboxMessage.objects.filter(pk__in=ids).exclude(status=OutboxStatus.SENT).order_by("created_at")
        for message in unsent:
            if message.status == OutboxStatus.FAILED:
                outcome = f"abandonné après {message.attempts} tentatives, à renvoyer depuis la boîte d'envoi"
            else:
                outcome = "nouvel essai au prochain passage"
            error = f" : {message.last_error}" if message.last_error else ""
            self.stderr.write(f"Non envoyé à {message.to_email} : « {message.subject} » ({outcome}){error}")
