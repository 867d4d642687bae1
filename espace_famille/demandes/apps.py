"""Demandes: requests, their lines, history and messages, the decision framework, the processing digests."""

from django.apps import AppConfig


class DemandesConfig(AppConfig):
    name = "espace_famille.demandes"
    label = "demandes"
    verbose_name = "Demandes"

    def ready(self):
        from espace_famille.demandes import emails, menus, personal_data, tasks
        from notifications import kinds, schedules

        menus.register_all()
        for kind in emails.KINDS:
            kinds.register(kind)
        for task in tasks.SCHEDULES:
            schedules.register(task)
        personal_data.register_all()
