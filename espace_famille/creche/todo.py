"""The crèche pre-registration's part of «À faire» (commun.todo): a pre-registration begun and not sent."""

from datetime import date

from django.urls import reverse

from commun import formats, todo
from espace_famille.creche.models import CrecheDraft


def family_todo(*, family, user, today: date) -> list[todo.Todo]:
    draft = CrecheDraft.objects.filter(family=family).exclude(data={}).first()
    if draft is None:
        return []
    return [
        todo.Todo(
            text="Pré-inscription en crèche à terminer",
            detail=f"Enregistrée le {formats.date_numeric(draft.updated_at)}, pas encore envoyée.",
            url=reverse("creche:start"),
            action="Reprendre la pré-inscription",
        )
    ]
