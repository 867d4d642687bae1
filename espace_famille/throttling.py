"""Throttle wrong subscription attempts: a subscriber code is a secret, guessing must not pay.

Failures are counted per account and per address (django-ratelimit); once either count reaches
the limit, every attempt is refused, even a right one, until the window ends.
"""

from django.conf import settings
from django_ratelimit.core import get_usage

GROUP = "subscription-failures"
KEYS = ("user", "ip")


def subscription_blocked(request) -> bool:
    for key in KEYS:
        usage = get_usage(request, group=GROUP, key=key, rate=settings.SUBSCRIPTION_RATE, increment=False)
        if usage and usage["count"] >= usage["limit"]:
            return True
    return False


def subscription_failed(request) -> None:
    for key in KEYS:
        get_usage(request, group=GROUP, key=key, rate=settings.SUBSCRIPTION_RATE, increment=True)
