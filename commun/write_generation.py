"""A token that changes after every write to the database, for caches that must never serve what a write changed.

`current()` reads the token; every INSERT, UPDATE or DELETE sent through Django's connections (the ORM, bulk
creates, queryset updates, raw SQL through a cursor alike) replaces it: at once in autocommit, when the transaction
commits inside one. A value stored with the token read *before* computing it is therefore valid exactly as long as
the token has not changed (`cached(key, compute)`): a reader that computed from the data before a commit cannot keep
its result under the token that follows. Inside a transaction that has written, `cached` computes afresh without
reading or storing (the transaction sees its own writes, the token does not yet).

Writes to the cache's own table, to the sessions (each signed-in request stamps its session) and to the other
tables of IGNORED do not count.
Writes made outside Django (psql) are not seen: `cached` keeps a value TIMEOUT seconds at most.
Installed on each connection by `install` (commun.apps)."""

import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections

logger = logging.getLogger(__name__)
KEY = "portail:write-generation"
TIMEOUT = 600
WRITES = ("INSERT", "UPDATE", "DELETE")
# Tables whose writes change nothing a cached fragment shows: the cache's and the sessions', the outbox's rows being
# sent (thousands in a row, after the write that queued them, which counts), the tasks' queue and the intents used.
IGNORED = (
    "portail_cache",
    "django_session",
    "notifications_outboxmessage",
    "notifications_outboxsms",
    "django_q_",
    "commun_usedintent",
)


def current() -> str:
    token = cache.get(KEY)
    if token is None:
        cache.add(KEY, uuid.uuid4().hex, timeout=None)
        token = cache.get(KEY)
    return token


def bump() -> None:
    # A write never fails for the cache: while it cannot be told (no cache table yet during `migrate`, the cache
    # server down), kept values last TIMEOUT seconds at most.
    try:
        cache.set(KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        logger.debug("write generation not bumped: the cache is unavailable", exc_info=True)


def _is_counted_write(sql: str) -> bool:
    head = sql.lstrip()[:6].upper()
    if head not in WRITES:
        return False
    start = sql[:200]
    return not any(table in start for table in IGNORED)


def _has_written(connection) -> bool:
    """The connection is in a transaction that has written (and whose commit will replace the token)."""
    return (
        connection.in_atomic_block and getattr(connection, "_write_generation_hooks", None) is connection.run_on_commit
    )


def _watch(connection):
    def watch(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if isinstance(sql, str) and _is_counted_write(sql):
            if not connection.in_atomic_block:
                bump()
            # Once per transaction: Django gives `run_on_commit` a new list when a transaction (or a savepoint's
            # hooks) ends, so a list other than the one seen last means a transaction this hook has not marked.
            elif not _has_written(connection):
                connection.on_commit(bump)
                connection._write_generation_hooks = connection.run_on_commit
        return result

    watch.write_generation = True
    return watch


def install(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: watch the connection's writes (once per connection wrapper)."""
    if not any(getattr(wrapper, "write_generation", False) for wrapper in connection.execute_wrappers):
        connection.execute_wrappers.append(_watch(connection))


def cached(key: str, compute: Callable[[], Any], timeout: int = TIMEOUT) -> Any:
    """`compute()`'s value, kept under `key` until the next write (or `timeout` seconds): one cache read on a hit."""
    if _has_written(connections[DEFAULT_DB_ALIAS]):
        return compute()
    found = cache.get_many([KEY, key])
    token = found.get(KEY) or current()
    entry = found.get(key)
    if entry is not None and entry[0] == token:
        return entry[1]
    value = compute()
    cache.set(key, (token, value), timeout=timeout)
    return value
