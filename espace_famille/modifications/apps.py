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
