"""django-q2 callables: thin wrappers around the outbox services, and the sweep's schedule."""

from . import services
from .schedules import PeriodicTask


def send_outbox_message(message_id: int) -> bool:
    return services.outbox_send(message_id=message_id)


def send_outbox_messages(message_ids: list[int]) -> int:
    return sum(services.outbox_send(message_id=pk) for pk in message_ids)


def sweep_outbox() -> int:
    return services.outbox_sweep()


SCHEDULES = [
    # Every minute: what a worker left pending (broker down, worker crashed, an attempt that failed). Without the
    # cluster, cron's send_outbox is the only sender: every e-mail leaves within the minute.
    PeriodicTask(
        name="Envoi des e-mails restés en attente",
        func="notifications.tasks.sweep_outbox",
        schedule_type="I",
        options={"minutes": 1},
        cron="* * * * *",
        command="send_outbox",
    )
]
