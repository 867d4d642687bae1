"""The instructors' queue of pre-registrations: filters by crèche and desired date, single and bulk decisions."""

import django_filters
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, StatusTagColumn
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.views.snippets import IndexView, InspectView

from commun import formats, intents
from commun.admin_intents import IntentDecisionMixin
from commun.listing_exports import ListingExportMixin
from espace_famille.creche.admin_exports import APPLICATIONS
from espace_famille.creche.handlers import WAITING
from espace_famille.creche.models import CrecheApplication
from espace_famille.demandes import kinds
from espace_famille.demandes import services as demandes_services
from espace_famille.demandes.admin_views import DecisionBulkAction, DecisionForm
from espace_famille.demandes.exceptions import InvalidTransition
from espace_famille.demandes.models import RequestState
from espace_famille.dossier.family_page import family_link
from espace_famille.planning.models import Facility, FacilityKind

DECIDE = "decide"
DECISIONS = {
    kinds.ACCEPT: (RequestState.ACCEPTED, "Accepter"),
    WAITING: (RequestState.WAITING, "Mettre sur liste d'attente"),
    kinds.REFUSE: (RequestState.REFUSED, "Refuser"),
}
OPEN = (RequestState.PENDING, RequestState.WAITING)


def can_decide(application) -> bool:
    return application.request.state in OPEN


class ApplicationFilterSet(WagtailFilterSet):
    creche = django_filters.ModelChoiceFilter(
        label="Crèche (tous choix)",
        queryset=Facility.objects.filter(kind=FacilityKind.CRECHE),
        field_name="choices",
        distinct=True,
    )
    first_choice = django_filters.ModelChoiceFilter(
        label="Crèche (choix 1)", queryset=Facility.objects.filter(kind=FacilityKind.CRECHE)
    )
    entry_date = django_filters.DateFromToRangeFilter(label="Date d'entrée souhaitée", widget=DateRangePickerWidget)
    state = django_filters.ChoiceFilter(
        label="État",
        field_name="request__state",
        choices=RequestState.choices,
        empty_label="Tous, sauf les retirées",
    )

    class Meta:
        model = CrecheApplication
        fields = []

    def filter_queryset(self, queryset):
        # An application its family withdrew is no longer the service's work: shown only when asked for.
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("state"):
            queryset = queryset.exclude(request__state=RequestState.WITHDRAWN)
        return queryset


class ApplicationIndexView(ListingExportMixin, IndexView):
    page_title = "Pré-inscriptions en crèche"
    listing_export = APPLICATIONS
    default_ordering = "request__created_at"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("request__family", "first_choice")

    @cached_property
    def columns(self):
        return [
            BulkActionsCheckboxColumn("bulk_actions", obj_type="snippet"),
            Column(
                "created",
                label="Date",
                accessor=lambda a: formats.datetime_numeric(a.request.created_at),
                sort_key="request__created_at",
            ),
            Column(
                "family",
                label="Famille",
                accessor=lambda a: family_link(a.request.family),
                sort_key="request__family__name",
            ),
            self._get_title_column("child_first_name"),
            Column("first_choice", label="Choix 1", accessor="first_choice"),
            Column(
                "entry_date",
                label="Date d'entrée souhaitée",
                accessor=lambda a: formats.date_numeric(a.entry_date),
                sort_key="entry_date",
            ),
            StatusTagColumn(
                "state", label="État", accessor=lambda a: a.request.get_state_display(), primary=can_decide
            ),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["decision_buttons"] = [
            ListingButton(
                action.display_name,
                reverse("wagtail_bulk_action", args=["creche", "crecheapplication", action.action_type]),
                attrs={"aria-label": action.aria_label, "data-bulk-action-button": ""},
                priority=action.action_priority,
                classname="bulk-action-btn",
            )
            for action in (AcceptBulkAction, WaitingBulkAction, RefuseBulkAction)
            if self.user_has_permission(DECIDE)
        ]
        return context


class ApplicationDecisionView(IntentDecisionMixin, InspectView):
    """The frozen application, then «Accepter», «Mettre sur liste d'attente» or «Refuser» with a message."""

    template_name = "creche/admin/decision.html"
    intent_action = "creche.decide"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        from espace_famille.creche.views import review_rows

        context.update(
            application=self.object,
            sections=review_rows(self.object.data),
            decision_form=kwargs.get("decision_form") or DecisionForm(),
            intent=self.issue_intent(),
            can_decide=can_decide(self.object) and self.user_has_permission(DECIDE),
            decisions=[
                (key, label)
                for key, (state, label) in DECISIONS.items()
                if not (state == RequestState.WAITING and self.object.request.state == RequestState.WAITING)
            ],
        )
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not self.user_has_permission(DECIDE):
            raise PermissionDenied
        form = DecisionForm(request.POST)
        key = request.POST.get("decision")
        decision = DECISIONS.get(key)
        if not form.is_valid() or decision is None:
            return self.render_to_response(self.get_context_data(decision_form=form), status=400)
        try:
            with self.intent_once():
                demandes_services.request_decide(
                    request=self.object.request,
                    by=request.user,
                    decision=key,
                    message=form.cleaned_data["message"],
                )
        except intents.AlreadyDone as error:
            messages.info(request, error.message)
        except intents.IntentInvalid as error:
            messages.error(request, error.message)
            return redirect(request.path)
        except InvalidTransition:
            messages.error(request, "Cette demande a déjà été traitée.")
        else:
            messages.success(request, f"Pré-inscription « {self.object} » : {decision[1].lower()} — c'est fait.")
        return redirect(self.index_url_name)


class ApplicationBulkDecision(DecisionBulkAction):
    """Decide several applications at once: their requests go through demandes.services.requests_decide."""

    intent_prefix = "creche"
    models = [CrecheApplication]
    subtitle = "Pré-inscriptions en crèche"
    already_decided_texts = (
        "{count} pré-inscription(s) déjà traitée(s) : non modifiée(s).",
        "{count} pré-inscription(s) déjà traitée(s) : non modifiée(s).",
    )

    @classmethod
    def request_of(cls, obj):
        return obj.request

    @classmethod
    def is_open(cls, obj) -> bool:
        return can_decide(obj)

    def object_context(self, obj):
        url = reverse(CrecheApplication.snippet_viewset.get_url_name("inspect"), args=[quote(obj.pk)])
        return {"item": obj, "url": url}

    def get_success_message(self, num_parent_objects, num_child_objects):
        return f"{num_parent_objects} pré-inscription(s) traitée(s)."


class AcceptBulkAction(ApplicationBulkDecision):
    display_name = "Accepter"
    action_type = "accept"
    aria_label = "Accepter les pré-inscriptions sélectionnées"
    action_priority = 10
    decision = kinds.ACCEPT
    question = "Accepter %(count)s pré-inscription%(s)s ?"


class WaitingBulkAction(ApplicationBulkDecision):
    display_name = "Mettre sur liste d'attente"
    action_type = "waiting"
    aria_label = "Mettre sur liste d'attente les pré-inscriptions sélectionnées"
    action_priority = 15
    decision = WAITING
    question = "Mettre %(count)s pré-inscription%(s)s sur liste d'attente ?"


class RefuseBulkAction(ApplicationBulkDecision):
    display_name = "Refuser"
    action_type = "refuse"
    aria_label = "Refuser les pré-inscriptions sélectionnées"
    action_priority = 20
    classes = {"serious"}
    decision = kinds.REFUSE
    question = "Refuser %(count)s pré-inscription%(s)s ?"
