"""`invoicing_run`: a month's invoicing from cron (preview, issue, execute), or the runs started from the admin that
no worker executed, for an install without the task cluster."""

from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError
from django.utils import timezone

from commun import formats
from commun.progress import ProgressCommand
from espace_facturation import services
from espace_facturation.billable import billable
from espace_facturation.exceptions import BillingError
from espace_facturation.models import ZERO, InvoicingRun, Regie, RunState
from espace_facturation.permissions import INVOICING


def _month(value: str) -> date:
    try:
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1)
    except ValueError:
        raise CommandError(f"Mois « {value} » invalide : écrivez AAAA-MM, par exemple 2026-11.") from None


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Date « {value} » invalide : écrivez AAAA-MM-JJ, par exemple 2026-12-05.") from None


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


class Command(ProgressCommand):
    help = (
        "Facture un mois pour une régie, comme « Facturation du mois » dans l'administration : l'aperçu est calculé "
        "depuis les réservations, puis les factures sont émises (numérotées, envoyées aux familles) au nom du "
        "régisseur donné par --user, qui doit avoir le droit de facturer (groupe Régisseurs ; un compte dédié à la "
        "facturation automatique convient). Relancée, la commande ne facture jamais deux fois un jour : elle émet "
        "seulement ce qui reste à facturer. Avec --pending, exécute les facturations lancées depuis "
        "l'administration qu'aucun worker n'a exécutées (installation sans django-q2). "
        "Exemples de cron : « 0 6 1 * * manage.py invoicing_run --regie 'Regie BL Enfance' --month "
        "$(date -d 'last month' +\\%Y-\\%m) --user facturation@ville.fr » et « */5 * * * * manage.py invoicing_run "
        "--pending »."
    )

    def add_arguments(self, parser):
        parser.add_argument("--regie", help="La régie : son nom (émetteur), par exemple « Regie BL Enfance ».")
        parser.add_argument("--month", help="Le mois facturé, AAAA-MM (par exemple 2026-11).")
        parser.add_argument("--user", help="L'e-mail du régisseur au nom duquel les factures sont émises.")
        parser.add_argument("--issued-on", help="La date des factures, AAAA-MM-JJ (par défaut aujourd'hui).")
        parser.add_argument(
            "--pending", action="store_true", help="Exécuter les facturations lancées et pas encore exécutées."
        )
        parser.add_argument("--dry-run", action="store_true", help="Dire ce qui serait facturé, sans rien émettre.")

    def handle(self, *args, regie, month, user, issued_on, pending, dry_run, **options):
        if dry_run:
            self.stdout.write("Simulation : aucune facture n'est émise, rien n'est modifié.")
        if pending:
            if regie or month or user:
                raise CommandError("--pending s'emploie seul : sans --regie, --month ni --user.")
            self.run_pending(dry_run=dry_run)
            return
        if not (regie and month and user):
            raise CommandError("Indiquez --regie, --month et --user (ou --pending).")
        self.run_month(
            regie=self.regie(regie),
            month=_month(month),
            by=self.regisseur(user),
            issued_on=_day(issued_on) if issued_on else timezone.localdate(),
            dry_run=dry_run,
        )

    def regie(self, name: str) -> Regie:
        found = Regie.objects.filter(name=name).first()
        if found is None:
            known = ", ".join(f"« {n} »" for n in Regie.objects.order_by("name").values_list("name", flat=True))
            raise CommandError(f"Aucune régie nommée « {name} ». Régies : {known or 'aucune'}.")
        return found

    def regisseur(self, email: str):
        found = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if found is None:
            raise CommandError(f"Aucun compte actif pour « {email} ».")
        if not found.has_perm(INVOICING):
            raise CommandError(f"Le compte « {email} » n'a pas le droit de facturer : ajoutez-le aux Régisseurs.")
        return found

    def run_month(self, *, regie: Regie, month: date, by, issued_on: date, dry_run: bool) -> None:
        label = f"{regie.name}, {formats.month_year(month)}"
        previews = list(billable(regie=regie, month=month).values())
        if not previews:
            self.stdout.write(f"{label} : rien à facturer (tout est déjà facturé, ou rien n'est réservé).")
            return
        total = sum((preview.total for preview in previews), ZERO)
        days = sum(len(line.days) for preview in previews for line in preview.lines)
        if dry_run:
            self.stdout.write(
                f"{label} : {_plural(len(previews), 'facture serait émise', 'factures seraient émises')} "
                f"({_plural(days, 'jour', 'jours')}), total {formats.money(total)}, datées du "
                f"{formats.date_numeric(issued_on)}."
            )
            return
        try:
            draft = services.invoicing_preview(regie=regie, month=month, by=by)
            run = services.invoicing_run_start(draft=draft, by=by, issued_on=issued_on, queue=False)
        except (BillingError, PermissionDenied) as error:
            raise CommandError(getattr(error, "message", str(error))) from error
        self.execute_run(run)

    def run_pending(self, *, dry_run: bool) -> None:
        runs = list(
            InvoicingRun.objects.filter(started_at__isnull=True, state=RunState.RUNNING)
            .select_related("regie", "created_by", "draft")
            .order_by("pk")
        )
        if not runs:
            self.stdout.write("Aucune facturation en attente.")
            return
        for run in runs:
            label = f"{run.regie.name}, {formats.month_year(run.month)}"
            if dry_run:
                self.stdout.write(
                    f"{label} : facturation en attente ({_plural(run.families_total, 'famille', 'familles')}), "
                    "serait exécutée."
                )
            else:
                self.execute_run(run)

    def execute_run(self, run: InvoicingRun) -> None:
        label = f"{run.regie.name}, {formats.month_year(run.month)}"
        with self.progress(total=run.families_total, label=f"Facturation {label}", unit=" famille") as bar:
            try:
                run = services.invoicing_run_execute(run=run, progress=bar.update)
            except (BillingError, PermissionDenied) as error:
                raise CommandError(f"{label} : {getattr(error, 'message', str(error))}") from error
        self.stdout.write(
            f"{label} : {_plural(run.invoice_count, 'facture émise', 'factures émises')}, "
            f"total {formats.money(run.total_amount)}."
        )
