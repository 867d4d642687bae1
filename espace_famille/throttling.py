"""Throttle wrong subscription attempts and wrong passwords given again: guessing must not pay.

Failures are counted per account and per address (django-ratelimit); once either count reaches
the limit, every attempt is refused, even a right one, until the window ends.
"""

from django.conf import settings
from django_ratelimit.core import get_usage

GROUP = "subscription-failures"
PASSWORD_GROUP = "password-confirmation-failures"
KEYS = ("user", "ip")


def _blocked(request, group: str) -> bool:
    for key in KEYS:
        usage = get_usage(request, group=group, key=key, rate=settings.SUBSCRIPTION_RATE, increment=False)
        if usage and usage["count"] >= usage["limit"]:
            return True
    return False


def _failed(request, group: str) -> None:
    for key in KEYS:
        get_usage(request, group=group, key=key, rate=settings.SUBSCRIPTION_RATE, increment=True)


def subscription_blocked(request) -> bool:
    return _blocked(request, GROUP)


def subscription_failed(request) -> None:
    _failed(request, GROUP)


def password_confirmation_blocked(request) -> bool:
    return _blocked(request, PASSWORD_GROUP)


def password_confirmation_failed(request) -> None:
    _failed(request, PASSWORD_GROUP)
