"""Email templates, outbox and scheduled sending."""

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from . import personal_data, schedules, tasks

        personal_data.register_all()
        for task in tasks.SCHEDULES:
            schedules.register(task)
