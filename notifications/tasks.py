"""django-q2 callables: thin wrappers around the outbox services."""

from . import services


def send_outbox_message(message_id: int) -> bool:
    return services.outbox_send(message_id=message_id)


def send_outbox_messages(message_ids: list[int]) -> int:
    return sum(services.outbox_send(message_id=pk) for pk in message_ids)


def sweep_outbox() -> int:
    return services.outbox_sweep()
