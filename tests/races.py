"""Races between threads, each on its own database connection (PostgreSQL), that happen on every run, not by luck.

`at_the_same_moment` starts the actions together. A test that needs the race window held open passes a
`RaceWindow` and calls its `hold()` at the spot of the code under test where the window is (a monkeypatched step).
The thread waits there, without sleeping on a guess, until every other thread has either reached a `hold()` too
(nothing kept it out: the race is on), or waits for a lock that PostgreSQL holds for another connection (what the
code under test is meant to make it do), or has finished."""

import threading
import time

from django.db import connection

PATIENCE = 30  # seconds: a thread that neither arrives nor waits for a lock nor ends by then fails the test


class RaceWindow:
    def __init__(self):
        self._condition = threading.Condition()
        self._threads = 0
        self._backends = {}  # thread -> its connection's PostgreSQL backend pid
        self._inside = set()
        self._finished = set()

    def _enter(self, count: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (pid,) = cursor.fetchone()
        with self._condition:
            self._threads = count
            self._backends[threading.get_ident()] = pid
            self._condition.notify_all()

    def _leave(self) -> None:
        with self._condition:
            self._finished.add(threading.get_ident())
            self._condition.notify_all()

    def _waiting_for_a_lock(self, pids: list[int]) -> set[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM unnest(%s::int[]) AS pid WHERE cardinality(pg_blocking_pids(pid)) > 0", [pids]
            )
            return {pid for (pid,) in cursor.fetchall()}

    def hold(self) -> None:
        """Called from inside the window: returns once no other thread can still come in unseen."""
        me = threading.get_ident()
        deadline = time.monotonic() + PATIENCE
        with self._condition:
            self._inside.add(me)
            self._condition.notify_all()
        while True:
            with self._condition:
                everyone = len(self._backends) == self._threads
                running = [
                    pid
                    for thread, pid in self._backends.items()
                    if thread != me and thread not in self._inside and thread not in self._finished
                ]
            if everyone and (not running or self._waiting_for_a_lock(running) == set(running)):
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"Course : un fil n'est ni arrivé, ni en attente d'un verrou, ni fini ({running})")
            with self._condition:
                # Woken at once when a thread arrives or ends; a lock wait is looked for again after 5 ms.
                self._condition.wait(0.005)


def at_the_same_moment(*actions, window: RaceWindow | None = None):
    """Run each action in its own thread (its own connection), released together by a barrier."""
    barrier = threading.Barrier(len(actions))
    errors = []

    def run(action):
        try:
            if window:
                window._enter(len(actions))
            barrier.wait(timeout=10)
            action()
        except Exception as error:  # reported to the test below
            errors.append(error)
        finally:
            if window:
                window._leave()
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
