"""Register the periodic tasks in django-q2; safe to run again (deployments run it every time)."""

from django.core.management.base import BaseCommand
from django_q.models import Schedule

from notifications import schedules

SCHEDULES = [
    {
        "name": "Envoi des e-mails restés en attente",
        "func": "notifications.tasks.sweep_outbox",
        "schedule_type": Schedule.MINUTES,
        "minutes": 1,
    },
]


def _specs() -> list[dict]:
    """Ours, then those the domain apps registered (notifications.schedules)."""
    specs = [dict(spec) for spec in SCHEDULES]
    for task in schedules.all_tasks():
        spec = {"name": task.name, "func": task.func, "schedule_type": task.schedule_type, **task.options}
        if task.first_run is not None:
            spec["next_run"] = task.first_run
        specs.append(spec)
    return specs


class Command(BaseCommand):
    help = "Enregistre les tâches périodiques (idempotent)."

    def handle(self, *args, **options):
        for spec in _specs():
            values = {key: value for key, value in spec.items() if key not in ("name", "next_run")}
            # The first run is set once: running the command again never moves a run that is due.
            first = {"next_run": spec["next_run"]()} if "next_run" in spec else {}
            _, created = Schedule.objects.update_or_create(
                name=spec["name"],
                defaults={**values, "repeats": -1},
                create_defaults={**values, "repeats": -1, **first},
            )
            self.stdout.write(f"{'créée' if created else 'à jour'} : {spec['name']}")
