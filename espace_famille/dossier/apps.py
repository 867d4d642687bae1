"""Dossier: the family file — family, guardians, children, health, contacts, photos — and the diff of a change."""

from django.apps import AppConfig


class DossierConfig(AppConfig):
    name = "espace_famille.dossier"
    label = "dossier"
    verbose_name = "Dossier famille"

    def ready(self):
        from espace_famille.dossier import emails, personal_data
        from notifications import kinds

        personal_data.register_all()
        for kind in emails.KINDS:
            kinds.register(kind)
