"""Cancellations: the family withdraws its pending requests of some days, the service cancels a booked day."""

from collections import defaultdict

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from espace_famille.demandes import digests
from espace_famille.demandes import rules as demandes_rules
from espace_famille.demandes.models import (
    DecisionNotice,
    EventKind,
    LineState,
    Request,
    RequestEvent,
    RequestLine,
    RequestState,
)
from espace_famille.dossier.models import Family
from espace_famille.planning import rules as planning_rules
from espace_famille.planning.models import Booking, BookingHistory
from espace_famille.planning.waiting_list import allocate, announce
from espace_famille.planning.writes import (
    DECIDED_KINDS,
    decided_day_status,
    history_row,
    lock_activity,
    locked_bookings,
    log_requests,
    new_request,
    per_child,
    save_states,
    settle_requests,
)


def withdraw(*, family, by, activity, asked, now) -> list[Request]:
    """The family withdraws its pending requests of these days: a cancellation request, accepted at once."""
    bookings = [booking for _, _, booking in asked]
    withdrawn = list(
        RequestLine.objects.select_for_update(of=("self",))
        .filter(booking__in=bookings, state=LineState.PENDING, request__kind__in=DECIDED_KINDS)
        .order_by("pk")
    )
    requests, history, lines = [], [], []
    for child, entries in per_child(asked).items():
        request = new_request(
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
            history.append(
                history_row(booking, new_state, by=by, request_id=request.pk, reason="Retrait par la famille")
            )
            booking.state = new_state
            lines.append(
                RequestLine(request=request, day=day, booking=booking, state=LineState.ACCEPTED, decided_at=now)
            )
    save_states(bookings, now)
    BookingHistory.objects.bulk_create(history)
    RequestLine.objects.bulk_create(lines)
    RequestEvent.objects.bulk_create(RequestEvent(request=r, kind=EventKind.SUBMITTED, author=by) for r in requests)
    days = defaultdict(list)
    for line in lines:
        days[line.request.pk].append(f"{line.day:%Y-%m-%d}")
    log_requests([(r, "portail.request.submit", {"days": days[r.pk]}) for r in requests], by=by)
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
        log_requests(
            [
                (request, "portail.request.withdraw", {"days": withdrawn_days[request.pk]})
                for request in Request.objects.filter(pk__in=originals).order_by("pk")
            ],
            by=by,
        )
        settle_requests(originals, by=None, now=now, withdrawal=True)
    return requests


def request_days_withdraw(*, request: Request, by: AbstractUser, now) -> tuple[str, list[str]]:
    """«Retirer ma demande» on a pending booking or absence request, the activity and the request locked by the
    caller (demandes.services.request_withdraw): its days still pending are withdrawn (a booking asked becomes
    «Réservation annulée», an absence asked leaves the day «Réservé»), and so are its days on the waiting list,
    which give up their turn; its days decided otherwise stay as they are. No day held a place: nobody is promoted.

    Returns the request's state from its lines («withdrawn» when none was decided) and the days withdrawn."""
    lines = list(RequestLine.objects.select_for_update(of=("self",)).filter(request=request).order_by("pk"))
    booking_ids = [line.booking_id for line in lines if line.booking_id]
    bookings = {booking.pk: booking for booking in locked_bookings().filter(pk__in=booking_ids)}
    # A day on the waiting list is this request's when this request put it there and nothing moved it since.
    last_request = {}
    for booking_id, request_id in (
        BookingHistory.objects.filter(booking__in=booking_ids)
        .order_by("booking_id", "pk")
        .values_list("booking_id", "request_id")
    ):
        last_request[booking_id] = request_id
    withdrawn, history = [], []
    for line in lines:
        booking = bookings.get(line.booking_id)
        if booking is None:
            continue
        waiting = (
            line.state == LineState.ACCEPTED
            and booking.state == planning_rules.WAITING
            and last_request.get(booking.pk) == request.pk
        )
        if line.state != LineState.PENDING and not waiting:
            continue
        new_state = planning_rules.next_state(booking.state, planning_rules.Event.WITHDRAW)
        history.append(
            history_row(booking, new_state, by=by, request_id=request.pk, reason="Demande retirée par la famille")
        )
        booking.state = new_state
        line.state = LineState.WITHDRAWN
        withdrawn.append(line)
    save_states([bookings[line.booking_id] for line in withdrawn], now)
    BookingHistory.objects.bulk_create(history)
    RequestLine.objects.filter(pk__in=[line.pk for line in withdrawn]).update(state=LineState.WITHDRAWN, decided_at=now)
    state = demandes_rules.request_state([line.state for line in lines])
    return state, [f"{line.day:%Y-%m-%d}" for line in withdrawn]


def booking_cancel(*, booking: Booking, by: AbstractUser | None, reason: str = "") -> Booking:
    """The service cancels a booked day: the place goes to the first in line, and the family sees it in
    «Mes demandes» as an accepted cancellation carrying the reason. Staff who decide requests do it."""
    if by is None or not by.has_perm("espace_famille.change_request"):
        raise PermissionDenied("Seuls les instructeurs annulent une réservation.")
    now = timezone.now()
    with transaction.atomic():
        activity = lock_activity(booking.activity_id)
        booking = locked_bookings().select_related("child").get(pk=booking.pk)
        new_state = planning_rules.next_state(booking.state, planning_rules.Event.CANCEL)
        child = booking.child
        request = new_request(
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
        history = [history_row(booking, new_state, by=by, request_id=request.pk, reason=reason)]
        booking.state = new_state
        moved = [booking]
        promoted = allocate(activity=activity, days={booking.day}, takers={}, by=None, history=history, moved=moved)
        save_states(moved, now)
        BookingHistory.objects.bulk_create(history)
        log_requests([(request, "portail.request.accept", {"message": reason, "accepted": [str(booking.day)]})], by=by)
        digests.notices_record(announce(activity=activity, promoted=promoted))
    booking.refresh_from_db()
    return booking
