"""`export_prelevements`: generate the direct-debit lots and write their pain.008 files, as «Prélèvements» does in the
admin."""

from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from commun import formats
from espace_facturation import debits
from espace_facturation.exceptions import BillingError
from espace_facturation.models import DebitBatch, Regie
from espace_facturation.permissions import DEBIT


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Date « {value} » invalide : écrivez AAAA-MM-JJ, par exemple 2027-01-15.") from None


class Command(BaseCommand):
    help = (
        "Génère le lot de prélèvement SEPA (pain.008.001.02, vérifié par le schéma) d'une régie pour une échéance, et "
        "l'écrit dans --output ; sans --regie, chaque régie qui prélève (un fichier par régie, suffixé de son numéro "
        "quand elles sont plusieurs) ; sans --echeance, la prochaine date qui a des prélèvements. Les factures du "
        "lot passent « En cours de prélèvement ». Relancée, la commande réécrit le même lot : elle n'en fait jamais "
        "deux pour une date. Au nom du régisseur donné par --user."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="Le fichier XML à écrire.")
        parser.add_argument("--regie", help="La régie : son nom (émetteur) ou son numéro.")
        parser.add_argument("--echeance", help="La date de prélèvement, AAAA-MM-JJ.")
        parser.add_argument("--user", required=True, help="L'e-mail du régisseur au nom duquel le lot est généré.")

    def handle(self, *args, output, regie, echeance, user, **options):
        by = get_user_model().objects.filter(email__iexact=user, is_active=True).first()
        if by is None:
            raise CommandError(f"Aucun compte actif pour « {user} ».")
        if not by.has_perm(DEBIT):
            raise CommandError(f"Le compte « {user} » n'a pas le droit de prélever : ajoutez-le aux Régisseurs.")
        regies = [self.regie(regie)] if regie else list(Regie.objects.exclude(creditor_id="").order_by("pk"))
        chosen = _day(echeance) if echeance else None
        plans = []
        for one in regies:
            collection_date = chosen or debits.next_collection_date(regie=one)
            if collection_date is None:
                self.stdout.write(f"{one.name} : aucun prélèvement à venir.")
                continue
            plans.append((one, collection_date))
        if not plans:
            return
        path = Path(output)
        for one, collection_date in plans:
            target = path if len(plans) == 1 else path.with_name(f"{path.stem}-{one.pk}{path.suffix}")
            existed = DebitBatch.objects.filter(regie=one, collection_date=collection_date).exists()
            try:
                batch = debits.batch_generate(regie=one, collection_date=collection_date, by=by)
            except (BillingError, PermissionDenied) as error:
                raise CommandError(f"{one.name} : {getattr(error, 'message', str(error))}") from error
            target.write_text(batch.xml, encoding="utf-8")
            again = " (lot déjà généré, fichier réécrit)" if existed else ""
            self.stdout.write(
                f"{one.name}, prélèvement du {formats.date_numeric(collection_date)} : {batch.count} prélèvement(s), "
                f"total {formats.money(batch.total)} → {target}{again}"
            )

    def regie(self, value: str) -> Regie:
        found = Regie.objects.filter(pk=int(value)).first() if value.isdigit() else None
        found = found or Regie.objects.filter(name=value).first()
        if found is None:
            known = ", ".join(f"« {n} »" for n in Regie.objects.order_by("name").values_list("name", flat=True))
            raise CommandError(f"Aucune régie « {value} ». Régies : {known or 'aucune'}.")
        return found
