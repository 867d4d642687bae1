"""«Pré-inscription en crèche»: a family's application for a place in a crèche."""

from django.apps import AppConfig


class CrecheConfig(AppConfig):
    name = "creche"
    verbose_name = "Pré-inscription en crèche"
