"""Bulk decisions of the planning queue: every pending day of the selected requests, accepted or refused at once."""

from django import forms
from django.contrib.admin.utils import quote
from django.urls import reverse

from espace_famille.demandes import kinds
from espace_famille.demandes.admin_views import BulkMessageForm, DecisionBulkAction, plural
from espace_famille.demandes.models import Request, RequestState
from espace_famille.planning.admin.filters import BookingRequestFilterSet
from espace_famille.planning.admin.requests import (
    DECIDED_KINDS,
    BookingRequestViewSet,
    planning_queryset,
    queue_rows,
    search_requests,
)


class BookingBulkMessageForm(BulkMessageForm):
    message = forms.CharField(
        label="Message pour la famille",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Facultatif. Chaque famille lit ce même message dans « Mes demandes ».",
    )


class BookingBulkDecision(DecisionBulkAction):
    """Accept or refuse every pending day of the selected requests at once (the planning handler decides them in
    one set-based call)."""

    intent_prefix = "bookings"
    models = [Request]
    form_class = BookingBulkMessageForm
    template_name = "espace_famille/admin/booking_bulk_decision.html"
    subtitle = "Demandes de réservation et d'absence"
    header_icon = "calendar-check"
    already_decided_texts = (
        "1 demande n'était plus en instruction : elle n'a pas été modifiée.",
        "{count} demandes n'étaient plus en instruction : elles n'ont pas été modifiées.",
    )

    @classmethod
    def get_queryset(cls, model, object_ids):
        return list(queue_rows().filter(kind__in=DECIDED_KINDS, pk__in=list(object_ids)).order_by("created_at", "pk"))

    def get_all_objects_in_listing_query(self, parent_id):
        """«All» honours the filters and search the instructor was looking at."""
        queryset = BookingRequestFilterSet(self.request.GET, planning_queryset(), request=self.request).qs
        if query := self.request.GET.get("q"):
            queryset = search_requests(queryset, query)
        return queryset.filter(state=RequestState.PENDING, kind__in=DECIDED_KINDS).values_list("pk", flat=True)

    def object_context(self, obj):
        url = reverse(f"{BookingRequestViewSet.url_namespace}:inspect", args=[quote(obj.pk)])
        return {"item": obj, "url": url}

    def question_values(self, open_items):
        days = sum(item.days_count for item in open_items)
        return {**super().question_values(open_items), "days": days, "ds": plural(days, "", "s")}


class BookingAcceptBulkAction(BookingBulkDecision):
    display_name = "Accepter"
    action_type = "booking-accept"
    aria_label = "Accepter les demandes de réservation ou d'absence sélectionnées"
    action_priority = 10
    decision = kinds.ACCEPT
    question = (
        "Accepter %(count)s demande%(s)s (%(days)s jour%(ds)s) ? Une réservation sur un jour complet "
        "est placée en liste d'attente."
    )
    button_label = "Oui, accepter"

    def get_success_message(self, num_parent_objects, num_child_objects):
        if num_parent_objects:
            s = plural(num_parent_objects, "", "s")
            ds = plural(num_child_objects, "", "s")
            return f"{num_parent_objects} demande{s} acceptée{s} ({num_child_objects} jour{ds})."


class BookingRefuseBulkAction(BookingBulkDecision):
    display_name = "Refuser"
    action_type = "booking-refuse"
    aria_label = "Refuser les demandes de réservation ou d'absence sélectionnées"
    action_priority = 20
    classes = {"serious"}
    decision = kinds.REFUSE
    button_class = "serious"
    question = "Refuser %(count)s demande%(s)s (%(days)s jour%(ds)s) ?"
    button_label = "Oui, refuser"

    def get_success_message(self, num_parent_objects, num_child_objects):
        if num_parent_objects:
            s = plural(num_parent_objects, "", "s")
            ds = plural(num_child_objects, "", "s")
            return f"{num_parent_objects} demande{s} refusée{s} ({num_child_objects} jour{ds})."
