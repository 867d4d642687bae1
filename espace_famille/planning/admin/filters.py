"""Filters of the planning queue (bookings, absences, cancellations)."""

from datetime import datetime

import django_filters
from wagtail.admin.filters import DateRangePickerWidget

from espace_famille.demandes.admin_filters import PendingFirstFilterSet
from espace_famille.demandes.models import Request, RequestKind
from espace_famille.planning.models import Activity, Facility

PLANNING_KINDS = (RequestKind.BOOKING, RequestKind.ABSENCE, RequestKind.CANCELLATION)


def _facilities(request):
    return Facility.objects.all()


def _activities(request):
    return Activity.objects.select_related("facility")


def _as_date(value):
    return value.date() if isinstance(value, datetime) else value


class BookingRequestFilterSet(PendingFirstFilterSet):
    """The planning queue opens on pending requests: by structure, activity, days asked, type and state."""

    kind = django_filters.ChoiceFilter(
        label="Type demande",
        choices=[(kind.value, kind.label) for kind in PLANNING_KINDS],
        empty_label="Tous les types",
    )
    facility = django_filters.ModelChoiceFilter(
        label="Structure", field_name="activity__facility", queryset=_facilities, empty_label="Toutes les structures"
    )
    activity = django_filters.ModelChoiceFilter(
        label="Activité", queryset=_activities, empty_label="Toutes les activités"
    )
    days = django_filters.DateFromToRangeFilter(
        label="Jours demandés", widget=DateRangePickerWidget, method="filter_days"
    )

    class Meta:
        model = Request
        fields = ["kind", "state", "facility", "activity", "days"]

    def filter_days(self, queryset, name, value):
        """Requests with at least one day in the range (their period overlaps it)."""
        if value and value.start:
            queryset = queryset.filter(end_date__gte=_as_date(value.start))
        if value and value.stop:
            queryset = queryset.filter(start_date__lte=_as_date(value.stop))
        return queryset
