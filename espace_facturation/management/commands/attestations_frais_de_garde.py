"""`attestations_frais_de_garde`: the year's childcare certificates of every family, as «Établir les attestations»
in the admin and the January schedule do; or the runs started from the admin that no worker executed."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError
from django.utils import timezone

from commun.progress import ProgressCommand
from espace_facturation import certificates
from espace_facturation.exceptions import BillingError
from espace_facturation.models import CertificateRun, ChildcareCertificate, RunState
from espace_facturation.permissions import INVOICING


def _count(count: int) -> str:
    return {0: "aucune attestation", 1: "1 attestation"}.get(count, f"{count} attestations")


class Command(ProgressCommand):
    help = (
        "Établit les attestations de frais de garde d'une année (par défaut l'année passée) : pour chaque enfant de "
        "moins de six ans au 1er janvier, les sommes payées dans l'année pour les activités qui ouvrent droit à "
        "l'attestation, repas exclus. Relancée, la commande n'établit que les attestations qui manquent. Avec "
        "--pending, exécute les campagnes lancées depuis l'administration qu'aucun worker n'a exécutées. Cron (sans "
        "django-q2) : « 0 6 5 1 * manage.py attestations_frais_de_garde » et « */5 * * * * manage.py "
        "attestations_frais_de_garde --pending »."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--annee", type=int, help="L'année des paiements, par exemple 2026 (par défaut l'année passée)."
        )
        parser.add_argument("--user", help="L'e-mail du régisseur au nom duquel elles sont établies (facultatif).")
        parser.add_argument(
            "--pending", action="store_true", help="Exécuter les campagnes lancées et pas encore exécutées."
        )
        parser.add_argument("--dry-run", action="store_true", help="Dire combien seraient établies, sans rien écrire.")

    def handle(self, *args, annee, user, pending, dry_run, **options):
        if dry_run:
            self.stdout.write("Simulation : aucune attestation n'est établie, rien n'est modifié.")
        if pending:
            if annee or user:
                raise CommandError("--pending s'emploie seul : sans --annee ni --user.")
            self.run_pending(dry_run=dry_run)
            return
        year = annee or timezone.localdate().year - 1
        try:
            certificates.check_year(year)
        except BillingError as error:
            raise CommandError(error.message) from None
        by = self.regisseur(user) if user else None
        if dry_run:
            drafts = certificates.drafts_for_year(year=year)
            made = set(ChildcareCertificate.objects.filter(year=year).values_list("regie_id", "child_id", "family_id"))
            missing = [key for key in drafts if key not in made]
            self.stdout.write(
                f"Attestations {year} : {_count(len(missing))} à établir, {_count(len(made))} déjà établie(s)."
            )
            return
        try:
            run = certificates.certificate_run_start(year=year, by=by, queue=False)
        except (BillingError, PermissionDenied) as error:
            raise CommandError(getattr(error, "message", str(error))) from error
        self.execute_run(run)

    def regisseur(self, email: str):
        found = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if found is None:
            raise CommandError(f"Aucun compte actif pour « {email} ».")
        if not found.has_perm(INVOICING):
            raise CommandError(f"Le compte « {email} » n'est pas régisseur : ajoutez-le aux Régisseurs.")
        return found

    def run_pending(self, *, dry_run: bool) -> None:
        runs = list(
            CertificateRun.objects.filter(started_at__isnull=True, state=RunState.RUNNING)
            .select_related("created_by")
            .order_by("pk")
        )
        if not runs:
            self.stdout.write("Aucune campagne d'attestations en attente.")
            return
        for run in runs:
            if dry_run:
                self.stdout.write(f"Attestations {run.year} : campagne en attente, serait exécutée.")
            else:
                self.execute_run(run)

    def execute_run(self, run: CertificateRun) -> None:
        with self.progress(total=0, label=f"Attestations {run.year}", unit=" famille") as bar:

            def total(count: int) -> None:
                bar.total = count
                bar.refresh()

            try:
                run = certificates.certificate_run_execute(run=run, progress=bar.update, total=total)
            except (BillingError, PermissionDenied) as error:
                raise CommandError(f"Attestations {run.year} : {getattr(error, 'message', str(error))}") from error
        self.stdout.write(f"Attestations {run.year} : {_count(run.created_count)} établie(s).")
