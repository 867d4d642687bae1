"""The periodic tasks domain apps ask for, registered when they start; `register_schedules` writes them to django-q2,
or, on an install without the cluster (commun.tasks), prints the crontab that runs their commands instead.

notifications imports no domain app: each app registers its own tasks by dotted path, and says for each the command
cron runs in its place, so that a cron-only install misses none of them."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, kw_only=True)
class CronJob:
    """A line of the crontab of an install without the cluster: a crontab schedule, Paris time («0 13 * * *»),
    and the management command with its options («send_digests --slot 13h»)."""

    name: str
    cron: str
    command: str

    def line(self, manage: str = "manage.py") -> str:
        return f"{self.cron} {manage} {self.command}"


@dataclass(frozen=True, kw_only=True)
class PeriodicTask:
    name: str
    func: str
    schedule_type: str
    # What cron runs in its place where there is no cluster: every periodic task names its command.
    cron: str
    command: str
    options: dict = field(default_factory=dict)
    # When a new schedule first runs (django-q2 then keeps its local hour across the clock changes).
    first_run: Callable[[], datetime] | None = None

    def cron_job(self) -> CronJob:
        return CronJob(name=self.name, cron=self.cron, command=self.command)


_tasks: dict[str, PeriodicTask] = {}
_cron_only: dict[str, CronJob] = {}


def register(task: PeriodicTask) -> None:
    _tasks[task.name] = task


def register_cron_only(job: CronJob) -> None:
    """A job the cluster does on demand (a task queued by a service) that cron must poll for."""
    _cron_only[job.name] = job


def all_tasks() -> list[PeriodicTask]:
    return sorted(_tasks.values(), key=lambda task: task.name)


def crontab() -> list[CronJob]:
    """What cron runs on an install without the cluster: every periodic task's command and the cron-only jobs."""
    jobs = [task.cron_job() for task in _tasks.values()] + list(_cron_only.values())
    return sorted(jobs, key=lambda job: job.name)
