"""Register the periodic tasks in django-q2; safe to run again (deployments run it every time). On an install without
the cluster (PORTAIL_TASKS=cron), or with --crontab, print the crontab that runs their commands instead."""

from django.core.management.base import BaseCommand
from django_q.models import Schedule

from commun import tasks as runners
from notifications import schedules

CRONTAB_HEADER = (
    "# Portail Famille sans django-q2 (PORTAIL_TASKS=cron) : la crontab de l'utilisateur du portail, lancée depuis "
    "le dossier du projet avec ses variables d'environnement.",
    "# Heures de Paris : serveur à l'heure de Paris, ou CRON_TZ=Europe/Paris (cronie).",
)


def _specs() -> list[dict]:
    """What each task the apps registered (notifications.schedules) writes in django-q2."""
    specs = []
    for task in schedules.all_tasks():
        spec = {"name": task.name, "func": task.func, "schedule_type": task.schedule_type, **task.options}
        if task.first_run is not None:
            spec["next_run"] = task.first_run
        specs.append(spec)
    return specs


def crontab_lines(manage: str = "manage.py") -> list[str]:
    lines = list(CRONTAB_HEADER)
    for job in schedules.crontab():
        lines += [f"# {job.name}", job.line(manage)]
    return lines


class Command(BaseCommand):
    help = (
        "Enregistre les tâches périodiques dans django-q2 (idempotent). Sans django-q2 (PORTAIL_TASKS=cron) ou avec "
        "--crontab, n'enregistre rien et affiche la crontab qui lance leurs commandes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--crontab", action="store_true", help="Afficher la crontab d'une installation sans django-q2."
        )
        parser.add_argument(
            "--manage",
            default="manage.py",
            help="Comment la crontab lance manage.py (par exemple « /srv/portail/.venv/bin/python manage.py »).",
        )

    def handle(self, *args, crontab, manage, **options):
        if crontab or not runners.has_cluster():
            if not crontab:
                self.stdout.write(
                    "# PORTAIL_TASKS=cron : aucune tâche enregistrée dans django-q2, cron lance ces commandes."
                )
            self.stdout.write("\n".join(crontab_lines(manage)))
            return
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
