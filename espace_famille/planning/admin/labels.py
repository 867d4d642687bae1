"""How the planning admin writes periods and weekdays."""

from datetime import date

from commun import formats
from espace_famille.planning.models import Weekday


def period_label(start: date | None, end: date | None) -> str:
    if not start:
        return "—"
    if not end or end == start:
        return formats.date_numeric(start)
    return formats.period(start, end)


def weekdays_label(weekdays) -> str:
    return ", ".join(Weekday(day).label for day in sorted(weekdays or []) if day in Weekday.values) or "—"
