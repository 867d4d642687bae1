"""Direct-debit mandates: created when a family's choice of «prélèvement» is accepted, amended by a new account.

The family file (espace_famille.dossier) knows nothing of billing: it sends `bank_details_changed` inside the
transaction that applied the accepted request, and `mandates_follow_family` keeps one mandate per family and
régie that debits (a creditor identifier and account), under a lock on the family's mandates."""

import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from espace_famille.comptes.models import User
from espace_famille.demandes.kinds import CHANGE_REQUEST
from espace_famille.dossier.models import Family
from espace_famille.dossier.rules import mask_iban

from . import rules
from .exceptions import BillingError
from .models import Mandate, MandateAmendment, Regie, SequenceType
from .permissions import DEBIT


def _check(by: User | None) -> None:
    """Bank details are decided by whoever decides family-file requests; régisseurs may sync mandates too."""
    if by is None or not (by.has_perm(CHANGE_REQUEST) or by.has_perm(DEBIT)):
        raise PermissionDenied("Vous n'avez pas le droit de modifier les mandats de prélèvement.")


def _new_reference(regie: Regie, family: Family) -> str:
    while True:
        reference = rules.mandate_reference(regie_id=regie.pk, family_id=family.pk, token=secrets.token_hex(4))
        if not Mandate.objects.filter(reference=reference).exists():
            return reference


def mandates_sync(*, family: Family, by: User | None) -> list[Mandate]:
    """Bring the family's mandates in line with its file: with «prélèvement automatique» and a valid account, one
    active mandate per régie that debits (created, or amended when the IBAN changed: a new FRST sequence, the
    amendment recorded); without, its mandates revoked. Call inside the transaction that changed the file."""
    _check(by)
    today = timezone.localdate()
    with transaction.atomic():
        family = Family.objects.select_for_update().get(pk=family.pk)
        mandates = {m.regie_id: m for m in Mandate.objects.select_for_update().filter(family=family)}
        iban, bic = rules.compact_account(family.iban), rules.compact_account(family.bic)
        wanted = family.direct_debit and not rules.bank_account_problem(iban=iban, bic=bic)
        kept = []
        for regie in Regie.objects.exclude(creditor_id="").exclude(creditor_iban="").order_by("pk"):
            mandate = mandates.get(regie.pk)
            if not wanted:
                if mandate is not None and mandate.active:
                    mandate.active, mandate.revoked_on = False, today
                    mandate.save(update_fields=["active", "revoked_on"])
                    log(instance=mandate, action="portail.mandate.revoke", user=by)
                continue
            holder = family.account_holder or f"Famille {family.name}"
            if mandate is None:
                mandate = Mandate.objects.create(
                    regie=regie,
                    family=family,
                    reference=_new_reference(regie, family),
                    signed_on=today,
                    account_holder=holder[:150],
                    iban=iban,
                    bic=bic,
                )
                log(instance=mandate, action="portail.mandate.create", user=by, data={"regie": regie.name})
            else:
                fields = ["account_holder", "iban", "bic", "active", "revoked_on"]
                if mandate.iban != iban:
                    MandateAmendment.objects.create(
                        mandate=mandate,
                        old_iban=mask_iban(mandate.iban),
                        new_iban=mask_iban(iban),
                        amended_on=today,
                        created_by=by,
                    )
                    mandate.sequence = SequenceType.FIRST
                    fields.append("sequence")
                    log(instance=mandate, action="portail.mandate.amend", user=by, data={"iban": mask_iban(iban)})
                if not mandate.active:
                    # Direct debit chosen again: a new signature date and a first debit again.
                    mandate.signed_on, mandate.sequence = today, SequenceType.FIRST
                    fields += ["signed_on", "sequence"]
                    log(instance=mandate, action="portail.mandate.create", user=by, data={"regie": regie.name})
                mandate.account_holder, mandate.iban, mandate.bic = holder[:150], iban, bic
                mandate.active, mandate.revoked_on = True, None
                mandate.save(update_fields=sorted(set(fields)))
            kept.append(mandate)
    return kept


def mandates_follow_family(sender, *, family: Family, by: User | None, fields: set, **kwargs) -> None:
    """Receiver of dossier's `bank_details_changed`: the accepted request's decider acts."""
    mandates_sync(family=family, by=by)


def mandate_for(*, regie_id: int, family_id: int) -> Mandate | None:
    return Mandate.objects.filter(regie_id=regie_id, family_id=family_id, active=True).first()


def check_debitable(mandate: Mandate | None) -> Mandate:
    if mandate is None or not mandate.active:
        raise BillingError("Cette famille n'a pas de mandat de prélèvement actif pour cette régie.")
    return mandate
