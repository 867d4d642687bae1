"""The shared bottom layer: no domain app, imported by all."""

from django.apps import AppConfig


class CommunConfig(AppConfig):
    name = "commun"
    verbose_name = "Commun"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.backends.signals import connection_created

        from . import admin_display, audit_retention, write_generation

        connection_created.connect(write_generation.install, dispatch_uid="commun.write_generation")

        audit_retention.register_all()
        admin_display.register_display_classes()
