"""«Pièces justificatives»: the documents a family provides, checked and validated by the service."""

from django.apps import AppConfig


class JustificatifsConfig(AppConfig):
    name = "espace_famille.justificatifs"
    label = "justificatifs"
    verbose_name = "Pièces justificatives"

    def ready(self):
        from espace_famille.demandes import kinds
        from espace_famille.justificatifs.handlers import DocumentHandler

        kinds.register(DocumentHandler())

        from commun.menus import MenuItem, register
        from espace_famille.justificatifs import emails, personal_data, tasks
        from notifications import kinds, schedules

        register(
            MenuItem(
                section="espace_famille",
                key="documents",
                label="Pièces justificatives",
                url_name="justificatifs:list",
                order=30,
                description="Les documents demandés par le service enfance : ajouter, remplacer, voir.",
            )
        )
        for kind in emails.KINDS:
            kinds.register(kind)
        for task in tasks.SCHEDULES:
            schedules.register(task)
        personal_data.register_all()
