"""«Pièces justificatives»: the documents a family provides, checked and validated by the service."""

from django.apps import AppConfig


class JustificatifsConfig(AppConfig):
    name = "justificatifs"
    verbose_name = "Pièces justificatives"

    def ready(self):
        from notifications import kinds, schedules

        from . import emails, personal_data, tasks

        for kind in emails.KINDS:
            kinds.register(kind)
        for task in tasks.SCHEDULES:
            schedules.register(task)
        personal_data.register_all()
