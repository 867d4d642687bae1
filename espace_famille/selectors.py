"""Reads of the family space, shaped for its screens."""

from django.db.models import QuerySet

from . import rules
from .models import Family, Subscription, User


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
