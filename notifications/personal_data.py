"""The outbox in the registry: a sent e-mail or SMS keeps its key (so nothing is sent twice) but loses its contents."""

from django.db.models import Q

from commun.personal_data import After, Anonymise, PersonalData, register

from .models import OutboxMessage, OutboxSms, OutboxStatus

PURGED = "(contenu effacé)"


def register_all() -> None:
    register(
        # Copies of e-mails already in the family's mailbox, found by address rather than by family, kept a short
        # while for the service to check a sending: the export leaves them out.
        PersonalData(
            OutboxMessage,
            rules=(
                After(
                    "RETENTION_OUTBOX_DAYS",
                    "created_at",
                    Anonymise({"to_email": "", "subject": PURGED, "body_text": "", "body_html": "", "last_error": ""}),
                    "contenus des e-mails envoyés il y a plus de {days} jours",
                    where=Q(status__in=(OutboxStatus.SENT, OutboxStatus.FAILED)),
                ),
            ),
            export=None,
        ),
        PersonalData(
            OutboxSms,
            rules=(
                After(
                    "RETENTION_OUTBOX_DAYS",
                    "created_at",
                    Anonymise({"to_phone": "", "text": PURGED, "last_error": ""}),
                    "contenus des SMS envoyés il y a plus de {days} jours",
                    where=Q(status__in=(OutboxStatus.SENT, OutboxStatus.FAILED)),
                ),
            ),
            export=None,
        ),
    )
