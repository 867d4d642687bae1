"""Reads of the family space, shaped for its screens."""

from django.db.models import QuerySet

from espace_famille.comptes.models import User
from espace_famille.dossier.models import Subscription


def subscriptions_for(*, user: User) -> QuerySet[Subscription]:
    return Subscription.objects.filter(user=user).select_related("family").order_by("created_at", "pk")
