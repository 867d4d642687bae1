"""Which children's days of an activity are invoiced already. Billing, a layer above, registers how it knows at
start-up (its apps.py); the planning asks here and never imports billing. An invoiced day's attendance is locked."""

from collections.abc import Callable, Iterable
from datetime import date

# reader(activity_id=, days=, child_ids=) -> the (child id, day) invoiced; child_ids None: every child.
Reader = Callable[..., set[tuple[int, date]]]

_READERS: list[Reader] = []


def register(reader: Reader) -> None:
    if reader not in _READERS:
        _READERS.append(reader)


def invoiced_days(
    *, activity_id: int, days: Iterable[date], child_ids: Iterable[int] | None = None
) -> set[tuple[int, date]]:
    """The (child id, day) of `activity_id` on `days` that an invoice bills (one query per registered reader)."""
    days = list(days)
    child_ids = None if child_ids is None else list(child_ids)
    found: set[tuple[int, date]] = set()
    if not days or child_ids == []:
        return found
    for reader in _READERS:
        found |= reader(activity_id=activity_id, days=days, child_ids=child_ids)
    return found
