"""Bookings, absences and cancellations in the decision framework: line-based kinds (one RequestLine per day), each
day accepted or refused on its own; a request is partly accepted when its days were not all decided alike."""

from django.urls import reverse

from commun import formats
from espace_famille.demandes import kinds
from espace_famille.demandes.exceptions import InvalidTransition
from espace_famille.demandes.models import LineState, Request, RequestKind
from espace_famille.planning import services, writes
from espace_famille.planning.cancellation import request_days_withdraw
from espace_famille.planning.models import BookingHistory, BookingState

BOOKING_KINDS = (RequestKind.BOOKING.value, RequestKind.ABSENCE.value, RequestKind.CANCELLATION.value)
# What a day of a booking or absence request asks for (a cancellation's day reads it from its history).
ASKED = {RequestKind.BOOKING.value: BookingState.BOOKED, RequestKind.ABSENCE.value: BookingState.ABSENT}
REQUESTS_URL_NAMESPACE = "espace_famille_booking_requests"


class PlanningHandler(kinds.KindHandler):
    """The days are decided by planning.services (waiting list, billed absences), under the activity's lock, taken
    before the request's (the planning's lock order); it sets the request's state from its lines and returns a
    notice per day and the request's audit entry, which the framework writes."""

    kinds = BOOKING_KINDS
    line_based = True
    admin_order = 20
    withdrawable = True
    withdraw_help = (
        "Les jours encore en attente ne seront plus demandés, et ceux en liste d'attente y perdront leur place ; "
        "les jours déjà acceptés ou refusés restent tels quels."
    )

    def lock(self, request: Request) -> Request:
        activity_id = Request.objects.values_list("activity_id", flat=True).get(pk=request.pk)
        if activity_id:
            writes.lock_activity(activity_id)
        return super().lock(request)

    @staticmethod
    def _check_decided(request: Request) -> None:
        if request.kind not in services.DECIDED_KINDS:
            raise InvalidTransition("Une annulation est enregistrée sans décision.")

    @staticmethod
    def _pending_lines(request: Request) -> list[int]:
        return list(request.lines.filter(state=LineState.PENDING).values_list("pk", flat=True))

    def accept(self, request, *, by, message, lines=None, values=None):
        return self.partial(
            request, by=by, message=message, accept=self._pending_lines(request) if lines is None else lines
        )

    def refuse(self, request, *, by, message, lines=None):
        return self.partial(
            request, by=by, message=message, refuse=self._pending_lines(request) if lines is None else lines
        )

    def partial(self, request, *, by, message, accept=(), refuse=()):
        self._check_decided(request)
        return services.booking_days_decide(request=request, by=by, accept=accept, refuse=refuse, message=message)

    def bulk(self, requests, *, by, decision, message):
        if decision not in (kinds.ACCEPT, kinds.REFUSE):
            return None
        return services.booking_requests_batch_decide(
            requests=requests, by=by, accept=decision == kinds.ACCEPT, message=message
        )

    def withdraw(self, request, *, by, now):
        self._check_decided(request)
        state, days = request_days_withdraw(request=request, by=by, now=now)
        return kinds.Withdrawal(state=state, data={"days": days})

    def describe(self, request):
        rows = []
        if request.activity_id:
            rows += [
                kinds.Row("Structure", request.activity.facility.name),
                kinds.Row("Activité", request.activity.name),
            ]
        return kinds.Description(
            subject=request.subject or request.get_kind_display(),
            rows=rows,
            changes=self.changes(request),
            changes_heading="Jours demandés",
            change_label="Jour",
        )

    def changes(self, request):
        """Each day: its state when the family asked (from the day's history), the state asked, its decision."""
        # The request's first move of each day is the family's: from the state the day had, to the state asked.
        moves = {}
        for booking_id, before, after in (
            BookingHistory.objects.filter(request=request)
            .order_by("-pk")
            .values_list("booking_id", "from_state", "to_state")
        ):
            moves[booking_id] = (before, after)
        labels = dict(BookingState.choices)
        changes = []
        # Sorted here rather than by the database: the lines are often prefetched.
        for line in sorted(request.lines.all(), key=lambda line: (line.day, line.pk)):
            before, after = moves.get(line.booking_id, (None, None))
            after = ASKED.get(request.kind, after)
            decided = f" le {formats.datetime_numeric(line.decided_at)}" if line.decided_at else ""
            changes.append(
                kinds.Change(
                    label=formats.day_month_year(line.day),
                    before=labels.get(before, "—"),
                    after=labels.get(after, "—"),
                    decision=line.get_state_display() + decided,
                )
            )
        return changes

    def admin_url(self, request):
        return reverse(f"{REQUESTS_URL_NAMESPACE}:inspect", args=[request.pk])

    def queue_url(self):
        return reverse(f"{REQUESTS_URL_NAMESPACE}:list")

    def admin_viewset(self):
        from espace_famille.planning.admin.requests import BookingRequestViewSet

        return BookingRequestViewSet
