"""Email templates, outbox and scheduled sending."""

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import personal_data, schedules, tasks, template_cache
        from .models import EmailTemplate

        personal_data.register_all()
        post_save.connect(template_cache.template_forget, sender=EmailTemplate, dispatch_uid="email_template_saved")
        post_delete.connect(template_cache.template_forget, sender=EmailTemplate, dispatch_uid="email_template_deleted")
        for task in tasks.SCHEDULES:
            schedules.register(task)
