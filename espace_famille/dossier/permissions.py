"""The actor checks the family-side services make themselves, behind the views' own 404."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied

from espace_famille.dossier import selectors
from espace_famille.dossier.models import Family

# Reading a family's IBAN in full (régisseurs, administrators): everyone else reads it masked.
VIEW_FULL_IBAN = "espace_famille.view_full_iban"


def check_family_member(*, by: AbstractUser | None, family: Family | int, staff_permission: str = "") -> None:
    """Only a parent whose account is linked to the family file acts on it (PermissionDenied otherwise); where
    the service may act for a family (staff_permission), a staff member holding that permission too."""
    # The family's own parent first: one query, where the staff's permissions load every permission of the account.
    if selectors.is_subscribed(user=by, family=family):
        return
    if staff_permission and by is not None and by.has_perm(staff_permission):
        return
    raise PermissionDenied("Ce dossier famille n'est pas rattaché à votre compte.")


def check_staff_permission(*, by: AbstractUser | None, permission: str) -> None:
    """A staff action needs the permission of its admin screen (PermissionDenied otherwise)."""
    if by is None or not by.has_perm(permission):
        raise PermissionDenied("Vous n'avez pas le droit de faire cette action.")
