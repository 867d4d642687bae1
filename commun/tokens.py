"""Single-use links sent by e-mail (unlock an account, enable a staff member's second factor): a signed token
naming a one-time nonce kept in the cache, which redeeming deletes; a used, expired or forged token gives None."""

import secrets

from django.core import signing
from django.core.cache import cache


def issue(*, purpose: str, subject: str, validity: int) -> str:
    """A token for `subject` (an account's identifier), valid `validity` seconds and redeemable once."""
    nonce = secrets.token_urlsafe(16)
    cache.set(f"token:{purpose}:{nonce}", subject, validity)
    return signing.dumps({"n": nonce}, salt=f"portail.{purpose}")


def redeem(token: str, *, purpose: str, validity: int) -> str | None:
    """The subject the token was issued for, the first time only."""
    try:
        nonce = signing.loads(token, salt=f"portail.{purpose}", max_age=validity)["n"]
    except (signing.BadSignature, KeyError, TypeError):
        return None
    key = f"token:{purpose}:{nonce}"
    subject = cache.get(key)
    # Two clicks at once: only the one whose delete removed the nonce wins.
    if subject is None or not cache.delete(key):
        return None
    return subject
