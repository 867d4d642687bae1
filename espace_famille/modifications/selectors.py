"""Reads of the family space, shaped for its screens."""

from espace_famille.demandes.models import FAMILY_FILE_KINDS, Request, RequestKind, RequestState
from espace_famille.demandes.selectors import FAMILY_DATA_KINDS
from espace_famille.dossier.models import Family


def family_members(*, family: Family) -> dict:
    """«Ma famille»: guardians, children, and which of them have a change awaiting the service."""
    pending = list(
        Request.objects.filter(family=family, state=RequestState.PENDING, kind__in=FAMILY_FILE_KINDS).only(
            "kind", "guardian_id", "child_id", "subject", "created_at"
        )
    )
    return {
        "guardians": list(family.guardians.all()),
        "children": list(family.children.all()),
        "pending_guardians": {r.guardian_id for r in pending if r.guardian_id},
        "pending_children": {r.child_id for r in pending if r.child_id},
        "pending_family": any(r.kind in FAMILY_DATA_KINDS for r in pending),
        "pending_additions": [r for r in pending if r.kind == RequestKind.CHILD_ADD],
    }
