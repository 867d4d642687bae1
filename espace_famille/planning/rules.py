"""Pure rules of the family space (accounts, family file, bookings): no database, testable alone."""

from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
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


def free_places(*, holding: int, capacity: int | None) -> int | None:
    """The places a day still has: None when the activity has no capacity (no limit), never below zero."""
    return None if capacity is None else max(capacity - holding, 0)


def place_outcome(*, holding: int, capacity: int | None) -> str:
    """Accepting a booking: booked when a place is free, otherwise the waiting list."""
    return Event.ACCEPT if capacity is None or holding < capacity else Event.ACCEPT_FULL


# Prices ----------------------------------------------------------------------------------------------------------

CENT = Decimal("0.01")


def day_price(*, base: Decimal, bands, quotient: int | None) -> Decimal:
    """A day's price for a family, the one the basket shows and invoicing bills: the band of the lowest ceiling
    (the open band last) the quotient familial does not exceed; the activity's own price when the quotient is
    unknown or no band matches. Rounded to the cent, half up, as the public accounts do.

    bands: (ceiling or None, amount) pairs, in any order."""
    amount = base
    if quotient is not None:
        for ceiling, band_amount in sorted(bands, key=lambda band: (band[0] is None, band[0] or 0)):
            if ceiling is None or quotient <= ceiling:
                amount = band_amount
                break
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


# The basket («Ajouter au panier»): what confirming a ticked day will do ---------------------------------------------

BASKET_BOOKED, BASKET_REQUEST, BASKET_WAITING, BASKET_REFUSED = "booked", "request", "waiting", "refused"


def basket_outcome(*, problem: str, auto_accept: bool, holding: int, capacity: int | None, waiting: int) -> tuple:
    """What confirming one ticked day will do, and its French words: (code, text, rank on the waiting list or None).

    problem: why the day cannot be asked («fermé (Noël)», «délai dépassé …»), empty when it can; holding: the places
    taken that day (the basket's own days before this one counted); waiting: the children already waiting."""
    if problem:
        return BASKET_REFUSED, f"Refusé : {problem}", None
    # The children already waiting get the free places first (waiting_list.allocate serves by order of request).
    free = None if capacity is None else max(capacity - holding, 0)
    full = free is not None and waiting >= free
    if not auto_accept:
        text = "Demande transmise au service, qui la validera"
        if full:
            text += " (complet ce jour-là : liste d'attente si elle est acceptée)"
        return BASKET_REQUEST, text, None
    if full:
        rank = waiting - free + 1
        return BASKET_WAITING, f"Liste d'attente, rang {rank}", rank
    return BASKET_BOOKED, "Réservé directement", None


def modifiable_until(limit: datetime) -> str:
    """«Modifiable jusqu'au lundi 19/11/2018 à 12:00»: the cancellation deadline of a booked day, in Paris."""
    moment = limit.astimezone(PARIS)
    return f"Modifiable jusqu'au {formats.weekday_date(moment)} à {formats.time_short(moment)}"


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


# Attendance (the day sheet) --------------------------------------------------------------------------------------

# Marks, as stored (AttendanceStatus values).
PRESENT, ABSENT_JUSTIFIED, ABSENT_UNJUSTIFIED, PRESENT_UNBOOKED = "present", "justified", "unjustified", "unbooked"

# Marks an activity billed by attendance bills. A justified absence (a medical certificate, the service's own
# closure of a class) is not billed; an unjustified one is, as a booked day left empty costs the service its place
# and its staff: the policy of the municipalities that bill attendance («absence non justifiée facturée»).
ATTENDANCE_BILLED = frozenset({PRESENT, PRESENT_UNBOOKED, ABSENT_UNJUSTIFIED})

# A child in one of these booking states is expected: «Tous présents» marks them present. An absence still
# pending is left for the staff to mark: the family said the child would not come.
PRESUMED_PRESENT = frozenset({BOOKED, ABSENCE_REFUSED})

# Marks of a child who holds a place that day (HOLDS_A_PLACE), and of one who does not.
BOOKED_MARKS = (PRESENT, ABSENT_JUSTIFIED, ABSENT_UNJUSTIFIED)
UNBOOKED_MARKS = (PRESENT_UNBOOKED,)

BILLING_BOOKINGS, BILLING_ATTENDANCE = "bookings", "attendance"


def day_billing(*, basis: str, booking_state: str | None, attendance_status: str | None) -> str | None:
    """What bills one child's day in one activity: "attendance", "booking" or None (nothing).

    An activity billed by bookings bills its booked days whatever attendance says. One billed by attendance bills
    a marked day by its mark (ATTENDANCE_BILLED); a day nobody marked falls back to its booking."""
    if basis == BILLING_ATTENDANCE and attendance_status is not None:
        return "attendance" if attendance_status in ATTENDANCE_BILLED else None
    return "booking" if booking_state in BILLED else None


def attendance_marks(*, booking_state: str | None, current: str | None = None) -> tuple[str, ...]:
    """The marks the day sheet offers for a child: present or absent for a child who holds a place, «présent sans
    réservation» for one who does not; the current mark stays offered (the booking may have changed since)."""
    marks = BOOKED_MARKS if booking_state in HOLDS_A_PLACE else UNBOOKED_MARKS
    if current and current not in marks:
        marks = (*marks, current)
    return marks


def attendance_problem(
    *,
    status: str | None,
    booking_state: str | None,
    enrolled: bool,
    day: date,
    today: date,
    invoiced: bool,
    closed: str | None = None,
    runs: bool = True,
) -> str | None:
    """Why a child's mark on `day` cannot be set to `status` (None: cleared), in French; None when it can.

    A day already invoiced is locked: its attendance may have made the invoice. A day to come cannot be marked,
    nor a day the activity does not run."""
    if invoiced:
        return "ce jour est déjà facturé, son pointage ne peut plus changer"
    if day > today:
        return "un jour à venir ne se pointe pas"
    if closed:
        return f"l'activité est fermée ce jour-là ({closed})"
    if not runs:
        return "l'activité n'a pas lieu ce jour de la semaine"
    if status is None:
        return None
    booked = booking_state in HOLDS_A_PLACE
    if status == PRESENT_UNBOOKED and booked:
        return "cet enfant a une réservation ce jour-là : pointez-le « Présent »"
    if status != PRESENT_UNBOOKED and not booked:
        return "cet enfant n'a pas de réservation ce jour-là : pointez-le « Présent sans réservation »"
    if status == PRESENT_UNBOOKED and not enrolled:
        return "cet enfant n'est pas inscrit à cette activité ce jour-là"
    return None
