"""The messages' part of «À faire» (commun.todo): each message from the service not read yet."""

from datetime import date

from django.urls import reverse

from commun import formats, todo
from espace_famille.messagerie.models import FamilyMessageRecipient


def family_todo(*, family, user, today: date) -> list[todo.Todo]:
    unread = (
        FamilyMessageRecipient.objects.filter(family=family, read_at__isnull=True)
        .select_related("message")
        .order_by("-message__created_at", "-pk")
    )
    return [
        todo.Todo(
            text=f"Nouveau message : {recipient.message.subject}",
            detail=f"Reçu le {formats.date_numeric(recipient.message.created_at)}.",
            url=reverse("messagerie:detail", args=[recipient.pk]),
            action="Lire le message",
            rank=todo.NEWS,
        )
        for recipient in unread
    ]
