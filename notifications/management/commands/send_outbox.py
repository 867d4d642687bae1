"""`send_outbox`: send the e-mails and SMS waiting in the outbox, for an install whose cron sends them without the
cluster."""

from dataclasses import dataclass

from django.core.management.base import CommandError

from commun import formats
from commun.progress import ProgressCommand
from notifications import selectors, services
from notifications.models import OutboxMessage, OutboxSms, OutboxStatus


@dataclass(frozen=True)
class Channel:
    model: type
    send: object  # services.outbox_send / services.sms_send, called with the row's pk
    one: str  # «e-mail», «SMS»
    many: str
    none: str  # «aucun e-mail»
    label: str  # the progress bar's

    def count(self, number: int) -> str:
        return {0: self.none, 1: f"1 {self.one}"}.get(number, f"{number} {self.many}")

    def describe(self, row) -> str:
        if self.model is OutboxSms:
            return f"{row.to_phone} : « {row.text[:60]}{'…' if len(row.text) > 60 else ''} »"
        return f"{row.to_email} : « {row.subject} »"


CHANNELS = (
    Channel(
        OutboxMessage,
        lambda pk: services.outbox_send(message_id=pk),
        "e-mail",
        "e-mails",
        "aucun e-mail",
        "Boîte d'envoi (e-mails)",
    ),
    Channel(OutboxSms, lambda pk: services.sms_send(sms_id=pk), "SMS", "SMS", "aucun SMS", "Boîte d'envoi (SMS)"),
)


def _upper(text: str) -> str:
    """The first letter a capital, the rest as written («Aucun SMS»)."""
    return text[:1].upper() + text[1:]


def _attempt(row) -> str:
    return "1re tentative" if row.attempts == 0 else f"{row.attempts + 1}e tentative"


def _sent(channel: Channel, number: int) -> str:
    plural = "s" if number > 1 else ""
    return f"{_upper(channel.count(number))} envoyé{plural}."


class Command(ProgressCommand):
    help = (
        "Envoie les e-mails et les SMS en attente de la boîte d'envoi, les plus anciens d'abord, comme les workers "
        "de django-q2 : chacun sous verrou, une seule fois ; un envoi qui échoue est retenté au passage suivant, "
        f"puis abandonné (« En échec ») après {services.MAX_ATTEMPTS} tentatives. Relancée, la commande n'envoie "
        "rien deux fois. Cron (sans django-q2) : « * * * * * manage.py send_outbox »."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, help="Envoyer au plus ce nombre d'e-mails, et autant de SMS (les plus anciens)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Lister ce qui serait envoyé, sans rien envoyer.")

    def handle(self, *args, limit, dry_run, **options):
        if limit is not None and limit < 1:
            raise CommandError("--limit doit être un nombre d'envois, au moins 1.")
        if dry_run:
            self.stdout.write("Simulation : aucun e-mail ni SMS n'est envoyé, rien n'est modifié.")
        for channel in CHANNELS:
            if dry_run:
                self.simulate(channel, limit)
            else:
                self.send(channel, limit)

    def simulate(self, channel: Channel, limit: int | None) -> None:
        due = selectors.outbox_due(model=channel.model)
        rows = list(due[:limit] if limit else due)
        for row in rows:
            self.stdout.write(
                f"  {formats.datetime_numeric(row.created_at)} → {channel.describe(row)} ({_attempt(row)})"
            )
        verb = "serait envoyé" if len(rows) == 1 else "seraient envoyés"
        self.stdout.write(
            f"{_upper(channel.count(len(rows)))} {verb}." if rows else f"{_upper(channel.none)} à envoyer."
        )

    def send(self, channel: Channel, limit: int | None) -> None:
        ids = selectors.outbox_due_ids(model=channel.model, limit=limit)
        if not ids:
            self.stdout.write(f"{_upper(channel.none)} à envoyer.")
            return
        sent = 0
        with self.progress(total=len(ids), label=channel.label, unit=f" {channel.one}") as bar:
            for pk in ids:
                sent += channel.send(pk)
                bar.update(1)
        self.stdout.write(_sent(channel, sent))
        if sent < len(ids):
            self.report_unsent(channel, ids)

    def report_unsent(self, channel: Channel, ids: list[int]) -> None:
        """The rows not sent now: another sender took them, or the attempt failed (retried, or abandoned)."""
        unsent = channel.model.objects.filter(pk__in=ids).exclude(status=OutboxStatus.SENT).order_by("created_at")
        for row in unsent:
            if row.status == OutboxStatus.FAILED:
                outcome = f"abandonné après {row.attempts} tentatives, à renvoyer depuis la boîte d'envoi"
            else:
                outcome = "nouvel essai au prochain passage"
            error = f" : {row.last_error}" if row.last_error else ""
            self.stderr.write(f"Non envoyé à {channel.describe(row)} ({outcome}){error}")
