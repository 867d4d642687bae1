"""Intents: a state-changing form carries, signed, the action it confirms and the object it names; used once.

A page that asks to confirm an action issues an intent (`issue`) into a hidden field `intent`. The POST that
carries it out consumes it (`once`) in the same transaction as the action: a second submission of the same
form (double click, Back then Enter, reload of the POST) finds the nonce used and changes nothing, and a form
cannot be replayed for another action or another object than the one it showed."""

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import UsedIntent

FIELD = "intent"
SALT = "portail.intent"
# A form may stay open in a tab for a working day; sessions end sooner (8 hours).
MAX_AGE = timedelta(hours=24)
ALREADY_DONE = "Cette demande est déjà enregistrée."
EXPIRED = "Cette page a expiré ou ne correspond pas à votre demande : rechargez-la et recommencez."


class IntentRefused(ValidationError):
    """The form cannot be carried out; `message` says why, in French."""


class AlreadyDone(IntentRefused):
    def __init__(self):
        super().__init__(ALREADY_DONE, code="already_done")


class IntentInvalid(IntentRefused):
    def __init__(self):
        super().__init__(EXPIRED, code="intent_invalid")


@dataclass(frozen=True)
class Intent:
    action: str
    subject: str
    nonce: str


def _actor(user) -> int | None:
    return getattr(user, "pk", None)


def issue(*, action: str, subject: str = "", user=None) -> str:
    """A signed, single-use token for the hidden field of a form that confirms `action` on `subject`."""
    payload = {"a": action, "s": str(subject), "u": _actor(user), "n": secrets.token_hex(16)}
    return signing.dumps(payload, salt=SALT, compress=True)


def read(token: str | None, *, user=None) -> Intent:
    """The intent a form carries, checked: signed by us, recent, issued to this user. Raises IntentInvalid."""
    if not token or len(token) > 1000:
        raise IntentInvalid
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is one
        raise IntentInvalid from None
    if not isinstance(payload, dict) or payload.get("u") != _actor(user):
        raise IntentInvalid
    nonce = payload.get("n")
    if not isinstance(nonce, str) or len(nonce) != 32:
        raise IntentInvalid
    return Intent(action=str(payload.get("a")), subject=str(payload.get("s")), nonce=nonce)


def consume(token: str | None, *, action: str, subject: str = "", user=None) -> Intent:
    """Mark the intent used, inside the caller's transaction; raise AlreadyDone on a repeat.

    Two submissions racing insert the same primary key: the second waits for the first transaction and then
    fails on the unique key (PostgreSQL), or waits for the write lock and finds the row (SQLite)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("An intent is consumed in the transaction of the action it confirms.")
    intent = read(token, user=user)
    if intent.action != action:
        raise IntentInvalid
    if intent.subject != str(subject):
        # A page naming a set by a query («all the pending requests») names another set once it is carried out:
        # its repeat is still a repeat.
        if UsedIntent.objects.filter(nonce=intent.nonce).exists():
            raise AlreadyDone
        raise IntentInvalid
    try:
        with transaction.atomic():
            UsedIntent.objects.create(nonce=intent.nonce, action=action[:100], used_at=timezone.now())
    except IntegrityError:
        raise AlreadyDone from None
    return intent


def carried_out(token: str | None, *, user=None) -> bool:
    """Whether this form was already carried out: for a view that must answer a repeat before it can name the
    object or validate its form (a decided request has no values left to compare, a paid invoice is no longer
    to pay). `once` stays the check that counts."""
    try:
        intent = read(token, user=user)
    except IntentInvalid:
        return False
    return UsedIntent.objects.filter(nonce=intent.nonce).exists()


@contextmanager
def once(token: str | None, *, action: str, subject: str = "", user=None) -> Iterator[Intent]:
    """`with once(...):` runs the action in one transaction with the intent's consumption, or not at all."""
    with transaction.atomic():
        yield consume(token, action=action, subject=subject, user=user)


def purge(*, now=None) -> int:
    """Forget intents older than any token still accepted: an expired token is refused before its nonce is read."""
    now = now or timezone.now()
    deleted, _ = UsedIntent.objects.filter(used_at__lt=now - MAX_AGE - timedelta(hours=1)).delete()
    return deleted
