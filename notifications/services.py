"""Queue, send and resend emails and SMS. Each is an outbox row first, written with its cause."""

import logging
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from commun import tasks

from . import kinds, rendering, selectors, sms, sms_text
from .models import EmailTemplate, OutboxMessage, OutboxSms, OutboxStatus
from .signature import current as current_signature
from .template_cache import template_for

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
ENQUEUE_BATCH = 100  # rows sent by one worker task when emails are queued in bulk
SWEEP_BATCH = 500  # rows the periodic sweep sends at most in one run


def _enqueue(message_id: int) -> None:
    """Hand the row to a worker; without a cluster (commun.tasks) it stays pending for `manage.py send_outbox`."""
    try:
        tasks.enqueue("notifications.tasks.send_outbox_message", message_id, task_name=f"outbox-{message_id}")
    except Exception:  # the broker may be down: the periodic sweep sends the row later
        logger.exception("Could not enqueue outbox message %s", message_id)


def _with_signature(context: dict, signature: dict) -> dict:
    return {
        "commune": signature.get("name", ""),
        "telephone": signature.get("phone", ""),
        "horaires": signature.get("opening_hours", ""),
        "service": signature.get("service_name", ""),
        **context,
    }


def render_for(*, kind: str, context: dict, signature: dict | None = None) -> rendering.RenderedEmail:
    email_kind = kinds.get(kind)
    template = template_for(kind)
    signature = current_signature() if signature is None else signature
    full_context = _with_signature(context, signature)
    return rendering.render(kind=email_kind, context=full_context, template=template, signature=signature)


def queue(*, kind: str, to: str, key: str, context: dict) -> OutboxMessage:
    """Write the email in the outbox inside the caller's transaction; it is sent after commit.

    The key makes queueing idempotent: the same cause never produces two emails. No savepoint inside the caller's
    transaction: an error here undoes the cause with its e-mail (two round trips fewer under the caller's locks).
    """
    with transaction.atomic(savepoint=False):
        existing = OutboxMessage.objects.filter(key=key).first()
        if existing:
            return existing
        signature = current_signature()  # read once: it costs queries, often inside a caller's locks
        rendered = render_for(kind=kind, context=context, signature=signature)
        sender = signature.get("sender") or settings.DEFAULT_FROM_EMAIL
        message = OutboxMessage.objects.create(
            key=key,
            kind=kind,
            to_email=to,
            from_email=sender,
            subject=rendered.subject,
            body_text=rendered.text,
            body_html=rendered.html,
        )
        transaction.on_commit(lambda: _enqueue(message.pk))
    return message


def _enqueue_many(message_ids: list[int]) -> None:
    if not tasks.has_cluster():
        return
    for start in range(0, len(message_ids), ENQUEUE_BATCH):
        batch = message_ids[start : start + ENQUEUE_BATCH]
        try:
            tasks.enqueue("notifications.tasks.send_outbox_messages", batch, task_name=f"outbox-{batch[0]}-{batch[-1]}")
        except Exception:  # the broker may be down: the periodic sweep sends the rows later
            logger.exception("Could not enqueue outbox messages %s to %s", batch[0], batch[-1])


def queue_many(*, kind: str, messages: list[tuple[str, str, dict]]) -> int:
    """queue() for many emails of one kind (the processing digests): (to, key, context) each.

    The same guarantees, written for thousands of rows: the template and the signature are read once, the keys
    already queued are skipped in one query, the rows are inserted in bulk and handed to the workers by batches.
    Returns how many were queued."""
    if not messages:
        return 0
    email_kind = kinds.get(kind)
    with transaction.atomic():
        existing = selectors.keys_queued([key for _, key, _ in messages])
        template = template_for(kind)
        signature = current_signature()
        sender = signature.get("sender") or settings.DEFAULT_FROM_EMAIL
        rows = []
        for to, key, context in messages:
            if key in existing:
                continue
            existing.add(key)
            rendered = rendering.render(
                kind=email_kind, context=_with_signature(context, signature), template=template, signature=signature
            )
            rows.append(
                OutboxMessage(
                    key=key,
                    kind=kind,
                    to_email=to,
                    from_email=sender,
                    subject=rendered.subject,
                    body_text=rendered.text,
                    body_html=rendered.html,
                )
            )
        created = OutboxMessage.objects.bulk_create(rows, batch_size=500)
        ids = [message.pk for message in created]
        transaction.on_commit(lambda: _enqueue_many(ids))
    return len(rows)


def outbox_ids(*, keys: list[str]) -> dict[str, int]:
    """The e-mails queued under these keys: {key: outbox row id}, for a cause that keeps a link to them."""
    rows = []
    for start in range(0, len(keys), 900):
        rows += OutboxMessage.objects.filter(key__in=keys[start : start + 900]).values_list("key", "pk")
    return dict(rows)


def _deliver(model, pk: int, send, *, shown=(), final=()) -> bool:
    """Send one pending outbox row (an e-mail, an SMS) under its lock; a row already sent, or taken by another
    sender, is left alone. `send(row)` delivers it and returns the fields it sets on success. A failure is written
    on the row (the message of the errors in `shown` as they are) and tried again by the next sweep, up to
    MAX_ATTEMPTS; an error in `final` fails the row at once. Returns True if sent now."""
    with transaction.atomic():
        row = model.objects.select_for_update(skip_locked=True).filter(pk=pk, status=OutboxStatus.PENDING).first()
        if row is None:
            return False
        row.attempts += 1
        try:
            done = send(row) or {}
        except Exception as error:  # the server, the network, a provider's refusal: said on the row
            row.last_error = str(error) if isinstance(error, shown) else f"{type(error).__name__}: {error}"
            if isinstance(error, final) or row.attempts >= MAX_ATTEMPTS:
                row.status = OutboxStatus.FAILED
            row.save(update_fields=["attempts", "last_error", "status"])
            logger.warning("%s %s not sent: %s", model.__name__, row.pk, row.last_error)
            return False
        row.status, row.sent_at, row.last_error = OutboxStatus.SENT, timezone.now(), ""
        for name, value in done.items():
            setattr(row, name, value)
        row.save(update_fields=["attempts", "last_error", "status", "sent_at", *done])
        return True


def _send_email(message: OutboxMessage, *, connection=None) -> dict:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=message.from_email,
        to=[message.to_email],
        headers={"Auto-Submitted": "auto-generated", "X-Portail-Key": message.key},
        connection=connection,
    )
    email.attach_alternative(message.body_html, "text/html")
    email.send()
    return {}


def outbox_send(*, message_id: int) -> bool:
    """Send one pending e-mail under its lock; a row already sent is left alone. Returns True if sent now."""
    return _deliver(OutboxMessage, message_id, _send_email)


def outbox_send_many(*, message_ids) -> int:
    """outbox_send for many e-mails through one connection to the mail server (one SMTP session for the batch, not
    one per e-mail); each row is still sent and marked in its own transaction, so that a crash sends one e-mail
    twice at most. Returns how many were sent now."""
    message_ids = list(message_ids)
    if not message_ids:
        return 0
    with get_connection() as connection:
        return sum(
            _deliver(OutboxMessage, pk, lambda message: _send_email(message, connection=connection))
            for pk in message_ids
        )


def outbox_sweep(*, older_than_seconds: int = 30) -> int:
    """Send what workers left pending (broker down, worker crashed, a failed attempt to retry). Returns how many
    were sent."""
    ids = selectors.outbox_due_ids(older_than_seconds=older_than_seconds, limit=SWEEP_BATCH)
    return outbox_send_many(message_ids=ids)


def outbox_resend(*, message_id: int, by) -> bool:
    """Staff who may read the outbox send a failed (or already sent) email again."""
    if by is None or not by.has_perm("notifications.view_outboxmessage"):
        raise PermissionDenied("Vous n'avez pas le droit de renvoyer les e-mails de la boîte d'envoi.")
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().get(pk=message_id)
        message.status = OutboxStatus.PENDING
        message.attempts = 0
        message.save(update_fields=["status", "attempts"])
        log(instance=message, action="portail.outbox.resend", user=by)
    return outbox_send(message_id=message_id)


def template_send_test(*, template: EmailTemplate, to: str, by) -> OutboxMessage:
    """«Envoyer un test»: the template as saved, filled with sample data, to the staff member (who may edit
    templates)."""
    if by is None or not by.has_perm("notifications.change_emailtemplate"):
        raise PermissionDenied("Vous n'avez pas le droit d'envoyer un test de ce modèle d'e-mail.")
    kind = kinds.get(template.kind)
    signature = current_signature()
    rendered = rendering.render(kind=kind, context=kind.sample_context, template=template, signature=signature)
    with transaction.atomic():
        message = OutboxMessage.objects.create(
            key=f"test:{uuid.uuid4()}",
            kind=template.kind,
            to_email=to,
            from_email=signature.get("sender") or settings.DEFAULT_FROM_EMAIL,
            subject=f"[TEST] {rendered.subject}",
            body_text=rendered.text,
            body_html=rendered.html,
        )
        log(instance=template, action="portail.email.test", user=by, data={"to": to})
        transaction.on_commit(lambda: _enqueue(message.pk))
    return message


def _enqueue_sms(sms_ids: list[int]) -> None:
    """Hand the SMS to the workers; without a cluster (commun.tasks) they stay pending for `manage.py send_outbox`."""
    if not tasks.has_cluster():
        return
    for start in range(0, len(sms_ids), ENQUEUE_BATCH):
        batch = sms_ids[start : start + ENQUEUE_BATCH]
        try:
            tasks.enqueue("notifications.tasks.send_sms_messages", batch, task_name=f"sms-{batch[0]}-{batch[-1]}")
        except Exception:  # the broker may be down: the periodic sweep sends the rows later
            logger.exception("Could not enqueue SMS %s to %s", batch[0], batch[-1])


def sms_queue_many(*, kind: str, messages: list[tuple[str, str, str]]) -> dict[str, int]:
    """Write SMS in the outbox inside the caller's transaction, (number in E.164, key, text) each; they are sent
    after commit by the workers. As for e-mails, the key makes queueing idempotent. The text is sent as the GSM
    alphabet carries it (notifications.sms_text). Returns {key: outbox row id} for every key, new or not."""
    if not messages:
        return {}
    with transaction.atomic():
        keys = [key for _, key, _ in messages]
        found = {}
        for start in range(0, len(keys), 900):
            found.update(OutboxSms.objects.filter(key__in=keys[start : start + 900]).values_list("key", "pk"))
        sender = sms.sender()
        rows, seen = [], set(found)
        for to, key, text in messages:
            if key in seen:
                continue
            seen.add(key)
            rows.append(OutboxSms(key=key, kind=kind, to_phone=to, sender=sender, text=sms_text.to_gsm(text)))
        created = OutboxSms.objects.bulk_create(rows, batch_size=500)
        ids = [row.pk for row in created]
        found.update((row.key, row.pk) for row in created)
        transaction.on_commit(lambda: _enqueue_sms(ids))
    return found


def _send_sms(row: OutboxSms) -> dict:
    reference = sms.backend().send(sms.Sms(to=row.to_phone, text=row.text, sender=row.sender, reference=row.key))
    return {"provider_reference": reference[:100]}


def sms_send(*, sms_id: int) -> bool:
    """Send one pending SMS under its lock through the provider of SMS_URL. A refusal for good (an invalid number)
    fails the row at once; anything else is tried again by the sweep, up to MAX_ATTEMPTS. Returns True if sent."""
    return _deliver(OutboxSms, sms_id, _send_sms, shown=(sms.SmsError,), final=(sms.SmsRejected,))


def sms_sweep(*, older_than_seconds: int = 30) -> int:
    """Send the SMS workers left pending or will try again. Returns how many were sent."""
    ids = selectors.outbox_due_ids(model=OutboxSms, older_than_seconds=older_than_seconds, limit=SWEEP_BATCH)
    return sum(sms_send(sms_id=pk) for pk in ids)
