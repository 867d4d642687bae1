"""`send_digests`: the processing digests of a slot, for an install whose cron runs them instead of the task cluster."""

from datetime import time

from django.utils import timezone

from commun import formats
from commun.progress import ProgressCommand
from espace_famille.demandes import digests

SLOTS = {"13h": time(13, 0), "18h": time(18, 0)}


class Command(ProgressCommand):
    help = (
        "Envoie les accusés de traitement : chaque famille reçoit en un e-mail les décisions prises sur ses demandes "
        "et pas encore annoncées. --slot 13h annonce les décisions prises jusqu'à 13:00 (heure de Paris), --slot 18h "
        "celles prises jusqu'à 18:00 ; sans --slot, le dernier créneau terminé. Un créneau qui n'a pas tourné est "
        "rattrapé par le suivant ; relancé, un créneau n'envoie rien deux fois. "
        "Cron (heure de Paris) : « 0 13 * * * manage.py send_digests --slot 13h » et « 0 18 * * * manage.py "
        "send_digests --slot 18h »."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--slot", choices=sorted(SLOTS), help="Le créneau : 13h ou 18h (par défaut, le dernier créneau terminé)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Dire ce qui serait envoyé, sans rien envoyer.")

    def handle(self, *args, slot, dry_run, **options):
        now = timezone.now()
        slot_end = digests.latest_slot_end(SLOTS[slot], now=now) if slot else digests.slot_end_at_or_before(now)
        label = f"créneau du {formats.datetime_numeric(slot_end)}"
        if dry_run:
            self.stdout.write("Simulation : aucun e-mail n'est envoyé, rien n'est modifié.")
            plan = digests.digests_plan(slot_end=slot_end)
            self.stdout.write(f"Accusés de traitement, {label} : {self.summary(plan, conditional=True)}.")
            return
        with self.progress(total=0, label="Accusés de traitement", unit=" famille") as bar:

            def advance(done: int, total: int) -> None:
                bar.total = total
                bar.update(done)

            result = digests.digests_send(slot_end=slot_end, progress=advance)
        self.stdout.write(f"Accusés de traitement, {label} : {self.summary(result, conditional=False)}.")

    @staticmethod
    def summary(result: digests.DigestResult, *, conditional: bool) -> str:
        if not result.families:
            return "aucune décision à annoncer"
        emails = {0: "aucun e-mail", 1: "1 e-mail"}.get(result.emails, f"{result.emails} e-mails")
        verb = "envoyé" if result.emails < 2 else "envoyés"
        if conditional:
            verb = f"{'serait' if result.emails < 2 else 'seraient'} {verb}"
        families = "1 famille" if result.families == 1 else f"{result.families} familles"
        decisions = "1 décision" if result.decisions == 1 else f"{result.decisions} décisions"
        return f"{emails} {verb} pour {families}, {decisions}"
