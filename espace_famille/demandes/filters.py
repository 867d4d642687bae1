"""Filters of «Mes demandes»: «Type demande» and «Etat»."""

import django_filters

from espace_famille.demandes.models import Request, RequestKind, RequestState


class RequestFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label="Type demande", choices=RequestKind.choices, empty_label="Tous")
    state = django_filters.ChoiceFilter(label="Etat", choices=RequestState.choices, empty_label="Tous")

    class Meta:
        model = Request
        fields = ["kind", "state"]
