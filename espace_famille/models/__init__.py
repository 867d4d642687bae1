"""Models of the family space: accounts, family files, subscriptions and requests."""

from .accounts import Civility, User
from .family import (
    AuthorizedContact,
    Child,
    Diet,
    Family,
    FamilySituation,
    Guardian,
    Quality,
    Relationship,
    Sex,
    Subscription,
    SubscriptionMethod,
    Vaccination,
)
from .requests import (
    FAMILY_FILE_KINDS,
    EventKind,
    LineState,
    Request,
    RequestEvent,
    RequestKind,
    RequestLine,
    RequestState,
)

__all__ = [
    "FAMILY_FILE_KINDS",
    "AuthorizedContact",
    "Child",
    "Civility",
    "Diet",
    "EventKind",
    "Family",
    "FamilySituation",
    "Guardian",
    "LineState",
    "Quality",
    "Relationship",
    "Request",
    "RequestEvent",
    "RequestKind",
    "RequestLine",
    "RequestState",
    "Sex",
    "Subscription",
    "SubscriptionMethod",
    "User",
    "Vaccination",
]
