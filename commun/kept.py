"""Values read by many requests and seldom changed (the e-mails' signature, the municipality's e-mail texts, the
page tree's view restrictions), kept in the shared cache with `cache.get_or_set` until what they were read from is
saved: its receiver calls `forget`."""

from django.core.cache import cache
from django.db import transaction


def forget(*keys: str) -> None:
    """Drop these values now, and again once the current transaction commits: a value read meanwhile by another
    process, from the rows not yet committed, is dropped too."""
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))
