"""The waiting list: the free places of a day go to the children waiting, in the order their families asked,
and each family promoted is told (a message on its request and an e-mail)."""

from collections import defaultdict
from datetime import date

from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from commun import formats
from espace_famille.demandes import digests
from espace_famille.demandes.models import DecisionNotice, EventKind, LineState, RequestEvent, RequestKind, RequestLine
from espace_famille.planning import rules as planning_rules
from espace_famille.planning.models import Activity, Booking, BookingHistory
from espace_famille.planning.writes import decided_day_status, history_row, lock_activity, locked_bookings, save_states
from notifications import services as notifications
from notifications.kinds import recipient

PROMOTED_EMAIL = "booking_promoted"


def allocate(*, activity, days, takers, by, history, moved) -> list[Booking]:
    """Give each day's free places in the order of request, to the waiting list and the bookings accepted now.

    takers: {day: [(pending booking, request id)]} being accepted. Those left without a place wait.
    Returns the waiting bookings promoted (to be announced)."""
    if not days:
        return []
    holding = {
        row["day"]: row["n"]
        for row in Booking.objects.filter(activity=activity, day__in=days, state__in=planning_rules.HOLDS_A_PLACE)
        .values("day")
        .annotate(n=Count("pk"))
    }
    # The changes of this call are not written yet: count what they change.
    day_of = {booking.pk: booking.day for booking in moved}
    for entry in history:
        was, holds = entry.from_state in planning_rules.HOLDS_A_PLACE, entry.to_state in planning_rules.HOLDS_A_PLACE
        if was != holds:
            day = day_of[entry.booking_id]
            holding[day] = holding.get(day, 0) + (1 if holds else -1)
    waiting = defaultdict(list)
    taken = {booking.pk for entries in takers.values() for booking, _ in entries}
    for booking in _first_waiting(activity=activity, days=days, holding=holding, taken=taken):
        waiting[booking.day].append((booking, None))
    promoted = []
    for day in sorted(days):
        queue = sorted(waiting[day] + takers.get(day, []), key=lambda entry: (entry[0].queued_at, entry[0].pk))
        held = holding.get(day, 0)
        for booking, request_id in queue:
            outcome = planning_rules.place_outcome(holding=held, capacity=activity.capacity)
            if booking.state == planning_rules.WAITING:
                if outcome != planning_rules.Event.ACCEPT:
                    continue
                event, reason = planning_rules.Event.PROMOTE, "Une place s'est libérée"
                promoted.append(booking)
            else:
                event, reason = outcome, ""
            new_state = planning_rules.next_state(booking.state, event)
            if new_state in planning_rules.HOLDS_A_PLACE:
                held += 1
            history.append(history_row(booking, new_state, by=by, request_id=request_id, reason=reason))
            booking.state = new_state
            moved.append(booking)
    return promoted


def _first_waiting(*, activity, days, holding: dict, taken: set) -> list[Booking]:
    """The waiting bookings that may get a place, locked, in the order of request: on each day with free places,
    the first ones, as many as the places free. A full day's waiting list is neither read nor locked: a booking
    accepted on a full day joins its end without touching the hundreds of rows before it."""
    free = {day: planning_rules.free_places(holding=holding.get(day, 0), capacity=activity.capacity) for day in days}
    open_days = [day for day, places in free.items() if places is None or places > 0]
    if not open_days:
        return []
    waiting = Q(activity=activity, day__in=open_days, state=planning_rules.WAITING) & ~Q(pk__in=taken)
    if activity.capacity is not None:
        # Per day, as many as the most places an open day has free (a window function: one query for all days);
        # read first, then locked: PostgreSQL locks no row of a query with a window function.
        rank = Window(RowNumber(), partition_by=[F("day")], order_by=[F("queued_at").asc(), F("pk").asc()])
        first = max(free[day] for day in open_days)
        pks = list(
            Booking.objects.filter(waiting).annotate(rank=rank).filter(rank__lte=first).values_list("pk", flat=True)
        )
        if not pks:
            return []
        waiting = Q(pk__in=pks, state=planning_rules.WAITING)
    return list(locked_bookings().filter(waiting).order_by("queued_at", "pk"))


def announce(*, activity: Activity, promoted: list[Booking]) -> list[DecisionNotice]:
    """Tell the family of each promoted day: a message on its booking request and an email. Returns the notices of
    the promotions for the next processing digest, unsaved: the caller records them with its own."""
    if not promoted:
        return []
    lines = {}
    for line in (
        RequestLine.objects.filter(booking__in=promoted, request__kind=RequestKind.BOOKING, state=LineState.ACCEPTED)
        .select_related("request__author", "booking__child")
        .order_by("pk")
    ):
        lines[line.booking_id] = line
    events, notices, now = [], [], timezone.now()
    for booking in promoted:
        line = lines.get(booking.pk)
        if line is None:
            continue
        # A promotion is a decision too: the day moves from «En liste d'attente» to booked.
        notices.append(
            DecisionNotice(
                family_id=line.request.family_id,
                request=line.request,
                line=line,
                decided_at=now,
                state=decided_day_status(accept=True, booking_state=booking.state),
            )
        )
        child = line.booking.child
        text = (
            f"Une place s'est libérée : {activity.name} du {formats.day_month(booking.day)} "
            f"pour {child.first_name} est réservé."
        )
        events.append(RequestEvent(request=line.request, kind=EventKind.MESSAGE, message=text))
        author = line.request.author
        if author is not None and author.email:
            notifications.queue(
                kind=PROMOTED_EMAIL,
                to=author.email,
                key=f"{PROMOTED_EMAIL}:{booking.pk}:{booking.queued_at:%Y%m%d%H%M%S%f}",
                context={
                    **recipient(author),
                    "enfant": f"{child.first_name} {child.last_name.upper()}",
                    "activite": activity.name,
                    "jour": formats.day_month(booking.day),
                },
            )
    RequestEvent.objects.bulk_create(events)
    return notices


def waiting_list_refill(*, activity: Activity, by: AbstractUser | None, today: date | None = None) -> list[Booking]:
    """Give the places an activity gained (its capacity raised or removed) to the waiting list, in request order,
    on every day to come that has children waiting. Returns the bookings promoted (each family is told)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        activity = lock_activity(activity.pk)
        days = set(
            Booking.objects.filter(activity=activity, state=planning_rules.WAITING, day__gte=today).values_list(
                "day", flat=True
            )
        )
        history, moved = [], []
        promoted = allocate(activity=activity, days=days, takers={}, by=by, history=history, moved=moved)
        save_states(moved, timezone.now())
        BookingHistory.objects.bulk_create(history)
        digests.notices_record(announce(activity=activity, promoted=promoted))
    return promoted
