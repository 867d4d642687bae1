"""The requests' part of «À faire» (commun.todo): what the service answered in the last two weeks (decided by an
instructor, not by the activity's rules at the parent's own submission)."""

from datetime import date, timedelta

from django.urls import reverse

from commun import formats, todo
from espace_famille.demandes.models import Request, RequestState

ANSWERED_WITHIN = timedelta(days=14)
SHOWN = 5


def family_todo(*, family, user, today: date) -> list[todo.Todo]:
    answered = (
        Request.objects.filter(family=family, decided_by__isnull=False, decided_at__date__gte=today - ANSWERED_WITHIN)
        .exclude(state__in=(RequestState.PENDING, RequestState.WITHDRAWN))
        .order_by("-decided_at", "-pk")[:SHOWN]
    )
    return [
        todo.Todo(
            text=f"Demande {request.get_state_display().lower()} : {request.get_kind_display()}"
            + (f" ({request.subject})" if request.subject else ""),
            detail=f"Réponse du {formats.date_numeric(request.decided_at)}.",
            url=reverse("espace_famille:request_detail", args=[request.pk]),
            action="Voir la réponse",
            rank=todo.NEWS,
        )
        for request in answered
    ]
