"""«Pré-inscription en crèche»: a family's application for a place in a crèche."""

from django.apps import AppConfig


class CrecheConfig(AppConfig):
    name = "espace_famille.creche"
    label = "creche"
    verbose_name = "Pré-inscription en crèche"

    def ready(self):
        from espace_famille.creche.handlers import CrecheHandler
        from espace_famille.demandes import kinds

        kinds.register(CrecheHandler())

        from commun.menus import MenuItem, register
        from espace_famille.creche import personal_data

        register(
            MenuItem(
                section="espace_famille",
                key="creche",
                label="Pré-inscription en crèche",
                url_name="creche:start",
                order=40,
                description="Demander une place pour votre enfant.",
            )
        )
        personal_data.register_all()
