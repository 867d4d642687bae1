"""Modifications: the pages where a family asks to change its file, and how such a request is applied."""

from django.apps import AppConfig


class ModificationsConfig(AppConfig):
    name = "espace_famille.modifications"
    label = "modifications"
    verbose_name = "Demandes de modification du dossier"

    def ready(self):
        from espace_famille.demandes import kinds
        from espace_famille.modifications.handlers import FamilyFileHandler

        kinds.register(FamilyFileHandler())

        from commun.menus import MenuItem, register

        register(
            MenuItem(
                section="espace_famille",
                key="family_file",
                label="Dossier Famille",
                url_name="espace_famille:family_file",
                order=10,
                description=family_file_summary,
            )
        )


def family_file_summary(request, context) -> str:
    """«2 responsables, 3 enfants : …», counted from the lists the page shows below (no query of its own)."""
    guardians, children = len(context["guardians"]), len(context["children"])
    return (
        f"{guardians} responsable{'' if guardians == 1 else 's'}, {children} enfant{'' if children == 1 else 's'} : "
        "consulter et modifier les données de votre famille."
    )
