"""Models of the family space: accounts, families and subscriptions."""

from .accounts import Civility, User
from .family import Child, Family, Guardian, Sex, Subscription, SubscriptionMethod

__all__ = ["Child", "Civility", "Family", "Guardian", "Sex", "Subscription", "SubscriptionMethod", "User"]
