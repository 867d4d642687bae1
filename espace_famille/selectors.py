"""Reads of the family space, shaped for its screens."""

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from . import rules
from .models import (
    FAMILY_FILE_KINDS,
    AuthorizedContact,
    Child,
    EventKind,
    Family,
    Guardian,
    Request,
    RequestEvent,
    RequestKind,
    RequestState,
    Subscription,
    User,
    Vaccination,
)

# Events the family reads as messages: the service's decisions and messages, not its own submissions.
MESSAGE_EVENTS = (EventKind.ACCEPTED, EventKind.REFUSED, EventKind.PARTIAL, EventKind.MESSAGE)
FAMILY_DATA_KINDS = (RequestKind.ADDRESS_CHANGE, RequestKind.FISCAL_CHANGE, RequestKind.BANK_CHANGE)


def family_by_subscriber_code(*, code: str) -> Family | None:
    normalized = rules.normalize_subscriber_code(code)
    if not normalized:
        return None
    return Family.objects.filter(subscriber_code__iexact=normalized).first()


def subscriptions_for(*, user: User) -> QuerySet[Subscription]:
    return Subscription.objects.filter(user=user).select_related("family").order_by("created_at", "pk")


def families_for(*, user: User) -> list[Family]:
    if not user.is_authenticated:
        return []
    return [subscription.family for subscription in subscriptions_for(user=user)]


def current_family(*, user: User, chosen_id: int | None = None) -> Family | None:
    """The family a parent is working on: the one chosen in the session, else the first subscribed."""
    families = families_for(user=user)
    for family in families:
        if family.pk == chosen_id:
            return family
    return families[0] if families else None


def guardian_for(*, user: User, pk: int) -> Guardian:
    """A guardian of one of the user's families, or 404."""
    return get_object_or_404(Guardian.objects.select_related("family"), pk=pk, family__subscriptions__user=user)


def child_for(*, user: User, pk: int) -> Child:
    """A child of one of the user's families with its tables, or 404."""
    queryset = Child.objects.select_related("family").prefetch_related(
        Prefetch("vaccinations", queryset=Vaccination.objects.all()),
        Prefetch("contacts", queryset=AuthorizedContact.objects.all()),
    )
    return get_object_or_404(queryset, pk=pk, family__subscriptions__user=user)


def pending_request(*, family: Family, kind: str, guardian=None, child=None) -> Request | None:
    return Request.objects.filter(
        family=family, kind=kind, guardian=guardian, child=child, state=RequestState.PENDING
    ).first()


def pending_child_additions(*, family: Family) -> list[Request]:
    return list(Request.objects.filter(family=family, kind=RequestKind.CHILD_ADD, state=RequestState.PENDING))


def requests_for(*, user: User) -> QuerySet[Request]:
    """The requests of every family the user is subscribed to, with their count of unread messages."""
    unread = Count(
        "events",
        filter=Q(events__visible_to_family=True, events__kind__in=MESSAGE_EVENTS)
        & (Q(family_seen_at__isnull=True) | Q(events__created_at__gt=F("family_seen_at"))),
    )
    return (
        Request.objects.filter(family__subscriptions__user=user).annotate(unread=unread).order_by("-created_at", "-pk")
    )


def unread_messages_count(*, user: User) -> int:
    """The messages of «Mes demandes» the user has not read yet, over all their families: one query."""
    return (
        RequestEvent.objects.filter(
            request__family__subscriptions__user=user, visible_to_family=True, kind__in=MESSAGE_EVENTS
        )
        .filter(Q(request__family_seen_at__isnull=True) | Q(created_at__gt=F("request__family_seen_at")))
        .count()
    )


def request_for(*, user: User, pk: int) -> Request:
    """One request of the user's families with its history as the family sees it, or 404."""
    queryset = Request.objects.select_related("family", "guardian", "child").prefetch_related(
        Prefetch(
            "events",
            queryset=RequestEvent.objects.filter(visible_to_family=True).select_related("author"),
            to_attr="family_events",
        ),
        "lines",
    )
    return get_object_or_404(queryset, pk=pk, family__subscriptions__user=user)


def family_members(*, family: Family) -> dict:
    """«Ma famille»: guardians, children, and which of them have a change awaiting the service."""
    pending = list(
        Request.objects.filter(family=family, state=RequestState.PENDING, kind__in=FAMILY_FILE_KINDS).only(
            "kind", "guardian_id", "child_id", "subject", "created_at"
        )
    )
    return {
        "guardians": list(family.guardians.all()),
        "children": list(family.children.all()),
        "pending_guardians": {r.guardian_id for r in pending if r.guardian_id},
        "pending_children": {r.child_id for r in pending if r.child_id},
        "pending_family": any(r.kind in FAMILY_DATA_KINDS for r in pending),
        "pending_additions": [r for r in pending if r.kind == RequestKind.CHILD_ADD],
    }
