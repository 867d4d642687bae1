"""The messages of the service in «Télécharger mes données»: date, subject and text of each."""

from xml.sax.saxutils import escape

from commun.data_export import json_value, when
from espace_famille.messagerie.models import FamilyMessageRecipient


def collect(family) -> list[dict]:
    received = FamilyMessageRecipient.objects.filter(family=family).select_related("message")
    return [
        {
            "sent_at": json_value(recipient.message.created_at),
            "subject": recipient.message.subject,
            "text": recipient.message.body,
            "read_at": json_value(recipient.read_at),
        }
        for recipient in received.order_by("message__created_at", "pk")
    ]


def render(doc, rows: list[dict]) -> None:
    doc.para("Messages du service", "h2")
    listing = [[when(row["sent_at"]), escape(row["subject"]), escape(row["text"])] for row in rows]
    doc.listing(["Date", "Objet", "Message"], listing, (2.5, 4.5, 10), empty="Aucun message.")
