"""Bookings and absences: the family's requests of days and the instructors' decisions on them.

Every path that can take a place locks the Activity row first, then the requests, then the bookings: two
instructors accepting the last place of a day at the same moment are served one after the other, and
the second sees the first's booking when it counts the places held. The waiting list is in waiting_list.py,
withdrawals and the service's cancellations in cancellation.py, the shared locks and writes in writes.py."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from commun.uploads import DOCUMENT, upload_clean
from espace_famille.demandes import acknowledgements, kinds
from espace_famille.demandes import services as demandes_services
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
from espace_famille.dossier.permissions import check_family_member
from espace_famille.planning import rules as planning_rules
from espace_famille.planning.calendar import Calendar
from espace_famille.planning.cancellation import withdraw
from espace_famille.planning.exceptions import BookingNotAllowed
from espace_famille.planning.models import Activity, Booking, BookingHistory, Enrolment
from espace_famille.planning.waiting_list import allocate, announce
from espace_famille.planning.writes import (
    DECIDED_KINDS,
    REQUEST_KIND,
    booking_limit,
    cancel_limit,
    decided_day_status,
    history_row,
    holidays_around,
    lock_activity,
    locked_bookings,
    log_requests,
    new_request,
    per_child,
    save_states,
    settle_requests,
)


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
    acknowledge: bool = True,
) -> SubmitResult:
    """Ask for bookings, absences or the withdrawal of pending requests on some days of some children.

    Each day is either requested or skipped with its French reason. One Request per child with at least one
    day requested; a cancellation is decided at once. On an activity that accepts automatically, the
    requests are decided by the rules in the same transaction. A justification goes through the upload policy
    first (UploadRefused: nothing is written). acknowledge=False: no acknowledgement e-mail, the caller sends one
    for several submissions (the basket, planning/basket.py)."""
    if kind not in REQUEST_KIND:
        raise ValueError(f"Unknown request kind: {kind!r}")
    # The service may book for a family with no account (the instructors' permission to decide requests).
    check_family_member(by=by, family=family, staff_permission="espace_famille.change_request")
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
    # Read before the activity's lock, which every parent booking the activity waits for.
    calendar = Calendar.load(days[0], days[-1])
    holidays = calendar.public_holiday_set()
    with transaction.atomic():
        activity = lock_activity(activity.pk, with_slots=True)
        runs = {slot.weekday for slot in activity.slots.all()}
        enrolments = defaultdict(list)
        for child_id, start, end, weekdays in Enrolment.objects.filter(
            child__in=children, activity=activity, start_date__lte=days[-1], end_date__gte=days[0]
        ).values_list("child_id", "start_date", "end_date", "weekdays"):
            enrolments[child_id].append((start, end, set(weekdays)))
        existing = {
            (b.child_id, b.day): b
            for b in locked_bookings().filter(child__in=children, activity=activity, day__in=days)
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
                    limit=booking_limit(activity, day, holidays),
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
            result.requests = withdraw(family=family, by=by, activity=activity, asked=asked, now=now)
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
            if activity.auto_accept:
                demandes_services.requests_decide_by_rules(requests=result.requests, decision=kinds.ACCEPT)
                for request in result.requests:
                    request.refresh_from_db(fields=["state", "decided_at", "decided_by"])
            # After the rules: the email says the state «Mes demandes» shows («acceptée» when decided at once).
            if acknowledge:
                acknowledgements.booking_received(
                    requests=result.requests, asked=result.requested, activity=activity, kind=kind, by=by, now=now
                )
    return result


def _request(*, family, by, activity, kind, asked, justification, now) -> list[Request]:
    """Booking or absence requests: the days move to «Réservation en attente» or «Absence en attente»."""
    requests, lines, history, to_create, to_update = [], [], [], [], []
    stored_justification = ""
    for child, entries in per_child(asked).items():
        request = new_request(
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
    log_requests([(r, "portail.request.submit", {"days": days[r.pk]}) for r in requests], by=by)
    return requests


# Decisions ---------------------------------------------------------------------------------------------------


def booking_request_decide(*, request: Request, by: AbstractUser, accept=(), refuse=(), message: str = "") -> Request:
    """Decide some days of a pending booking or absence request; the others stay pending. Through the decision
    framework (demandes.services.request_decide): the actor's permission, the locks, the days decided here
    (booking_days_decide), the request's record written by the framework.

    accept / refuse: dates (or RequestLine pks). A day already decided raises InvalidTransition."""
    return demandes_services.request_decide(
        request=request,
        by=by,
        decision=kinds.PARTIAL,
        message=message,
        lines={kinds.ACCEPT: list(accept), kinds.REFUSE: list(refuse)},
    )


def booking_requests_bulk_decide(*, requests, by: AbstractUser, accept: bool, message: str = "") -> BulkResult:
    """Accept or refuse every pending day of many requests, with a handful of queries per activity, through the
    decision framework (demandes.services.requests_decide), which checks that `by` may decide them."""
    fields = ("pk", "kind", "state", "activity_id")
    if isinstance(requests, QuerySet):
        loaded = list(requests.only(*fields))
    else:
        loaded = list(Request.objects.filter(pk__in={getattr(r, "pk", r) for r in requests}).only(*fields))
    ids = {request.pk for request in loaded}
    outcome = demandes_services.requests_decide(
        requests=loaded,
        by=by,
        decision=kinds.ACCEPT if accept else kinds.REFUSE,
        message=message,
    )
    return BulkResult(requests=outcome.requests, days=outcome.lines, skipped=len(ids) - outcome.requests)


def booking_days_decide(*, request: Request, by: AbstractUser | None, accept=(), refuse=(), message: str = ""):
    """The days of one request decided, for the decision framework (the planning's handler), in its transaction:
    bookings, waiting list, lines, the request's state and event. Returns the kinds.Outcome to record (a notice per
    day, the request's audit entry once it is decided)."""
    accept, refuse = list(accept), list(refuse)
    activity_id, kind = Request.objects.values_list("activity_id", "kind").get(pk=request.pk)
    if kind not in DECIDED_KINDS:
        raise ValueError("Only booking and absence requests are decided per day.")
    activity = lock_activity(activity_id)
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
        return kinds.Outcome(state=None, notices=[], audit=[])
    if any(line.state != LineState.PENDING for line, _ in chosen.values()) or not request.is_pending:
        raise InvalidTransition()
    decisions = [
        _Decision(line_id=line.pk, request_id=request.pk, kind=kind, booking_id=line.booking_id, accept=verdict)
        for line, verdict in chosen.values()
    ]
    notices, audit = _decide(
        activity=activity, decisions=decisions, requests={request.pk: request}, by=by, message=message
    )
    return kinds.Outcome(state=None, notices=notices, audit=audit)


def booking_requests_batch_decide(*, requests, by: AbstractUser | None, accept: bool, message: str = "") -> kinds.Batch:
    """Every pending day of many requests decided, for the decision framework (the planning's batch), in its
    transaction. Returns the kinds.Batch to record (a notice per day, an audit entry per request)."""
    request_ids = sorted({r.pk for r in requests})
    # A request's activity never changes: read before the locks, the pending state is checked under them.
    activity_ids = sorted({r.activity_id for r in requests if r.kind in DECIDED_KINDS and r.activity_id})
    activities = {activity_id: lock_activity(activity_id) for activity_id in activity_ids}
    requests = {
        r.pk: r
        for r in Request.objects.select_for_update().filter(
            pk__in=request_ids, state=RequestState.PENDING, kind__in=DECIDED_KINDS
        )
    }
    lines = list(
        RequestLine.objects.select_for_update()
        .filter(request__in=list(requests), state=LineState.PENDING)
        .values_list("pk", "request_id", "booking_id")
    )
    per_activity = defaultdict(list)
    for line_id, request_id, booking_id in lines:
        request = requests[request_id]
        per_activity[request.activity_id].append(
            _Decision(
                line_id=line_id,
                request_id=request_id,
                kind=request.kind,
                booking_id=booking_id,
                accept=accept,
            )
        )
    batch = kinds.Batch(requests=0, lines=len(lines))
    for activity_id in sorted(per_activity):
        notices, audit = _decide(
            activity=activities[activity_id],
            decisions=per_activity[activity_id],
            requests=requests,
            by=by,
            message=message,
        )
        batch.notices += notices
        batch.audit += audit
    batch.decided = {d.request_id for ds in per_activity.values() for d in ds}
    batch.requests = len(batch.decided)
    return batch


def _decide(*, activity: Activity, decisions: list[_Decision], requests: dict, by, message: str):
    """Apply decisions on one activity (locked by the caller, with the requests: {pk: Request}): bookings, waiting
    list, lines, requests' states.
    Returns what the framework records: (the notices, the audit entries of the requests decided)."""
    now = timezone.now()
    bookings = {b.pk: b for b in locked_bookings().filter(pk__in=[d.booking_id for d in decisions])}
    holidays = holidays_around(b.day for b in bookings.values())
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
                limit=cancel_limit(activity, booking.day, holidays),
                justified=booking.justified,
                late_billed=activity.late_absence_billed,
            )
        else:
            event = planning_rules.Event.ABSENCE_REFUSE
        new_state = planning_rules.next_state(booking.state, event)
        if booking.state in planning_rules.HOLDS_A_PLACE and new_state not in planning_rules.HOLDS_A_PLACE:
            freed.add(booking.day)
        history.append(history_row(booking, new_state, by=by, request_id=decision.request_id, reason=message))
        booking.state = new_state
        moved.append(booking)
    promoted = allocate(activity=activity, days=freed | set(takers), takers=takers, by=by, history=history, moved=moved)
    save_states(moved, now)
    BookingHistory.objects.bulk_create(history)
    if accepted_lines:
        RequestLine.objects.filter(pk__in=accepted_lines).update(state=LineState.ACCEPTED, decided_at=now)
    if refused_lines:
        RequestLine.objects.filter(pk__in=refused_lines).update(state=LineState.REFUSED, decided_at=now)
    families, audit = settle_requests(
        {d.request_id for d in decisions}, by=by, now=now, message=message, locked=requests
    )
    notices = _notices(decisions, families=families, bookings=bookings, now=now, message=message)
    return notices + announce(activity=activity, promoted=promoted), audit


def _notices(decisions: list[_Decision], *, families: dict, bookings: dict, now: datetime, message: str):
    """One notice per day decided, with the state its booking reached, for the next processing digest.

    families: {request id: family id}."""
    return [
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
