"""Writes of requests: one function per action, atomic, locked and audited."""

from django.contrib.auth.models import AbstractUser
from django.utils import timezone

from espace_famille.demandes import digests
from espace_famille.demandes.models import Request, RequestEvent, RequestState


def decision_record(request: Request, *, state: str, by: AbstractUser, message: str, event: str) -> Request:
    request.state = state
    request.decided_at = timezone.now()
    request.decided_by = by
    request.save(update_fields=["state", "decided_at", "decided_by"])
    RequestEvent.objects.create(request=request, kind=event, author=by, message=message.strip())
    digests.notice_for_request(request, accept=state == RequestState.ACCEPTED, message=message)
    return request


def request_mark_read(*, request: Request) -> None:
    """The family opened the request: its messages are read."""
    Request.objects.filter(pk=request.pk).update(family_seen_at=timezone.now())
