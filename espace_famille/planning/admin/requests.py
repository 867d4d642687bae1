"""The queue of planning requests (bookings, absences, cancellations) and the decision page, one row per day.
Decisions go through demandes.services.request_decide (the planning handler decides the days)."""

import os
from collections import defaultdict
from datetime import date

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.views.decorators.cache import never_cache
from wagtail.admin import messages
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, StatusTagColumn
from wagtail.admin.viewsets.base import ViewSet
from wagtail.snippets.views.snippets import IndexView, InspectView, SnippetViewSet

from commun import formats, intents
from commun.admin_intents import IntentDecisionMixin
from commun.downloads import download_name
from commun.listing_exports import ListingExportMixin
from espace_famille.demandes import kinds
from espace_famille.demandes import services as demandes_services
from espace_famille.demandes.admin_views import DECIDE, DecisionForm, DecisionQueueMixin, RequestHistoryView, plural
from espace_famille.demandes.exceptions import InvalidTransition
from espace_famille.demandes.models import LineState, Request, RequestKind
from espace_famille.dossier.family_page import family_link
from espace_famille.planning import rules
from espace_famille.planning.admin import exports
from espace_famille.planning.admin.filters import BookingRequestFilterSet
from espace_famille.planning.admin.labels import period_label
from espace_famille.planning.models import Activity, Booking, BookingState

PLANNING_KINDS = (RequestKind.BOOKING, RequestKind.ABSENCE, RequestKind.CANCELLATION)
DECIDED_KINDS = (RequestKind.BOOKING, RequestKind.ABSENCE)


def planning_queryset():
    return Request.objects.filter(kind__in=PLANNING_KINDS)


def queue_rows():
    return (
        planning_queryset().select_related("family", "child", "activity__facility").annotate(days_count=Count("lines"))
    )


SEARCH_FIELDS = ("family__name", "child__first_name", "child__last_name")


def search_requests(queryset, query: str):
    """Every word must match the family's name or the child's first or last name («léa durant»)."""
    for word in query.split():
        matches = Q()
        for field in SEARCH_FIELDS:
            matches |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(matches)
    return queryset


def can_decide(request: Request) -> bool:
    return request.is_pending and request.kind in DECIDED_KINDS


class BookingRequestIndexView(ListingExportMixin, DecisionQueueMixin, IndexView):
    """Oldest requests first: the queue is worked through in the order families asked (the waiting list's order)."""

    page_title = "Demandes de réservation et d'absence"
    listing_export = exports.BOOKING_REQUESTS
    default_ordering = "created_at"

    @cached_property
    def columns(self):
        return [
            BulkActionsCheckboxColumn("bulk_actions", obj_type="snippet"),
            Column("family", label="Famille", accessor=lambda r: family_link(r.family), sort_key="family__name"),
            Column("child", label="Enfant", accessor=lambda r: r.child or "—", sort_key="child__first_name"),
            self._get_title_column("kind", accessor="get_kind_display"),
            Column("activity", label="Activité", accessor=lambda r: r.activity or "—", sort_key="activity__code"),
            Column(
                "period",
                label="Période",
                accessor=lambda r: period_label(r.start_date, r.end_date),
                sort_key="start_date",
            ),
            Column("days_count", label="Nombre de jours", accessor="days_count", sort_key="days_count"),
            Column(
                "created_at",
                label="Date",
                accessor=lambda r: formats.datetime_numeric(r.created_at),
                sort_key="created_at",
            ),
            StatusTagColumn(
                "state", label="État", accessor="get_state_display", sort_key="state", primary=lambda r: r.is_pending
            ),
        ]

    def get_edit_url(self, instance):
        return self.get_inspect_url(instance)

    def search_queryset(self, queryset):
        return search_requests(queryset, self.search_query) if self.is_searching else queryset

    def bulk_actions(self):
        from espace_famille.planning.admin.bulk import BookingAcceptBulkAction, BookingRefuseBulkAction

        return (BookingAcceptBulkAction, BookingRefuseBulkAction)

    def can_decide(self, instance) -> bool:
        return can_decide(instance)


def day_occupancy(activity: Activity, days) -> tuple[dict[date, int], dict[int, int]]:
    """Places held per day, and the rank of each waiting booking (by pk) in its day's waiting list: two queries."""
    holding = dict(
        Booking.objects.filter(activity=activity, day__in=days, state__in=rules.HOLDS_A_PLACE)
        .order_by()
        .values_list("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    ranks, counters = {}, defaultdict(int)
    waiting = Booking.objects.filter(activity=activity, day__in=days, state=BookingState.WAITING).order_by(
        "day", "queued_at", "pk"
    )
    for pk, day in waiting.values_list("pk", "day"):
        counters[day] += 1
        ranks[pk] = counters[day]
    return holding, ranks


@method_decorator(never_cache, name="dispatch")
class BookingRequestDecisionView(IntentDecisionMixin, InspectView):
    """One request, one row per day: the day's current state, whether it is full, the waiting rank,
    and a decision per day (accept / refuse), with a message for the family."""

    page_title = "Demande"
    template_name = "espace_famille/admin/booking_request_decision.html"
    intent_action = "bookings.decide"

    def get_object(self, queryset=None):
        queryset = planning_queryset().select_related("family", "child", "activity__facility", "author", "decided_by")
        return get_object_or_404(queryset, pk=unquote(str(self.pk)))

    def get_page_subtitle(self):
        return f"{self.object.get_kind_display()} — {self.object.child or self.object.family}"

    def get_fields(self):
        return ["family", "child", "kind", "activity", "created_at", "state"]

    def get_created_at_display_value(self):
        return formats.datetime_numeric(self.object.created_at)

    def get_family_display_value(self):
        family = self.object.family
        return format_html("{} (code abonné {})", family_link(family), family.subscriber_code)

    def get_child_display_value(self):
        return str(self.object.child) if self.object.child else "—"

    @cached_property
    def can_decide(self) -> bool:
        return can_decide(self.object) and self.user_has_permission(DECIDE)

    def lines(self) -> list[dict]:
        request = self.object
        lines = list(request.lines.select_related("booking").order_by("day", "pk"))
        activity = request.activity
        holding, ranks = day_occupancy(activity, [line.day for line in lines]) if activity else ({}, {})
        capacity = activity.capacity if activity else None
        rows = []
        for line in lines:
            booking = line.booking
            held = holding.get(line.day, 0)
            rows.append(
                {
                    "line": line,
                    "day": formats.day_month(line.day),
                    "day_long": formats.weekday_date(line.day),
                    "field": f"jour-{line.pk}",
                    "line_state": line.get_state_display(),
                    "pending": line.state == LineState.PENDING,
                    "day_state": booking.get_state_display() if booking else BookingState.NOT_BOOKED.label,
                    "places": f"{held} / {capacity}" if capacity is not None else f"{held} (sans limite)",
                    "full": capacity is not None and held >= capacity,
                    "rank": ranks.get(booking.pk) if booking else None,
                }
            )
        return rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = self.lines()
        events = self.object.events.select_related("author").order_by("created_at", "pk")
        context.update(
            rows=rows,
            can_decide=self.can_decide,
            decision_form=DecisionForm(),
            intent=self.issue_intent(),
            index_url=reverse(self.index_url_name),
            history_url=reverse(f"{BookingRequestViewSet.url_namespace}:history", args=[self.object.pk]),
            justification_url=reverse(f"{BookingRequestViewSet.url_namespace}:justification", args=[self.object.pk]),
            events=[
                {
                    "when": formats.datetime_numeric(event.created_at),
                    "label": event.get_kind_display(),
                    "author": (event.author.email if event.author else "—"),
                    "message": event.message,
                    "visible": event.visible_to_family,
                }
                for event in events
            ],
        )
        return context

    def post(self, request, *args, **kwargs):
        if intents.carried_out(request.POST.get(intents.FIELD), user=request.user):
            messages.info(request, intents.ALREADY_DONE)  # a decided request is no longer one to decide
            return redirect(reverse(self.index_url_name))
        if not self.can_decide:
            raise PermissionDenied
        form = DecisionForm(request.POST)
        form.is_valid()
        message = form.cleaned_data.get("message", "")
        pending = list(self.object.lines.filter(state=LineState.PENDING).values_list("pk", flat=True))
        everything = request.POST.get("decision")
        accept, refuse = [], []
        for pk in pending:
            choice = everything or request.POST.get(f"jour-{pk}")
            if choice == "accept":
                accept.append(pk)
            elif choice == "refuse":
                refuse.append(pk)
        if not accept and not refuse:
            messages.error(request, "Choisissez « Accepter » ou « Refuser » pour au moins un jour.")
            return redirect(request.path)
        try:
            with self.intent_once():
                demandes_services.request_decide(
                    request=self.object,
                    by=request.user,
                    decision=kinds.PARTIAL,
                    lines={kinds.ACCEPT: accept, kinds.REFUSE: refuse},
                    message=message,
                )
        except intents.IntentRefused as error:
            return self.intent_refused(error)
        except InvalidTransition as error:
            messages.error(request, error.message)
            return redirect(request.path)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(request.path)
        parts = []
        if accept:
            parts.append(f"{len(accept)} jour{plural(len(accept), '', 's')} accepté{plural(len(accept), '', 's')}")
        if refuse:
            parts.append(f"{len(refuse)} jour{plural(len(refuse), '', 's')} refusé{plural(len(refuse), '', 's')}")
        messages.success(request, f"Demande traitée : {' et '.join(parts)}.")
        self.object.refresh_from_db()
        if self.object.is_pending:
            return redirect(request.path)
        return redirect(reverse(self.index_url_name))


@never_cache
def justification_download(request, pk: int):
    """The certificate attached to an absence, for staff who may read requests; never cached."""
    if not request.user.has_perm("espace_famille.view_request"):
        raise PermissionDenied
    planning_request = get_object_or_404(planning_queryset().exclude(justification=""), pk=pk)
    name = os.path.basename(planning_request.justification.name)
    return FileResponse(planning_request.justification.open("rb"), as_attachment=True, filename=download_name(name))


class BookingRequestViewSet(SnippetViewSet):
    """A second view of the Request model: the planning requests. It is not «the» snippet viewset of Request
    (the family-file queue is): it registers its URLs and menu item but leaves Request.snippet_viewset alone."""

    model = Request
    icon = "calendar-check"
    menu_label = "Réservations et absences"
    menu_name = "requests-planning"
    url_prefix = "snippets/espace_famille/demandes-planning"
    url_namespace = "espace_famille_booking_requests"
    index_view_class = BookingRequestIndexView
    index_template_name = "espace_famille/admin/booking_request_index.html"
    inspect_view_enabled = True
    inspect_view_class = BookingRequestDecisionView
    history_view_class = RequestHistoryView
    search_fields = list(SEARCH_FIELDS)
    copy_view_enabled = False
    list_per_page = 50

    filterset_class = BookingRequestFilterSet

    def get_queryset(self, request):
        return queue_rows()

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("justificatif/<int:pk>/", justification_download, name="justification"),
        ]

    def on_register(self):
        # Only what a plain viewset does (URLs through the registry, menu item): the snippet registration,
        # chooser and admin URL finder of Request stay those of the family-file queue.
        ViewSet.on_register(self)
