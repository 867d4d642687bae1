"""Filters of the instructors' queue of family-file requests (the planning queue has its own, in planning.admin)."""

import django_filters
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from espace_famille.demandes.models import FAMILY_FILE_KINDS, Request, RequestState
from espace_famille.dossier.models import Family

ALL_STATES = "all"


def families_with_requests(request):
    return Family.objects.filter(requests__kind__in=FAMILY_FILE_KINDS).distinct()


class PendingFirstFilterSet(WagtailFilterSet):
    """A queue of requests that opens on the pending ones; «Tous les états» shows the decided ones too.
    Every request kind's queue builds on it."""

    state = django_filters.ChoiceFilter(
        label="État",
        choices=[*RequestState.choices, (ALL_STATES, "Tous les états")],
        empty_label=None,
        initial=RequestState.PENDING,
        method="filter_state",
    )

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if data is not None and not data.get("state"):
            data = data.copy()
            data["state"] = RequestState.PENDING
        super().__init__(data, queryset, request=request, prefix=prefix)

    def filter_state(self, queryset, name, value):
        if value == ALL_STATES:
            return queryset
        return queryset.filter(state=value)


class RequestFilterSet(PendingFirstFilterSet):
    """The family-file queue."""

    kind = django_filters.ChoiceFilter(
        label="Type", choices=[(kind.value, kind.label) for kind in FAMILY_FILE_KINDS], empty_label="Tous les types"
    )
    created_at = django_filters.DateFromToRangeFilter(label="Date de la demande", widget=DateRangePickerWidget)
    family = django_filters.ModelChoiceFilter(
        label="Famille", queryset=families_with_requests, empty_label="Toutes les familles"
    )

    class Meta:
        model = Request
        fields = ["kind", "state", "created_at", "family"]
