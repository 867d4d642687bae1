"""Writes of the messages to families: sending a message (its families, their e-mails and SMS queued in the same
transaction, an audit entry) and a family reading it."""

import hashlib

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from espace_famille.dossier import selectors as dossier_selectors
from espace_famille.messagerie import emails as message_emails
from espace_famille.messagerie import rules, selectors
from espace_famille.messagerie.exceptions import MessageInvalid
from espace_famille.messagerie.models import FamilyMessage, FamilyMessageRecipient
from notifications import rendering, sms
from notifications import services as notifications

SEND = "messagerie.send_familymessage"
EMAIL_KIND = message_emails.KIND
SEND_ACTION = "portail.family_message.send"


def _check(*, subject: str, body: str, sms_text: str, by_email: bool, by_sms: bool) -> None:
    if not subject.strip():
        raise MessageInvalid("Indiquez l'objet du message.")
    if not body.strip():
        raise MessageInvalid("Écrivez le message.")
    if not (by_email or by_sms):
        raise MessageInvalid("Choisissez au moins un moyen d'envoi : e-mail ou SMS.")
    if by_sms and not sms.enabled():
        raise MessageInvalid("L'envoi de SMS n'est pas configuré sur ce portail.")
    if by_sms and (error := rules.sms_error(sms_text)):
        raise MessageInvalid(error)


def _email_key(message: FamilyMessage, family_id: int, address: str) -> str:
    digest = hashlib.sha256(address.lower().encode()).hexdigest()[:24]
    return f"{EMAIL_KIND}:{message.pk}:{family_id}:{digest}"


def message_send(
    *,
    audience: rules.Audience,
    subject: str,
    body: str,
    sms_text: str = "",
    by_email: bool,
    by_sms: bool,
    by: AbstractUser,
) -> FamilyMessage:
    """Write to the families of `audience`: one recipient row per family (in its «Mes messages»), an e-mail to each
    address and an SMS to each number the family is reached at (espace_famille.messagerie.rules.reach), queued in
    this transaction and sent by the workers after it commits. A form sent twice is sent once by the single-use
    intent its view consumes in this same transaction."""
    if by is None or not by.has_perm(SEND):
        raise PermissionDenied("Vous n'avez pas le droit d'écrire aux familles.")
    _check(subject=subject, body=body, sms_text=sms_text, by_email=by_email, by_sms=by_sms)
    with transaction.atomic():
        plan = selectors.audience_plan(audience=audience, by_email=by_email, by_sms=by_sms)
        if not plan.families:
            raise MessageInvalid("Aucune famille ne correspond à ces destinataires : rien n'a été envoyé.")
        message = FamilyMessage.objects.create(
            author=by,
            audience=audience.kind,
            family=audience.family if audience.kind == rules.FAMILY else None,
            activity=audience.activity if audience.kind == rules.ACTIVITY else None,
            facility=audience.facility if audience.kind == rules.FACILITY else None,
            start_date=audience.start if audience.kind != rules.FAMILY else None,
            end_date=audience.last_day if audience.kind != rules.FAMILY else None,
            audience_label=audience.label[:255],
            subject=subject.strip(),
            body=body.strip(),
            sms_text=sms_text.strip() if by_sms else "",
            by_email=by_email,
            by_sms=by_sms,
        )
        recipients = FamilyMessageRecipient.objects.bulk_create(
            FamilyMessageRecipient(message=message, family=family) for family, _ in plan.families
        )
        emails, texts, email_links, sms_links = [], [], [], []
        link, text = message_emails.link(), rendering.paragraphs(message.body)
        for recipient, (family, reach) in zip(recipients, plan.families, strict=True):
            for address, person in reach.emails:
                key = _email_key(message, family.pk, address)
                context = message_emails.context(
                    person=person, family=family, subject=message.subject, body=text, lien=link
                )
                emails.append((address, key, context))
                email_links.append((recipient, key))
            for number, _person in reach.sms:
                key = f"{EMAIL_KIND}:{message.pk}:{family.pk}:{number}"
                texts.append((number, key, message.sms_text))
                sms_links.append((recipient, key))
        notifications.queue_many(kind=EMAIL_KIND, messages=emails)
        email_ids = notifications.outbox_ids(keys=[key for _, key in email_links])
        sms_ids = notifications.sms_queue_many(kind=EMAIL_KIND, messages=texts)
        FamilyMessageRecipient.emails.through.objects.bulk_create(
            FamilyMessageRecipient.emails.through(familymessagerecipient_id=r.pk, outboxmessage_id=email_ids[key])
            for r, key in email_links
        )
        FamilyMessageRecipient.sms.through.objects.bulk_create(
            FamilyMessageRecipient.sms.through(familymessagerecipient_id=r.pk, outboxsms_id=sms_ids[key])
            for r, key in sms_links
        )
        log(
            instance=message,
            action=SEND_ACTION,
            user=by,
            data={
                "destinataires": message.audience_label,
                "familles": len(recipients),
                "e-mails": len(emails),
                "sms": len(texts),
            },
        )
    return message


def message_mark_read(*, recipient: FamilyMessageRecipient, by: AbstractUser) -> None:
    """A parent of the family opened the message: it is no longer new (the first reading is kept)."""
    if not dossier_selectors.is_subscribed(user=by, family=recipient.family_id):
        raise PermissionDenied("Ce message n'est pas adressé à votre famille.")
    if recipient.read_at is not None:
        return
    with transaction.atomic():
        FamilyMessageRecipient.objects.select_for_update().filter(pk=recipient.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
