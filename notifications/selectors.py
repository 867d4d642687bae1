"""Reads of the outbox (e-mails, and SMS with model=OutboxSms): the rows due to be sent, for the periodic sweep and
`manage.py send_outbox`."""

from django.db.models import QuerySet
from django.utils import timezone

from .models import OutboxMessage, OutboxStatus


def outbox_due(*, model=OutboxMessage, older_than_seconds: int = 0) -> QuerySet:
    """The rows still to send, oldest first: pending, never tried or due for another attempt (a row is abandoned,
    «En échec», after services.MAX_ATTEMPTS attempts). `older_than_seconds` leaves alone the rows just written,
    which a worker is about to send."""
    rows = model.objects.filter(status=OutboxStatus.PENDING)
    if older_than_seconds:
        rows = rows.filter(created_at__lte=timezone.now() - timezone.timedelta(seconds=older_than_seconds))
    return rows.order_by("created_at", "pk")


def outbox_due_ids(*, model=OutboxMessage, older_than_seconds: int = 0, limit: int | None = None) -> list[int]:
    ids = outbox_due(model=model, older_than_seconds=older_than_seconds).values_list("pk", flat=True)
    return list(ids[:limit] if limit else ids)


def keys_queued(keys: list[str]) -> set[str]:
    """Which of these outbox keys are already written (queue() would not write them again)."""
    found = set()
    for start in range(0, len(keys), 900):  # SQLite's limit on a query's parameters
        found.update(OutboxMessage.objects.filter(key__in=keys[start : start + 900]).values_list("key", flat=True))
    return found
