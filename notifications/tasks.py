"""django-q2 callables: thin wrappers around the outbox services."""

from . import services


def send_outbox_message(message_id: int) -> bool:
    return services.outbox_send(message_id=message_id)


def send_outbox_messages(message_ids: list[int]) -> int:
    return sum(services.outbox_send(message_id=pk) for pk in message_ids)


def send_sms_messages(sms_ids: list[int]) -> int:
    return sum(services.sms_send(sms_id=pk) for pk in sms_ids)


def sweep_outbox() -> int:
    """E-mails and SMS left pending (broker down, worker crashed, a provider to try again)."""
    return services.outbox_sweep() + services.sms_sweep()
