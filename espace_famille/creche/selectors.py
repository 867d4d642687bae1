"""Reads of the pre-registration."""

from espace_famille.creche.models import CrecheDraft
from espace_famille.demandes.models import Request, RequestKind
from espace_famille.dossier.models import Family


def draft_data(*, family: Family) -> dict:
    """The family's draft answers, or an empty dict."""
    draft = CrecheDraft.objects.filter(family=family).only("data").first()
    return draft.data if draft else {}


def prefill(*, family: Family) -> dict:
    """Answers taken from the family file: the guardians, the address, the allocataire number."""
    values = {
        "r1_allocataire": family.allocataire_number,
        "country": "France",
        "postcode": family.postcode,
        "city": family.city,
        "address_line": family.address_line,
        "address_complement": family.address_complement,
    }
    for prefix, guardian in zip(("r1", "r2"), family.guardians.order_by("position", "pk")[:2], strict=False):
        values.update(
            {
                f"{prefix}_civility": guardian.civility,
                f"{prefix}_last_name": guardian.last_name,
                f"{prefix}_first_name": guardian.first_name,
                f"{prefix}_phone": guardian.mobile or guardian.phone,
                f"{prefix}_email": guardian.email,
            }
        )
    return {name: value for name, value in values.items() if value}


def wizard_values(*, family: Family) -> dict:
    """The draft over the family file's values."""
    return {**prefill(family=family), **draft_data(family=family)}


def latest_application(*, family: Family) -> Request | None:
    """The family's last pre-registration sent, where a repeated «Envoyer» leads."""
    return Request.objects.filter(family=family, kind=RequestKind.CRECHE).order_by("-created_at", "-pk").first()
