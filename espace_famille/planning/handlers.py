"""Bookings, absences and cancellations in the decision framework: line-based kinds (one RequestLine per day), each
day accepted or refused on its own; a request is partly accepted when its days were not all decided alike."""

from django.urls import reverse

from commun import formats
from espace_famille.demandes import kinds
from espace_famille.demandes.exceptions import InvalidTransition
from espace_famille.demandes.models import LineState, Request, RequestKind
from espace_famille.planning import services, writes

BOOKING_KINDS = (RequestKind.BOOKING.value, RequestKind.ABSENCE.value, RequestKind.CANCELLATION.value)
REQUESTS_URL_NAMESPACE = "espace_famille_booking_requests"


class PlanningHandler(kinds.KindHandler):
    """The days are decided by planning.services (waiting list, billed absences, one notice per day): it records
    the decision itself, under the activity's lock, taken before the request's (the planning's lock order)."""

    kinds = BOOKING_KINDS
    line_based = True
    admin_order = 20

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
        services.booking_request_decide(request=request, by=by, accept=accept, refuse=refuse, message=message)
        return kinds.Outcome(recorded=True)

    def bulk(self, requests, *, by, decision, message):
        if decision not in (kinds.ACCEPT, kinds.REFUSE):
            return None
        result = services.booking_requests_bulk_decide(
            requests=[request.pk for request in requests], by=by, accept=decision == kinds.ACCEPT, message=message
        )
        return result.requests, result.days

    def describe(self, request):
        rows = []
        if request.activity_id:
            rows += [
                kinds.Row("Structure", request.activity.facility.name),
                kinds.Row("Activité", request.activity.name),
            ]
        rows += [
            kinds.Row(formats.date_numeric(line.day), line.get_state_display())
            for line in request.lines.order_by("day", "pk")
        ]
        return kinds.Description(subject=request.subject or request.get_kind_display(), rows=rows)

    def admin_url(self, request):
        return reverse(f"{REQUESTS_URL_NAMESPACE}:inspect", args=[request.pk])

    def admin_viewset(self):
        from espace_famille.planning.admin.requests import BookingRequestViewSet

        return BookingRequestViewSet
