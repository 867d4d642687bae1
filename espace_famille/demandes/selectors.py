"""Reads of the family space, shaped for its screens."""

from django.contrib.auth.models import AbstractUser
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from espace_famille.demandes.models import (
    EventKind,
    Request,
    RequestEvent,
    RequestKind,
    RequestState,
)
from espace_famille.dossier.models import Family

# Events the family reads as messages: the service's decisions and messages, not its own submissions.
MESSAGE_EVENTS = (EventKind.ACCEPTED, EventKind.REFUSED, EventKind.PARTIAL, EventKind.MESSAGE)


FAMILY_DATA_KINDS = (RequestKind.ADDRESS_CHANGE, RequestKind.FISCAL_CHANGE, RequestKind.BANK_CHANGE)


def pending_request(*, family: Family, kind: str, guardian=None, child=None) -> Request | None:
    return Request.objects.filter(
        family=family, kind=kind, guardian=guardian, child=child, state=RequestState.PENDING
    ).first()


def pending_child_additions(*, family: Family) -> list[Request]:
    return list(Request.objects.filter(family=family, kind=RequestKind.CHILD_ADD, state=RequestState.PENDING))


def requests_for(*, user: AbstractUser) -> QuerySet[Request]:
    """The requests of every family the user is subscribed to, with their count of unread messages."""
    unread = Count(
        "events",
        filter=Q(events__visible_to_family=True, events__kind__in=MESSAGE_EVENTS)
        & (Q(family_seen_at__isnull=True) | Q(events__created_at__gt=F("family_seen_at"))),
    )
    return (
        Request.objects.filter(family__subscriptions__user=user).annotate(unread=unread).order_by("-created_at", "-pk")
    )


def unread_messages_count(*, user: AbstractUser) -> int:
    """The messages of «Mes demandes» the user has not read yet, over all their families: one query."""
    return (
        RequestEvent.objects.filter(
            request__family__subscriptions__user=user, visible_to_family=True, kind__in=MESSAGE_EVENTS
        )
        .filter(Q(request__family_seen_at__isnull=True) | Q(created_at__gt=F("request__family_seen_at")))
        .count()
    )


def request_for(*, user: AbstractUser, pk: int) -> Request:
    """One request of the user's families with its history as the family sees it, or 404."""
    queryset = Request.objects.select_related("family", "guardian", "child", "activity__facility").prefetch_related(
        Prefetch(
            "events",
            queryset=RequestEvent.objects.filter(visible_to_family=True).select_related("author"),
            to_attr="family_events",
        ),
        "lines",
    )
    return get_object_or_404(queryset, pk=pk, family__subscriptions__user=user)
