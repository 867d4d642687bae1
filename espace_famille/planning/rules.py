"""Pure rules of the family space (accounts, family file, bookings): no database, testable alone."""

from datetime import date, datetime, time, timedelta
from fractions import Fraction

from commun import formats
from commun.clock import PARIS


class Event:
    BOOK = "book"  # the family asks to book
    ACCEPT = "accept"  # an instructor (or the rules) accepts a booking, a place is free
    ACCEPT_FULL = "accept_full"  # accepted, but the day is full: waiting list
    REFUSE = "refuse"  # the booking request is refused
    WITHDRAW = "withdraw"  # the family cancels its pending request
    PROMOTE = "promote"  # a place freed: the first in line gets it
    CANCEL = "cancel"  # the service cancels a booked day
    ABSENCE = "absence"  # the family declares an absence on a booked day
    ABSENCE_ACCEPT = "absence_accept"  # in time (or justified): not booked, not billed
    ABSENCE_ACCEPT_LATE = "absence_accept_late"  # past the deadline, no justification: billed
    ABSENCE_REFUSE = "absence_refuse"  # the day stays booked


# States, as stored (BookingState values); "none" is «Non réservé», a day without a row.
NOT_BOOKED, PENDING, BOOKED, REFUSED, CANCELLED, WAITING = (
    "none",
    "pending",
    "booked",
    "refused",
    "cancelled",
    "waiting",
)


ABSENCE_PENDING, ABSENCE_REFUSED, ABSENCE_BILLED, ABSENT = "abs_pending", "abs_refused", "abs_billed", "absent"


TRANSITIONS: dict[tuple[str, str], str] = {
    **{(state, Event.BOOK): PENDING for state in (NOT_BOOKED, REFUSED, CANCELLED, ABSENT)},
    (PENDING, Event.ACCEPT): BOOKED,
    (PENDING, Event.ACCEPT_FULL): WAITING,
    (PENDING, Event.REFUSE): REFUSED,
    (PENDING, Event.WITHDRAW): CANCELLED,
    (WAITING, Event.PROMOTE): BOOKED,
    (WAITING, Event.REFUSE): REFUSED,
    (WAITING, Event.WITHDRAW): CANCELLED,
    (BOOKED, Event.CANCEL): CANCELLED,
    (BOOKED, Event.ABSENCE): ABSENCE_PENDING,
    (ABSENCE_REFUSED, Event.ABSENCE): ABSENCE_PENDING,
    (ABSENCE_PENDING, Event.ABSENCE_ACCEPT): ABSENT,
    (ABSENCE_PENDING, Event.ABSENCE_ACCEPT_LATE): ABSENCE_BILLED,
    (ABSENCE_PENDING, Event.ABSENCE_REFUSE): ABSENCE_REFUSED,
    (ABSENCE_PENDING, Event.WITHDRAW): BOOKED,
}


# A child in one of these states holds one of the day's places.
HOLDS_A_PLACE = frozenset({BOOKED, ABSENCE_PENDING, ABSENCE_REFUSED})


# Days billed by an invoicing run.
BILLED = frozenset({BOOKED, ABSENCE_PENDING, ABSENCE_REFUSED, ABSENCE_BILLED})


# What a family's click on a day asks for, by the day's state.
FAMILY_ACTION = {
    NOT_BOOKED: "booking",
    REFUSED: "booking",
    CANCELLED: "booking",
    ABSENT: "booking",
    BOOKED: "absence",
    ABSENCE_REFUSED: "absence",
    PENDING: "cancellation",
    WAITING: "cancellation",
    ABSENCE_PENDING: "cancellation",
}


def next_state(state: str, event: str) -> str:
    """The state that follows `event` on a day in `state`; InvalidTransition for anything not in the table."""
    from espace_famille.demandes.exceptions import InvalidTransition

    try:
        return TRANSITIONS[(state, event)]
    except KeyError:
        raise InvalidTransition("Cette action n'est pas possible pour ce jour dans son état actuel.") from None


def deadline(day: date, *, kind: str, days: int, at: time, public_holidays=frozenset()) -> datetime:
    """The last moment (Europe/Paris) to book or cancel `day`.

    kind "days": `days` calendar days before, at `at` (1 and 12:00 = «la veille à 12:00»);
    kind "working": `days` working days before (Monday to Friday, not a public holiday), at `at`."""
    if kind == "working":
        moment, left = day, days
        while left > 0:
            moment -= timedelta(days=1)
            if moment.weekday() < 5 and moment not in public_holidays:
                left -= 1
    else:
        moment = day - timedelta(days=days)
    return datetime.combine(moment, at, tzinfo=PARIS)


def describe_deadline(*, kind: str, days: int, at: time) -> str:
    """«la veille à 12:00», «3 jours avant à 18:00», «2 jours ouvrés avant à 12:00»."""
    hour = formats.time_short(at)
    if kind == "working":
        return f"{days} jour{'s' if days > 1 else ''} ouvré{'s' if days > 1 else ''} avant à {hour}"
    if days == 0:
        return f"le jour même à {hour}"
    if days == 1:
        return f"la veille à {hour}"
    return f"{days} jours avant à {hour}"


class Skip:
    """Why a day asked for is not requested: the codes and the French reasons shown to the family."""

    NOT_ENROLLED = "not_enrolled"
    WEEKDAY = "weekday"
    CLOSED = "closed"
    DEADLINE = "deadline"
    ALREADY = "already"
    NOT_BOOKED = "not_booked"
    NOTHING_PENDING = "nothing_pending"

    LABELS = {
        NOT_ENROLLED: "hors de la période d'inscription",
        WEEKDAY: "jour non inscrit",
        CLOSED: "fermé",
        DEADLINE: "délai dépassé",
        ALREADY: "déjà réservé ou demandé",
        NOT_BOOKED: "pas de réservation ce jour",
        NOTHING_PENDING: "aucune demande en attente ce jour",
    }


def booking_problem(
    *,
    day: date,
    kind: str,
    state: str,
    enrolments,
    runs_weekdays,
    closed: str | None,
    now: datetime,
    limit: datetime,
    rule: str = "",
) -> tuple[str, str] | None:
    """Why `kind` ("booking", "absence", "cancellation") cannot be asked on `day`, or None.

    enrolments: (start, end, weekdays) of the child in the activity; runs_weekdays: weekdays the activity runs;
    closed: the closure's name when the activity does not run that day; limit: the booking deadline;
    rule: the deadline as describe_deadline says it, named in the message when given.
    Returns (Skip code, French detail). A late absence is not a problem: it is billed (see absence_event)."""
    inside = [e for e in enrolments if e[0] <= day <= e[1]]
    if not inside:
        return Skip.NOT_ENROLLED, Skip.LABELS[Skip.NOT_ENROLLED]
    if day.weekday() not in runs_weekdays or not any(day.weekday() in e[2] for e in inside):
        return Skip.WEEKDAY, Skip.LABELS[Skip.WEEKDAY]
    if closed:
        return Skip.CLOSED, f"fermé ({closed})"
    if kind == "booking":
        if (state, Event.BOOK) not in TRANSITIONS:
            return Skip.ALREADY, Skip.LABELS[Skip.ALREADY]
        if now > limit:
            if rule:
                until = f"au {rule[3:]}" if rule.startswith("le ") else f"à {rule}"
                moment = limit.astimezone(PARIS)
                return (
                    Skip.DEADLINE,
                    f"délai dépassé : réservation possible jusqu'{until} (le {formats.datetime_numeric(moment)})",
                )
            return Skip.DEADLINE, f"délai dépassé (réservation possible jusqu'au {formats.datetime_numeric(limit)})"
    elif kind == "absence":
        if (state, Event.ABSENCE) not in TRANSITIONS:
            return Skip.NOT_BOOKED, Skip.LABELS[Skip.NOT_BOOKED]
    elif (state, Event.WITHDRAW) not in TRANSITIONS:
        return Skip.NOTHING_PENDING, Skip.LABELS[Skip.NOTHING_PENDING]
    return None


def absence_event(*, now_or_declared_at: datetime, limit: datetime, justified: bool, late_billed: bool) -> str:
    """Accepting an absence: in time, justified or on an activity that does not bill late absences → not billed."""
    if now_or_declared_at <= limit or justified or not late_billed:
        return Event.ABSENCE_ACCEPT
    return Event.ABSENCE_ACCEPT_LATE


def place_outcome(*, holding: int, capacity: int | None) -> str:
    """Accepting a booking: booked when a place is free, otherwise the waiting list."""
    return Event.ACCEPT if capacity is None or holding < capacity else Event.ACCEPT_FULL


# How full a day is, on the dashboard's occupancy grid: «complet» from capacity, «presque complet» from 80 %.
FREE, NEARLY_FULL, FULL = "free", "nearly_full", "full"
NEARLY_FULL_RATIO = Fraction(4, 5)


def occupancy_level(*, holding: int, capacity: int | None, waiting: int = 0) -> str:
    """FULL when no place is left (or children wait for one), NEARLY_FULL from 80 % of the capacity, FREE otherwise
    (always FREE without a capacity)."""
    if capacity is None:
        return FREE
    if holding >= capacity or waiting:
        return FULL
    return NEARLY_FULL if holding >= capacity * NEARLY_FULL_RATIO else FREE


def days_between(start: date, end: date, weekdays=None):
    """The days from start to end included, on the given weekdays (all when None)."""
    day = start
    while day <= end:
        if weekdays is None or day.weekday() in weekdays:
            yield day
        day += timedelta(days=1)


def school_year_of(day: date) -> tuple[date, date]:
    """The school year `day` falls in, as the municipality counts it: 1 September to 31 August."""
    first = date(day.year if day.month >= 9 else day.year - 1, 9, 1)
    return first, date(first.year + 1, 8, 31)


def school_year_label(first_day: date) -> str:
    """«2028-2029»."""
    return f"{first_day.year}-{first_day.year + 1}"
