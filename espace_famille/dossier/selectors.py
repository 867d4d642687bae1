"""Reads of the family file, shaped for its screens."""

from django.contrib.auth.models import AbstractUser
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from espace_famille.dossier import rules
from espace_famille.dossier.models import AuthorizedContact, Child, Family, Guardian, Vaccination


def family_by_subscriber_code(*, code: str) -> Family | None:
    normalized = rules.normalize_subscriber_code(code)
    if not normalized:
        return None
    return Family.objects.filter(subscriber_code__iexact=normalized).first()


def families_for(*, user: AbstractUser) -> list[Family]:
    if not user.is_authenticated:
        return []
    subscribed = Family.objects.filter(subscriptions__user=user)
    return list(subscribed.order_by("subscriptions__created_at", "subscriptions__pk"))


def current_family(*, user: AbstractUser, chosen_id: int | None = None) -> Family | None:
    """The family a parent is working on: the one chosen in the session, else the first subscribed."""
    families = families_for(user=user)
    for family in families:
        if family.pk == chosen_id:
            return family
    return families[0] if families else None


def guardian_for(*, user: AbstractUser, pk: int) -> Guardian:
    """A guardian of one of the user's families, or 404."""
    return get_object_or_404(Guardian.objects.select_related("family"), pk=pk, family__subscriptions__user=user)


def child_for(*, user: AbstractUser, pk: int) -> Child:
    """A child of one of the user's families with its tables, or 404."""
    queryset = Child.objects.select_related("family").prefetch_related(
        Prefetch("vaccinations", queryset=Vaccination.objects.all()),
        Prefetch("contacts", queryset=AuthorizedContact.objects.all()),
    )
    return get_object_or_404(queryset, pk=pk, family__subscriptions__user=user)


def is_subscribed(*, user: AbstractUser | None, family: Family | int) -> bool:
    """Whether this account is linked to this family file (a subscription)."""
    if user is None or not user.is_authenticated:
        return False
    family_id = getattr(family, "pk", family)
    return Family.objects.filter(pk=family_id, subscriptions__user=user).exists()
