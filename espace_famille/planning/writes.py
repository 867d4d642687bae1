"""The shared writes under the booking services: row locks, deadlines, history rows, state UPDATEs, audit entries
and each request's state drawn from its lines."""

from collections import defaultdict
from datetime import date, datetime

from django.db.models import QuerySet

from commun import audit
from espace_famille.demandes import rules as demandes_rules
from espace_famille.demandes.models import (
    EventKind,
    LineState,
    Request,
    RequestEvent,
    RequestKind,
    RequestLine,
    RequestState,
)
from espace_famille.dossier.models import Child
from espace_famille.planning import rules as planning_rules
from espace_famille.planning.calendar import Calendar
from espace_famille.planning.models import Activity, Booking, BookingHistory, BookingState

# What a decided day shows in the processing digest, from the state its booking reached.
STATUS_OF_BOOKING = {
    BookingState.BOOKED: LineState.ACCEPTED.label,
    BookingState.WAITING: BookingState.WAITING.label,
    BookingState.ABSENT: LineState.ACCEPTED.label,
    BookingState.ABSENCE_BILLED: BookingState.ABSENCE_BILLED.label,
    BookingState.CANCELLED: BookingState.CANCELLED.label,
}


def decided_day_status(*, accept: bool, booking_state: str) -> str:
    """What a decided day shows in the processing digest («Statut»), from the state its booking reached."""
    if not accept:
        return LineState.REFUSED.label
    return STATUS_OF_BOOKING.get(booking_state, LineState.ACCEPTED.label)


REQUEST_KIND = {
    "booking": RequestKind.BOOKING,
    "absence": RequestKind.ABSENCE,
    "cancellation": RequestKind.CANCELLATION,
}
DECIDED_KINDS = (RequestKind.BOOKING, RequestKind.ABSENCE)
DECISION = {
    RequestState.ACCEPTED: (EventKind.ACCEPTED, "portail.request.accept"),
    RequestState.REFUSED: (EventKind.REFUSED, "portail.request.refuse"),
    RequestState.PARTIAL: (EventKind.PARTIAL, "portail.request.partial"),
}


def booking_limit(activity: Activity, day: date, holidays) -> datetime:
    return planning_rules.deadline(
        day,
        kind=activity.booking_deadline_kind,
        days=activity.booking_deadline_days,
        at=activity.booking_deadline_time,
        public_holidays=holidays,
    )


def cancel_limit(activity: Activity, day: date, holidays) -> datetime:
    return planning_rules.deadline(
        day,
        kind=activity.cancel_deadline_kind,
        days=activity.cancel_deadline_days,
        at=activity.cancel_deadline_time,
        public_holidays=holidays,
    )


def holidays_around(days) -> frozenset:
    days = list(days)
    if not days:
        return frozenset()
    return Calendar(start=min(days), end=max(days), zone="").public_holiday_set()


def lock_activity(activity_id: int, *, with_slots: bool = False) -> Activity:
    """The activity's row locked: every change of its bookings' places waits for it. with_slots: its slots read too
    (Calendar.closed reads them for each day); the others hold the lock one query shorter."""
    activities = Activity.objects.select_for_update(of=("self",))
    if with_slots:
        activities = activities.prefetch_related("slots")
    return activities.get(pk=activity_id)


def locked_bookings() -> QuerySet[Booking]:
    # Only the bookings' rows, in a fixed order: the default ordering joins the activity, which would lock it too.
    return Booking.objects.select_for_update(of=("self",)).order_by("pk")


def child_name(child: Child) -> str:
    return f"{child.last_name.upper()} {child.first_name}"


def history_row(booking: Booking, new_state: str, *, by, request_id, reason: str = "") -> BookingHistory:
    return BookingHistory(
        booking_id=booking.pk,
        from_state=booking.state,
        to_state=new_state,
        by=by,
        request_id=request_id,
        reason=reason[:200],
    )


def save_states(bookings, now: datetime) -> None:
    """One UPDATE per target state, whatever the number of days."""
    by_state = defaultdict(list)
    for booking in bookings:
        by_state[booking.state].append(booking.pk)
    for state, pks in by_state.items():
        Booking.objects.filter(pk__in=pks).update(state=state, updated_at=now)


def log_requests(entries: list[tuple[Request, str, dict]], *, by) -> None:
    """One wagtail log entry per request submitted or withdrawn, written in one INSERT."""
    audit.entries_write(entries, by=by)


def new_request(*, family, by, activity, kind, child, days, now, state=RequestState.PENDING) -> Request:
    return Request(
        family=family,
        kind=REQUEST_KIND[kind],
        author=by,
        child=child,
        activity=activity,
        subject=f"{child_name(child)} — {activity.name}",
        start_date=min(days),
        end_date=max(days),
        state=state,
        decided_at=now if state != RequestState.PENDING else None,
    )


def per_child(asked):
    grouped = defaultdict(list)
    for child, day, booking in asked:
        grouped[child].append((day, booking))
    return grouped


def settle_requests(request_ids, *, by, now, message: str = "", withdrawal: bool = False, locked: dict | None = None):
    """Each request's state from its lines; a decided request gets its event (the message). locked: the requests
    already read under their lock by the caller ({pk: Request}), not read again.

    Returns ({request id: family id}, the audit entries of the requests decided, for the decision framework)."""
    if not request_ids:
        return {}, []
    states = defaultdict(list)
    days = defaultdict(list)
    for request_id, state, day in RequestLine.objects.filter(request__in=request_ids).values_list(
        "request_id", "state", "day"
    ):
        states[request_id].append(state)
        if state != LineState.PENDING:
            days[request_id].append((day, state))
    if locked is not None:
        requests = {pk: locked[pk] for pk in request_ids}
    else:
        requests = {r.pk: r for r in Request.objects.filter(pk__in=request_ids)}
    changed, events, entries = [], [], []
    message = message.strip()
    for request_id in sorted(request_ids):
        request = requests[request_id]
        state = demandes_rules.request_state(states[request_id])
        if state == RequestState.PENDING:
            if not withdrawal:
                request.decided_by = by
                changed.append(request)
                if message:
                    events.append(RequestEvent(request=request, kind=EventKind.MESSAGE, author=by, message=message))
            continue
        if withdrawal:
            request.state, request.decided_at = state, now
            changed.append(request)
            continue
        request.state, request.decided_at, request.decided_by = state, now, by
        changed.append(request)
        event_kind, action = DECISION[state]
        events.append(RequestEvent(request=request, kind=event_kind, author=by, message=message))
        entries.append(
            (
                request,
                action,
                {
                    "message": message,
                    "accepted": [f"{d:%Y-%m-%d}" for d, s in sorted(days[request_id]) if s == LineState.ACCEPTED],
                    "refused": [f"{d:%Y-%m-%d}" for d, s in sorted(days[request_id]) if s == LineState.REFUSED],
                },
            )
        )
    # Requests decided together share their new values: one UPDATE per state, not a CASE per request.
    groups = defaultdict(list)
    for request in changed:
        groups[(request.state, request.decided_at, request.decided_by_id)].append(request.pk)
    for (state, decided_at, decided_by_id), pks in groups.items():
        Request.objects.filter(pk__in=pks).update(state=state, decided_at=decided_at, decided_by_id=decided_by_id)
    RequestEvent.objects.bulk_create(events)
    return {pk: request.family_id for pk, request in requests.items()}, entries
