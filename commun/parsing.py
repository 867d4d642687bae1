"""Numbers and dates read from an address or a form a visitor can forge: a value in range, or None.

Python's date arithmetic overflows near years 1 and 9999, int() accepts thousands of digits, and a database
refuses an integer beyond 64 bits: every view reads its parameters through here so that none of these reaches
a query or a calculation."""

from datetime import date

# The portal's dates (plannings, invoices, enrolments, birth dates) all fall in this window; months and weeks
# computed around them stay far from the calendar's ends.
EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)
# The largest primary key a database column holds (signed 64 bits).
LARGEST_ID = 2**63 - 1


def parse_date(raw: object) -> date | None:
    """An ISO date (2026-09-14) within EARLIEST..LATEST, or None for anything else."""
    if not isinstance(raw, str) or len(raw) > 10:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return None
    return day if EARLIEST <= day <= LATEST else None


def parse_id(raw: object) -> int | None:
    """A record's identifier written in decimal digits, 1..LARGEST_ID, or None for anything else."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str) or not raw.isascii() or not raw.isdigit() or len(raw) > len(str(LARGEST_ID)):
        return None
    value = int(raw)
    return value if 0 < value <= LARGEST_ID else None
