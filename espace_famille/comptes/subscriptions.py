"""The ways of subscribing («M'abonner»): each app registers its own, in the guide's order."""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms

from espace_famille.dossier.models import Family


@dataclass(frozen=True)
class SubscriptionWay:
    slug: str
    title: str
    help_text: str
    form_class: type[forms.Form]
    find_family: Callable[[dict], Family | None]
    position: int


_ways: dict[str, SubscriptionWay] = {}


def register(way: SubscriptionWay) -> None:
    _ways[way.slug] = way


def ways() -> list[SubscriptionWay]:
    return sorted(_ways.values(), key=lambda way: way.position)


def get(slug: str) -> SubscriptionWay | None:
    return _ways.get(slug)
