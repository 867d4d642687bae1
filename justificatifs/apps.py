"""«Pièces justificatives»: the documents a family provides, checked and validated by the service."""

from django.apps import AppConfig


class JustificatifsConfig(AppConfig):
    name = "justificatifs"
    verbose_name = "Pièces justificatives"
