"""«Pièces justificatives»: the documents a family provides, checked and validated by the service."""

from django.apps import AppConfig


class JustificatifsConfig(AppConfig):
    name = "justificatifs"
    verbose_name = "Pièces justificatives"

    def ready(self):
        from cms import retention
        from espace_famille import export as family_export
        from notifications import kinds, schedules

        from . import emails, export, tasks
        from .retention import delete_expired

        for kind in emails.KINDS:
            kinds.register(kind)
        for task in tasks.SCHEDULES:
            schedules.register(task)
        family_export.register_part(export.PART)
        retention.register_step(retention.Step("pièces justificatives", delete_expired))
