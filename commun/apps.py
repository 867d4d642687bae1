"""The shared bottom layer: no domain app, imported by all."""

from django.apps import AppConfig


class CommunConfig(AppConfig):
    name = "commun"
    verbose_name = "Commun"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import admin_display, audit_retention

        audit_retention.register_all()
        admin_display.register_display_classes()
