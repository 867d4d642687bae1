"""After an upgrade, the staff roles (groups and their permissions) made exactly their definition in the code."""

from django.core.management.base import BaseCommand

from espace_famille.comptes.permissions import RoleChange, roles_sync


def describe(change: RoleChange) -> list[str]:
    """The lines that tell an administrator, in French, what the sync did to one group."""
    if change.deleted:
        return [
            f"Groupe « {change.group} » supprimé : {change.members_moved} membre(s) déplacé(s) vers "
            f"« {change.members_moved_to} »."
        ]
    lines = [f"Rôle « {change.group} » {'créé' if change.created else 'mis à jour'} :"]
    lines += [f"  + {permission}" for permission in change.added]
    lines += [f"  - {permission}" for permission in change.removed]
    return lines


class Command(BaseCommand):
    help = (
        "Remet les rôles des agents (Instructeurs, Chargés de communication, Régisseurs, Administrateurs) et "
        "leurs permissions à leur définition ; remplace les groupes « Editors » et « Moderators » de Wagtail."
    )

    def handle(self, *args, **options):
        changes = roles_sync()
        if not changes:
            self.stdout.write("Les rôles sont déjà à jour : rien n'a changé.")
            return
        for change in changes:
            self.stdout.write("\n".join(describe(change)))
        self.stdout.write(self.style.SUCCESS(f"{len(changes)} groupe(s) modifié(s)."))
