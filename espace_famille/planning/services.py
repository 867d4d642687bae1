"""Bookings and absences: the family's requests of days, the decisions on them, and the waiting list.

Every path that can take a place locks the Activity row first, then the requests, then the bookings: two
instructors accepting the last place of a day at the same moment are served one after the other, and
the second sees the first's booking when it counts the places held."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from wagtail.log_actions import get_active_log_context
from wagtail.log_actions import registry as log_registry

from commun import formats
from commun.uploads import DOCUMENT, upload_clean
from espace_famille.demandes import acknowledgements, digests
from espace_famille.demandes import rules as demandes_rules
from espace_famille.demandes.exceptions import InvalidTransition
from espace_famille.demandes.models import (
    DecisionNotice,
    EventKind,
    LineState,
    Request,
    RequestEvent,
    RequestKind,
    RequestLine,
    RequestState,
)
from espace_famille.dossier.models import Child, Family
from espace_famille.planning import rules as planning_rules
from espace_famille.planning.calendar import Calendar
from espace_famille.planning.exceptions import BookingNotAllowed
from espace_famille.planning.models import Activity, Booking, BookingHistory, BookingState, Enrolment
from notifications import services as notifications

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
PROMOTED_EMAIL = "booking_promoted"


@dataclass
class SubmitResult:
    requests: list[Request] = field(default_factory=list)
    requested: list[tuple[Child, date]] = field(default_factory=list)
    skipped: list[tuple[Child, date, str]] = field(default_factory=list)


@dataclass
class BulkResult:
    requests: int  # requests decided (some of their days may have been decided already)
    days: int  # days decided
    skipped: int  # requests left alone: not pending, or not a booking or absence request


@dataclass
class _Decision:
    """One pending day to decide: its line, its request's kind, its booking and the verdict."""

    line_id: int
    request_id: int
    kind: str
    booking_id: int
    accept: bool


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


# Pure helpers ------------------------------------------------------------------------------------------------


def _booking_limit(activity: Activity, day: date, holidays) -> datetime:
    return planning_rules.deadline(
        day,
        kind=activity.booking_deadline_kind,
        days=activity.booking_deadline_days,
        at=activity.booking_deadline_time,
        public_holidays=holidays,
    )


def _cancel_limit(activity: Activity, day: date, holidays) -> datetime:
    return planning_rules.deadline(
        day,
        kind=activity.cancel_deadline_kind,
        days=activity.cancel_deadline_days,
        at=activity.cancel_deadline_time,
        public_holidays=holidays,
    )


def _holidays_around(days) -> frozenset:
    days = list(days)
    if not days:
        return frozenset()
    return Calendar(start=min(days), end=max(days), zone="").public_holiday_set()


def _lock_activity(activity_id: int) -> Activity:
    # The slots are prefetched: Calendar.closed reads them for each day.
    return Activity.objects.select_for_update(of=("self",)).prefetch_related("slots").get(pk=activity_id)


def _locked_bookings() -> QuerySet[Booking]:
    # Only the bookings' rows, in a fixed order: the default ordering joins the activity, which would lock it too.
    return Booking.objects.select_for_update(of=("self",)).order_by("pk")


def _child_name(child: Child) -> str:
    return f"{child.last_name.upper()} {child.first_name}"


def _history(booking: Booking, new_state: str, *, by, request_id, reason: str = "") -> BookingHistory:
    return BookingHistory(
        booking_id=booking.pk,
        from_state=booking.state,
        to_state=new_state,
        by=by,
        request_id=request_id,
        reason=reason[:200],
    )


def _save_states(bookings, now: datetime) -> None:
    """One UPDATE per target state, whatever the number of days."""
    by_state = defaultdict(list)
    for booking in bookings:
        by_state[booking.state].append(booking.pk)
    for state, pks in by_state.items():
        Booking.objects.filter(pk__in=pks).update(state=state, updated_at=now)


def _log(entries: list[tuple[Request, str, dict]], *, by) -> None:
    """One wagtail log entry per request submitted or decided, written in one INSERT."""
    if not entries:
        return
    from django.contrib.contenttypes.models import ContentType

    model = log_registry.get_log_model_for_instance(entries[0][0])
    if model is None:
        return
    content_type = ContentType.objects.get_for_model(Request, for_concrete_model=False)
    context = get_active_log_context()
    now = timezone.now()
    model.objects.bulk_create(
        model(
            content_type=content_type,
            object_id=str(request.pk),
            label=str(request),
            action=action,
            data=data,
            timestamp=now,
            user=by or context.user,
            uuid=context.uuid,
        )
        for request, action, data in entries
    )


# Submission --------------------------------------------------------------------------------------------------


def booking_request_submit(
    *,
    family: Family,
    by: AbstractUser | None,
    children,
    activity: Activity,
    kind: str,
    days,
    justification=None,
    now: datetime | None = None,
) -> SubmitResult:
    """Ask for bookings, absences or the withdrawal of pending requests on some days of some children.

    Each day is either requested or skipped with its French reason. One Request per child with at least one
    day requested; a cancellation is decided at once. On an activity that accepts automatically, the
    requests are decided by the rules in the same transaction. A justification goes through the upload policy
    first (UploadRefused: nothing is written)."""
    if kind not in REQUEST_KIND:
        raise ValueError(f"Unknown request kind: {kind!r}")
    now = now or timezone.now()
    days = sorted(set(days))
    children = list(children)
    if any(child.family_id != family.pk for child in children):
        raise BookingNotAllowed("Cet enfant n'est pas rattaché à votre dossier famille.")
    if justification is not None:
        justification = upload_clean(justification, kind=DOCUMENT).as_file()
    result = SubmitResult()
    if not days or not children:
        return result
    with transaction.atomic():
        activity = _lock_activity(activity.pk)
        calendar = Calendar.load(days[0], days[-1])
        holidays = calendar.public_holiday_set()
        runs = {slot.weekday for slot in activity.slots.all()}
        enrolments = defaultdict(list)
        for child_id, start, end, weekdays in Enrolment.objects.filter(
            child__in=children, activity=activity, start_date__lte=days[-1], end_date__gte=days[0]
        ).values_list("child_id", "start_date", "end_date", "weekdays"):
            enrolments[child_id].append((start, end, set(weekdays)))
        existing = {
            (b.child_id, b.day): b
            for b in _locked_bookings().filter(child__in=children, activity=activity, day__in=days)
        }
        closed = {day: calendar.closed(activity, day) for day in days}
        if not activity.active and kind == "booking":
            closed = dict.fromkeys(days, "activité suspendue")
        rule = planning_rules.describe_deadline(
            kind=activity.booking_deadline_kind, days=activity.booking_deadline_days, at=activity.booking_deadline_time
        )
        asked = []  # (child, day, booking or None)
        for child in children:
            for day in days:
                booking = existing.get((child.pk, day))
                problem = planning_rules.booking_problem(
                    day=day,
                    kind=kind,
                    state=booking.state if booking else planning_rules.NOT_BOOKED,
                    enrolments=enrolments[child.pk],
                    runs_weekdays=runs,
                    closed=closed[day],
                    now=now,
                    limit=_booking_limit(activity, day, holidays),
                    rule=rule,
                )
                if problem:
                    result.skipped.append((child, day, problem[1]))
                else:
                    asked.append((child, day, booking))
                    result.requested.append((child, day))
        if not asked:
            return result
        if kind == "cancellation":
            result.requests = _withdraw(family=family, by=by, activity=activity, asked=asked, now=now)
        else:
            result.requests = _request(
                family=family,
                by=by,
                activity=activity,
                kind=kind,
                asked=asked,
                justification=justification,
                now=now,
            )
            # Auto-accepted too: the decision itself comes in the next processing digest.
            acknowledgements.booking_received(
                requests=result.requests, asked=result.requested, activity=activity, kind=kind, by=by, now=now
            )
            if activity.auto_accept:
                _decide_pending(activity=activity, request_ids=[r.pk for r in result.requests], by=None, accept=True)
                for request in result.requests:
                    request.refresh_from_db(fields=["state", "decided_at", "decided_by"])
    return result


def _new_request(*, family, by, activity, kind, child, days, now, state=RequestState.PENDING) -> Request:
    return Request(
        family=family,
        kind=REQUEST_KIND[kind],
        author=by,
        child=child,
        activity=activity,
        subject=f"{_child_name(child)} — {activity.name}",
        start_date=min(days),
        end_date=max(days),
        state=state,
        decided_at=now if state != RequestState.PENDING else None,
    )


def _per_child(asked):
    grouped = defaultdict(list)
    for child, day, booking in asked:
        grouped[child].append((day, booking))
    return grouped


def _request(*, family, by, activity, kind, asked, justification, now) -> list[Request]:
    """Booking or absence requests: the days move to «Réservation en attente» or «Absence en attente»."""
    requests, lines, history, to_create, to_update = [], [], [], [], []
    stored_justification = ""
    for child, entries in _per_child(asked).items():
        request = _new_request(
            family=family, by=by, activity=activity, kind=kind, child=child, days=[d for d, _ in entries], now=now
        )
        if justification is not None:
            if stored_justification:
                request.justification.name = stored_justification
            else:
                request.justification.save(getattr(justification, "name", "justificatif"), justification, save=False)
                stored_justification = request.justification.name
        request.save()
        requests.append(request)
        for day, booking in entries:
            if booking is None:
                booking = Booking(child=child, activity=activity, day=day, state=planning_rules.NOT_BOOKED)
                to_create.append(booking)
            else:
                to_update.append(booking)
            lines.append((request, booking))
    event = planning_rules.Event.BOOK if kind == "booking" else planning_rules.Event.ABSENCE
    moves = [(booking, booking.state, planning_rules.next_state(booking.state, event)) for _, booking in lines]
    # queued_at: when the family asked; it orders the waiting list and dates an absence's declaration.
    justified = kind == "absence" and justification is not None
    for booking, _, new_state in moves:
        booking.state, booking.queued_at, booking.justified, booking.updated_at = new_state, now, justified, now
    Booking.objects.bulk_create(to_create)
    # Every day asked goes to the same state: one UPDATE, whatever the number of days.
    if to_update:
        Booking.objects.filter(pk__in=[b.pk for b in to_update]).update(
            state=to_update[0].state, queued_at=now, justified=justified, updated_at=now
        )
    for (request, booking), (_, old_state, new_state) in zip(lines, moves, strict=True):
        history.append(
            BookingHistory(booking_id=booking.pk, from_state=old_state, to_state=new_state, by=by, request=request)
        )
    BookingHistory.objects.bulk_create(history)
    RequestLine.objects.bulk_create(
        RequestLine(request=request, day=booking.day, booking=booking) for request, booking in lines
    )
    RequestEvent.objects.bulk_create(RequestEvent(request=r, kind=EventKind.SUBMITTED, author=by) for r in requests)
    days = defaultdict(list)
    for request, booking in lines:
        days[request.pk].append(f"{booking.day:%Y-%m-%d}")
    _log([(r, "portail.request.submit", {"days": days[r.pk]}) for r in requests], by=by)
    return requests


def _withdraw(*, family, by, activity, asked, now) -> list[Request]:
    """The family withdraws its pending requests of these days: a cancellation request, accepted at once."""
    bookings = [booking for _, _, booking in asked]
    withdrawn = list(
        RequestLine.objects.select_for_update(of=("self",))
        .filter(booking__in=bookings, state=LineState.PENDING, request__kind__in=DECIDED_KINDS)
        .order_by("pk")
    )
    requests, history, lines = [], [], []
    for child, entries in _per_child(asked).items():
        request = _new_request(
            family=family,
            by=by,
            activity=activity,
            kind="cancellation",
            child=child,
            days=[d for d, _ in entries],
            now=now,
            state=RequestState.ACCEPTED,
        )
        request.save()
        requests.append(request)
        for day, booking in entries:
            new_state = planning_rules.next_state(booking.state, planning_rules.Event.WITHDRAW)
            history.append(_history(booking, new_state, by=by, request_id=request.pk, reason="Retrait par la famille"))
            booking.state = new_state
            lines.append(
                RequestLine(request=request, day=day, booking=booking, state=LineState.ACCEPTED, decided_at=now)
            )
    _save_states(bookings, now)
    BookingHistory.objects.bulk_create(history)
    RequestLine.objects.bulk_create(lines)
    RequestEvent.objects.bulk_create(RequestEvent(request=r, kind=EventKind.SUBMITTED, author=by) for r in requests)
    days = defaultdict(list)
    for line in lines:
        days[line.request.pk].append(f"{line.day:%Y-%m-%d}")
    _log([(r, "portail.request.submit", {"days": days[r.pk]}) for r in requests], by=by)
    if withdrawn:
        RequestLine.objects.filter(pk__in=[line.pk for line in withdrawn]).update(
            state=LineState.WITHDRAWN, decided_at=now
        )
        originals = {line.request_id for line in withdrawn}
        RequestEvent.objects.bulk_create(
            RequestEvent(request_id=pk, kind=EventKind.WITHDRAWN, author=by) for pk in sorted(originals)
        )
        withdrawn_days = defaultdict(list)
        for line in withdrawn:
            withdrawn_days[line.request_id].append(f"{line.day:%Y-%m-%d}")
        _log(
            [
                (request, "portail.request.withdraw", {"days": withdrawn_days[request.pk]})
                for request in Request.objects.filter(pk__in=originals).order_by("pk")
            ],
            by=by,
        )
        _settle_requests(originals, by=None, now=now, withdrawal=True)
    return requests


# Decisions ---------------------------------------------------------------------------------------------------


def booking_request_decide(
    *, request: Request, by: AbstractUser | None, accept=(), refuse=(), message: str = ""
) -> Request:
    """Decide some days of a pending booking or absence request; the others stay pending.

    accept / refuse: dates (or RequestLine pks). A day already decided raises InvalidTransition."""
    accept, refuse = list(accept), list(refuse)
    with transaction.atomic():
        activity_id, kind = Request.objects.values_list("activity_id", "kind").get(pk=request.pk)
        if kind not in DECIDED_KINDS:
            raise ValueError("Only booking and absence requests are decided per day.")
        activity = _lock_activity(activity_id)
        request = Request.objects.select_for_update().get(pk=request.pk)
        lines = list(RequestLine.objects.select_for_update().filter(request=request))
        by_key = {}
        for line in lines:
            by_key[line.day] = line
            by_key[line.pk] = line
        chosen = {}
        for keys, verdict in ((accept, True), (refuse, False)):
            for key in keys:
                line = by_key.get(key)
                if line is None:
                    raise ValueError(f"No day {key!r} in this request.")
                if line.pk in chosen and chosen[line.pk][1] != verdict:
                    raise ValueError(f"Day {line.day} both accepted and refused.")
                chosen[line.pk] = (line, verdict)
        if not chosen:
            if not request.is_pending:
                raise InvalidTransition()
            return request
        if any(line.state != LineState.PENDING for line, _ in chosen.values()) or not request.is_pending:
            raise InvalidTransition()
        decisions = [
            _Decision(
                line_id=line.pk,
                request_id=request.pk,
                kind=kind,
                booking_id=line.booking_id,
                accept=verdict,
            )
            for line, verdict in chosen.values()
        ]
        _decide(activity=activity, decisions=decisions, by=by, message=message)
        request.refresh_from_db()
    return request


def booking_requests_bulk_decide(*, requests, by: AbstractUser | None, accept: bool, message: str = "") -> BulkResult:
    """Accept or refuse every pending day of many requests, with a handful of queries per activity."""
    if isinstance(requests, QuerySet):
        ids = list(requests.values_list("pk", flat=True))
    else:
        ids = [getattr(r, "pk", r) for r in requests]
    ids = sorted(set(ids))
    with transaction.atomic():
        decided, days = _decide_pending(activity=None, request_ids=ids, by=by, accept=accept, message=message)
    return BulkResult(requests=decided, days=days, skipped=len(ids) - decided)


def _decide_pending(*, activity, request_ids, by, accept: bool, message: str = "") -> tuple[int, int]:
    """Decide all pending lines of these requests; returns (requests decided, days decided)."""
    activity_ids = sorted(
        set(
            Request.objects.filter(pk__in=request_ids, state=RequestState.PENDING, kind__in=DECIDED_KINDS).values_list(
                "activity_id", flat=True
            )
        )
    )
    activities = {activity.pk: activity} if activity is not None else {}
    for activity_id in activity_ids:
        if activity_id not in activities:
            activities[activity_id] = _lock_activity(activity_id)
    requests = {
        r["pk"]: r
        for r in Request.objects.select_for_update()
        .filter(pk__in=request_ids, state=RequestState.PENDING, kind__in=DECIDED_KINDS)
        .values("pk", "kind", "activity_id")
    }
    lines = list(
        RequestLine.objects.select_for_update()
        .filter(request__in=list(requests), state=LineState.PENDING)
        .values_list("pk", "request_id", "booking_id")
    )
    per_activity = defaultdict(list)
    for line_id, request_id, booking_id in lines:
        request = requests[request_id]
        per_activity[request["activity_id"]].append(
            _Decision(
                line_id=line_id,
                request_id=request_id,
                kind=request["kind"],
                booking_id=booking_id,
                accept=accept,
            )
        )
    for activity_id in sorted(per_activity):
        _decide(activity=activities[activity_id], decisions=per_activity[activity_id], by=by, message=message)
    return len({d.request_id for ds in per_activity.values() for d in ds}), len(lines)


def _decide(*, activity: Activity, decisions: list[_Decision], by, message: str) -> None:
    """Apply decisions on one activity (locked by the caller): bookings, waiting list, lines, requests."""
    now = timezone.now()
    bookings = {b.pk: b for b in _locked_bookings().filter(pk__in=[d.booking_id for d in decisions])}
    holidays = _holidays_around(b.day for b in bookings.values())
    history, moved, freed, takers = [], [], set(), defaultdict(list)
    accepted_lines, refused_lines = [], []
    for decision in decisions:
        booking = bookings[decision.booking_id]
        (accepted_lines if decision.accept else refused_lines).append(decision.line_id)
        if decision.kind == RequestKind.BOOKING and decision.accept:
            if booking.state != planning_rules.PENDING:
                planning_rules.next_state(booking.state, planning_rules.Event.ACCEPT)  # raises InvalidTransition
            takers[booking.day].append((booking, decision.request_id))
            continue
        if decision.kind == RequestKind.BOOKING:
            event = planning_rules.Event.REFUSE
        elif decision.accept:
            # An absence's lateness is judged when the family declared it: queued_at holds that moment.
            event = planning_rules.absence_event(
                now_or_declared_at=booking.queued_at,
                limit=_cancel_limit(activity, booking.day, holidays),
                justified=booking.justified,
                late_billed=activity.late_absence_billed,
            )
        else:
            event = planning_rules.Event.ABSENCE_REFUSE
        new_state = planning_rules.next_state(booking.state, event)
        if booking.state in planning_rules.HOLDS_A_PLACE and new_state not in planning_rules.HOLDS_A_PLACE:
            freed.add(booking.day)
        history.append(_history(booking, new_state, by=by, request_id=decision.request_id, reason=message))
        booking.state = new_state
        moved.append(booking)
    promoted = _allocate(
        activity=activity, days=freed | set(takers), takers=takers, by=by, history=history, moved=moved
    )
    _save_states(moved, now)
    BookingHistory.objects.bulk_create(history)
    if accepted_lines:
        RequestLine.objects.filter(pk__in=accepted_lines).update(state=LineState.ACCEPTED, decided_at=now)
    if refused_lines:
        RequestLine.objects.filter(pk__in=refused_lines).update(state=LineState.REFUSED, decided_at=now)
    families = _settle_requests({d.request_id for d in decisions}, by=by, now=now, message=message)
    _record_notices(decisions, families=families, bookings=bookings, now=now, message=message)
    _announce(activity=activity, promoted=promoted)


def _record_notices(decisions: list[_Decision], *, families: dict, bookings: dict, now: datetime, message: str) -> None:
    """One notice per day decided, with the state its booking reached, for the next processing digest.

    families: {request id: family id}."""
    digests.notices_record(
        [
            DecisionNotice(
                family_id=families[d.request_id],
                request_id=d.request_id,
                line_id=d.line_id,
                decided_at=now,
                state=decided_day_status(accept=d.accept, booking_state=bookings[d.booking_id].state),
                message=message.strip(),
            )
            for d in decisions
        ]
    )


def _allocate(*, activity, days, takers, by, history, moved) -> list[Booking]:
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
    for booking in (
        _locked_bookings()
        .filter(activity=activity, day__in=days, state=planning_rules.WAITING)
        .exclude(pk__in=taken)
        .order_by("queued_at", "pk")
    ):
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
            history.append(_history(booking, new_state, by=by, request_id=request_id, reason=reason))
            booking.state = new_state
            moved.append(booking)
    return promoted


def _settle_requests(request_ids, *, by, now, message: str = "", withdrawal: bool = False) -> dict[int, int]:
    """Each request's state from its lines; a decided request gets its event (the message) and its log entry.

    Returns {request id: family id}."""
    if not request_ids:
        return {}
    states = defaultdict(list)
    days = defaultdict(list)
    for request_id, state, day in RequestLine.objects.filter(request__in=request_ids).values_list(
        "request_id", "state", "day"
    ):
        states[request_id].append(state)
        if state != LineState.PENDING:
            days[request_id].append((day, state))
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
    _log(entries, by=by)
    return {pk: request.family_id for pk, request in requests.items()}


def _announce(*, activity: Activity, promoted: list[Booking]) -> None:
    """Tell the family of each promoted day: a message on its booking request and an email."""
    if not promoted:
        return
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
                    "civilite": author.civility,
                    "prenom": author.first_name,
                    "nom": author.last_name.upper(),
                    "nom_complet": author.display_name,
                    "enfant": f"{child.first_name} {child.last_name.upper()}",
                    "activite": activity.name,
                    "jour": formats.day_month(booking.day),
                },
            )
    RequestEvent.objects.bulk_create(events)
    digests.notices_record(notices)


# The service cancels ----------------------------------------------------------------------------------------


def booking_cancel(*, booking: Booking, by: AbstractUser | None, reason: str = "") -> Booking:
    """The service cancels a booked day: the place goes to the first in line, and the family sees it in
    «Mes demandes» as an accepted cancellation carrying the reason."""
    now = timezone.now()
    with transaction.atomic():
        activity = _lock_activity(booking.activity_id)
        booking = _locked_bookings().select_related("child").get(pk=booking.pk)
        new_state = planning_rules.next_state(booking.state, planning_rules.Event.CANCEL)
        child = booking.child
        request = _new_request(
            family=Family(pk=child.family_id),
            by=by,
            activity=activity,
            kind="cancellation",
            child=child,
            days=[booking.day],
            now=now,
            state=RequestState.ACCEPTED,
        )
        request.decided_by = by
        request.save()
        line = RequestLine.objects.create(
            request=request, day=booking.day, booking=booking, state=LineState.ACCEPTED, decided_at=now
        )
        RequestEvent.objects.create(request=request, kind=EventKind.ACCEPTED, author=by, message=reason.strip())
        digests.notices_record(
            [
                DecisionNotice(
                    family_id=child.family_id,
                    request=request,
                    line=line,
                    decided_at=now,
                    state=decided_day_status(accept=True, booking_state=new_state),
                    message=reason.strip(),
                )
            ]
        )
        history = [_history(booking, new_state, by=by, request_id=request.pk, reason=reason)]
        booking.state = new_state
        moved = [booking]
        promoted = _allocate(activity=activity, days={booking.day}, takers={}, by=None, history=history, moved=moved)
        _save_states(moved, now)
        BookingHistory.objects.bulk_create(history)
        _log([(request, "portail.request.accept", {"message": reason, "accepted": [str(booking.day)]})], by=by)
        _announce(activity=activity, promoted=promoted)
    booking.refresh_from_db()
    return booking


def waiting_list_refill(*, activity: Activity, by: AbstractUser | None, today: date | None = None) -> list[Booking]:
    """Give the places an activity gained (its capacity raised or removed) to the waiting list, in request order,
    on every day to come that has children waiting. Returns the bookings promoted (each family is told)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        activity = _lock_activity(activity.pk)
        days = set(
            Booking.objects.filter(activity=activity, state=planning_rules.WAITING, day__gte=today).values_list(
                "day", flat=True
            )
        )
        history, moved = [], []
        promoted = _allocate(activity=activity, days=days, takers={}, by=by, history=history, moved=moved)
        _save_states(moved, timezone.now())
        BookingHistory.objects.bulk_create(history)
        _announce(activity=activity, promoted=promoted)
    return promoted
