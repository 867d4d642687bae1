"""Throttle wrong subscription attempts, wrong passwords given again and failed sign-ins: guessing must not pay.

Subscription and password-confirmation failures are counted per account and per address (django-ratelimit);
once either count reaches the limit, every attempt is refused, even a right one, until the window ends.
Sign-in failures are counted per account and address together, with growing delays (below).
"""

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django_ratelimit.core import get_usage

from commun import tokens
from commun.http import client_ip

GROUP = "subscription-failures"
PASSWORD_GROUP = "password-confirmation-failures"
KEYS = ("user", "ip")


def _keys(request) -> tuple[str, ...]:
    # Before signing in (the code typed at sign-up) only the address counts: every visitor would otherwise share
    # the account count of «no account», and one stranger would block everyone's sign-up.
    return KEYS if request.user.is_authenticated else ("ip",)


def _blocked(request, group: str) -> bool:
    for key in _keys(request):
        usage = get_usage(request, group=group, key=key, rate=settings.SUBSCRIPTION_RATE, increment=False)
        if usage and usage["count"] >= usage["limit"]:
            return True
    return False


def _failed(request, group: str) -> None:
    for key in _keys(request):
        get_usage(request, group=group, key=key, rate=settings.SUBSCRIPTION_RATE, increment=True)


def subscription_blocked(request) -> bool:
    return _blocked(request, GROUP)


def subscription_failed(request) -> None:
    _failed(request, GROUP)


def password_confirmation_blocked(request) -> bool:
    return _blocked(request, PASSWORD_GROUP)


def password_confirmation_failed(request) -> None:
    _failed(request, PASSWORD_GROUP)


# Failed sign-ins are counted per account and per address together, so that a stranger hammering someone's
# e-mail locks only their own address out, never the owner. The first LOGIN_FREE_FAILURES cost nothing; then each
# failure locks the pair twice as long as the one before (30 s, 1 min, 2 min... up to an hour). A pair's count is
# forgotten a day after its last failure. allauth's own limit per address (ACCOUNT_RATE_LIMITS) stays on top.
LOGIN_FREE_FAILURES = 3
LOGIN_FIRST_DELAY = 30
LOGIN_MAX_DELAY = 3600
LOGIN_MEMORY = 24 * 3600
# «Débloquer mon compte»: the link lasts a day, is used once, and at most one is sent an hour per account.
UNLOCK_PURPOSE = "account-unlock"
UNLOCK_VALIDITY = 24 * 3600
UNLOCK_EMAIL_INTERVAL = 3600


def _account(login: str) -> str:
    return hashlib.sha256(login.strip().lower().encode()).hexdigest()[:32]


def _pair(request, login: str) -> str:
    account = _account(login)
    # Unlocking the account moves it to a new generation: every address's count for it is then forgotten.
    generation = cache.get(f"login-generation:{account}", 0)
    return f"login-failures:{account}:{generation}:{client_ip(request)}"


def login_wait(request, login: str) -> int:
    """Seconds before this address may try this account again; 0: now."""
    state = cache.get(_pair(request, login))
    return max(0, math.ceil(state["until"] - time.time())) if state else 0


def login_failed(request, login: str) -> bool:
    """Count a wrong password for this account from this address; True when it is the failure that starts the
    lock (the moment to offer the owner an unlock link)."""
    key = _pair(request, login)
    count = (cache.get(key) or {"count": 0})["count"] + 1
    excess = count - LOGIN_FREE_FAILURES
    delay = min(LOGIN_FIRST_DELAY * 2 ** (excess - 1), LOGIN_MAX_DELAY) if excess > 0 else 0
    cache.set(key, {"count": count, "until": time.time() + delay}, LOGIN_MEMORY)
    return excess == 1


def login_succeeded(request, login: str) -> None:
    cache.delete(_pair(request, login))


def unlock_token(login: str) -> str | None:
    """A single-use token that clears the account's locks, or None if one was sent less than an hour ago."""
    account = _account(login)
    if not cache.add(f"login-unlock-sent:{account}", True, UNLOCK_EMAIL_INTERVAL):
        return None
    return tokens.issue(purpose=UNLOCK_PURPOSE, subject=account, validity=UNLOCK_VALIDITY)


def unlock(token: str) -> bool:
    """Clear the locks of the account the token was made for, once; False for a used, expired or forged token."""
    account = tokens.redeem(token, purpose=UNLOCK_PURPOSE, validity=UNLOCK_VALIDITY)
    if account is None:
        return False
    generation = f"login-generation:{account}"
    cache.add(generation, 0, None)
    cache.incr(generation)
    return True
