"""The family space: a package of small apps (comptes, dossier, demandes, planning, modifications,
justificatifs, creche).

This app keeps the historical label `espace_famille`: the models of comptes, dossier, demandes and planning
declare `app_label = "espace_famille"`, so that their tables, content types, permissions and migrations
(`espace_famille/migrations/`) stay what they were before the family space was split."""

from django.apps import AppConfig


class EspaceFamilleConfig(AppConfig):
    name = "espace_famille"
    verbose_name = "Espace famille"
