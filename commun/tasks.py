"""Handing work to the django-q2 cluster, or leaving it for cron where the install runs without one.

settings.TASKS_RUNNER (env PORTAIL_TASKS) says who runs the tasks: "cluster" (`manage.py qcluster`, the default) or
"cron" (no cluster: the crontab runs commands, `manage.py register_schedules` prints it). Under cron, `enqueue`
queues nothing — a task queued for a cluster that does not exist would wait in the broker forever — and the work
stays where the commands find it: an outbox row stays pending until `send_outbox`, an invoicing run waits for
`invoicing_run --pending`."""

from django.conf import settings

CLUSTER = "cluster"
CRON = "cron"
RUNNERS = (CLUSTER, CRON)


def runner() -> str:
    return getattr(settings, "TASKS_RUNNER", CLUSTER)


def has_cluster() -> bool:
    return runner() != CRON


def enqueue(func: str, *args, task_name: str | None = None) -> bool:
    """Queue `func(*args)` (a dotted path) for a worker of the cluster; False, queueing nothing, under cron.

    Call it after commit (transaction.on_commit): a worker must find the rows the transaction wrote."""
    if not has_cluster():
        return False
    from django_q.tasks import async_task

    async_task(func, *args, **({"task_name": task_name} if task_name else {}))
    return True
