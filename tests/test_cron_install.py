"""A cron-only install (PORTAIL_TASKS=cron) misses none of the cluster's work: every periodic task names the command
cron runs in its place, nothing is handed to django-q2 but through commun.tasks, and `register_schedules` prints
the crontab instead of writing schedules nobody would run."""

import io
import re
import shlex
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.core.management import call_command, get_commands
from django_q.models import Schedule
from wagtail.models import ModelLogEntry

from cms import checks
from notifications import schedules
from notifications.models import OutboxMessage

ROOT = Path(__file__).resolve().parent.parent
APPS = ("cms", "commun", "home", "notifications", "espace_famille", "espace_facturation")

CRONTAB = [
    "* * * * * manage.py send_outbox",
    "0 13 * * * manage.py send_digests --slot 13h",
    "0 18 * * * manage.py send_digests --slot 18h",
    "0 3 * * * manage.py retention",
    "0 9 * * * manage.py send_expiry_reminders",
    "*/5 * * * * manage.py invoicing_run --pending",
    "30 8 * * * manage.py relances",
    "0 6 5 1 * manage.py attestations_frais_de_garde",
    "*/5 * * * * manage.py attestations_frais_de_garde --pending",
    "0 7 * * * manage.py debit_notices",
    "30 7 * * * manage.py debit_settle",
]


def register_schedules(*args) -> str:
    out = io.StringIO()
    call_command("register_schedules", *args, stdout=out)
    return out.getvalue()


def test_every_periodic_task_and_every_queued_task_has_its_line_in_the_crontab():
    tasks = {task.func for task in schedules.all_tasks()}
    assert tasks == {
        "notifications.tasks.sweep_outbox",
        "espace_famille.demandes.tasks.send_digests",
        "cms.retention.run_scheduled",
        "espace_famille.justificatifs.tasks.send_expiry_reminders",
        "espace_facturation.tasks.send_reminders",
        "espace_facturation.tasks.certificates_of_last_year",
        "espace_facturation.debit_tasks.send_debit_notices",
        "espace_facturation.debit_tasks.settle_debit_batches",
    }
    assert sorted(job.line() for job in schedules.crontab()) == sorted(CRONTAB)
    commands = get_commands()
    for job in schedules.crontab():
        assert shlex.split(job.command)[0] in commands, job


def test_nothing_is_queued_for_the_cluster_but_through_commun_tasks():
    """A task queued elsewhere would wait forever on an install without the cluster."""
    callers = [
        str(path.relative_to(ROOT))
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if re.search(r"\basync_task\b|\bschedule\(", path.read_text()) and path != ROOT / "commun" / "tasks.py"
    ]
    assert callers == []


@pytest.mark.django_db
def test_every_command_of_the_crontab_runs_dry_and_changes_nothing(site):
    before = (OutboxMessage.objects.count(), ModelLogEntry.objects.count())
    for job in schedules.crontab():
        out = io.StringIO()
        call_command(*shlex.split(job.command), "--dry-run", stdout=out, stderr=io.StringIO())
        assert out.getvalue(), job
    assert (OutboxMessage.objects.count(), ModelLogEntry.objects.count()) == before


@pytest.mark.django_db
def test_under_cron_register_schedules_prints_the_crontab_and_registers_nothing(settings):
    settings.TASKS_RUNNER = "cron"
    out = register_schedules("--manage", "/srv/portail/.venv/bin/python manage.py").splitlines()
    assert out[0].startswith("# PORTAIL_TASKS=cron : aucune tâche enregistrée dans django-q2")
    lines = [line for line in out if not line.startswith("#")]
    assert sorted(lines) == sorted(
        line.replace("manage.py", "/srv/portail/.venv/bin/python manage.py") for line in CRONTAB
    )
    assert "# Accusés de traitement de 13:00" in out
    assert not Schedule.objects.exists()


@pytest.mark.django_db
def test_the_cluster_gets_its_schedules_and_the_crontab_is_printed_on_demand():
    assert "créée : Envoi des e-mails restés en attente" in register_schedules()
    assert Schedule.objects.count() == len(schedules.all_tasks())
    printed = register_schedules("--crontab")
    assert "* * * * * manage.py send_outbox" in printed and "créée" not in printed
    assert Schedule.objects.count() == len(schedules.all_tasks())


def test_an_unknown_tasks_runner_stops_the_server_with_a_french_explanation(settings):
    settings.TASKS_RUNNER = "crontab"
    errors = [error for error in run_checks() if error.id == checks.TASKS_RUNNER_UNKNOWN]
    assert [error.msg for error in errors] == [
        "PORTAIL_TASKS vaut « crontab » : les tâches ne seraient lancées par personne."
    ]
    settings.TASKS_RUNNER = "cron"
    assert not [error for error in run_checks() if error.id == checks.TASKS_RUNNER_UNKNOWN]
