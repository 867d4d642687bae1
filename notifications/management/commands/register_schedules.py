"""Register the periodic tasks in django-q2; safe to run again (deployments run it every time)."""

from django.core.management.base import BaseCommand
from django_q.models import Schedule

SCHEDULES = [
    {
        "name": "Envoi des e-mails restés en attente",
        "func": "notifications.tasks.sweep_outbox",
        "schedule_type": Schedule.MINUTES,
        "minutes": 1,
    },
]


class Command(BaseCommand):
    help = "Enregistre les tâches périodiques (idempotent)."

    def handle(self, *args, **options):
        for spec in SCHEDULES:
            values = {key: value for key, value in spec.items() if key != "name"}
            _, created = Schedule.objects.update_or_create(name=spec["name"], defaults={**values, "repeats": -1})
            self.stdout.write(f"{'créée' if created else 'à jour'} : {spec['name']}")
