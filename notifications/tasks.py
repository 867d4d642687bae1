"""django-q2 callables: thin wrappers around the outbox services, and the sweep's schedule."""

from . import services
from .schedules import PeriodicTask


def send_outbox_message(message_id: int) -> bool:
    return services.outbox_send(message_id=message_id)


def send_outbox_messages(message_ids: list[int]) -> int:
    return services.outbox_send_many(message_ids=message_ids)


def send_sms_messages(sms_ids: list[int]) -> int:
    return sum(services.sms_send(sms_id=pk) for pk in sms_ids)


def sweep_outbox() -> int:
    """E-mails and SMS left pending (broker down, worker crashed, a provider to try again)."""
    return services.outbox_sweep() + services.sms_sweep()


SCHEDULES = [
    # Every minute: what a worker left pending (broker down, worker crashed, an attempt that failed). Without the
    # cluster, cron's send_outbox is the only sender: every e-mail and SMS leaves within the minute.
    # Its name is the one installs registered before SMS were sent too: register_schedules finds it by its name.
    PeriodicTask(
        name="Envoi des e-mails restés en attente",
        func="notifications.tasks.sweep_outbox",
        schedule_type="I",
        options={"minutes": 1},
        cron="* * * * *",
        command="send_outbox",
    )
]
