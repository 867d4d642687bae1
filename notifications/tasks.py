"""django-q2 callables: thin wrappers around the outbox services."""

from . import services


def send_outbox_message(message_id: int) -> bool:
    return services.outbox_send(message_id=message_id)


def sweep_outbox() -> int:
    return services.outbox_sweep()
