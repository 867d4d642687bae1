"""Admin of the family-file requests: the queue, the decision page («Valeur actuelle / Valeur demandée») and the
bulk decisions. Each decision goes through demandes.services.request_decide (the family-file handler applies it)."""

import json
from dataclasses import dataclass

from django import forms
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.views.decorators.cache import never_cache
from wagtail.admin import messages
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, StatusTagColumn
from wagtail.admin.widgets import AdminDateInput, Button
from wagtail.snippets.views.snippets import IndexView, InspectView, SnippetViewSet

from commun import formats, intents
from commun.admin_intents import IntentDecisionMixin
from commun.forms import BicField
from commun.listing_exports import ListingExportMixin
from espace_famille.demandes import kinds
from espace_famille.demandes import services as demandes_services
from espace_famille.demandes.admin_filters import RequestFilterSet
from espace_famille.demandes.admin_views import (
    DECIDE,
    DecisionBulkAction,
    DecisionForm,
    DecisionQueueMixin,
    RequestHistoryView,
    person,
    plural,
)
from espace_famille.demandes.exceptions import InvalidTransition, StaleRequest
from espace_famille.demandes.models import FAMILY_FILE_KINDS, EventKind, Request, RequestKind, RequestState
from espace_famille.dossier import audit, changes, rules
from espace_famille.dossier.family_page import family_link
from espace_famille.modifications.admin_exports import FAMILY_FILE_REQUESTS
from espace_famille.modifications.services import request_target


def queue_queryset():
    return Request.objects.filter(kind__in=FAMILY_FILE_KINDS)


# The queue ---------------------------------------------------------------------------------------


class RequestIndexView(ListingExportMixin, DecisionQueueMixin, IndexView):
    """Oldest requests first: the queue is worked through in the order families asked."""

    page_title = "Demandes du dossier famille"
    listing_export = FAMILY_FILE_REQUESTS
    default_ordering = "created_at"

    @cached_property
    def columns(self):
        return [
            BulkActionsCheckboxColumn("bulk_actions", obj_type="snippet"),
            Column(
                "created_at",
                label="Date",
                accessor=lambda r: formats.datetime_numeric(r.created_at),
                sort_key="created_at",
            ),
            Column("kind", label="Type", accessor="get_kind_display", sort_key="kind"),
            Column("family", label="Famille", accessor=lambda r: family_link(r.family), sort_key="family__name"),
            self._get_title_column("subject"),
            StatusTagColumn(
                "state", label="État", accessor="get_state_display", sort_key="state", primary=lambda r: r.is_pending
            ),
        ]

    def bulk_actions(self):
        return (AcceptBulkAction, RefuseBulkAction)


# The decision page -------------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    current: changes.Shown
    asked: changes.Shown
    before: changes.Shown
    headers: list[str] | None
    stale: bool


LIST_CHOICES = [("asked", "Appliquer la liste demandée"), ("current", "Garder la liste actuelle")]


def _iban_choices(asked: str, current: str) -> list[tuple[str, str]]:
    # The IBAN is chosen, never typed nor shown in full (dossier.admin_iban).
    return [
        ("asked", f"Appliquer l'IBAN demandé ({rules.mask_iban(asked) or '—'})"),
        ("current", f"Garder l'IBAN actuel ({rules.mask_iban(current) or '—'})"),
    ]


class FreshValuesForm(forms.Form):
    """The values to apply for the fields changed in the file since the request, prefilled with those asked; a
    list or the IBAN is chosen whole, the one asked or the current one."""

    CHOSEN = (*changes.LIST_MODELS, "iban")

    def __init__(self, *args, request: Request, fields: list[str], current: dict, **kwargs):
        super().__init__(*args, prefix="valeur", **kwargs)
        self.request_obj, self.current = request, current
        model, _ = changes.KIND_FIELDS[request.kind]
        for name in fields:
            asked = request.changes[name]["after"]
            if name in changes.LIST_MODELS:
                field = forms.ChoiceField(choices=LIST_CHOICES, widget=forms.RadioSelect, initial="asked")
            elif name == "iban":
                choices = _iban_choices(asked, current.get(name))
                field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect, initial="asked")
            else:
                model_field = model._meta.get_field(name)
                field = self._form_field(model_field)
                field.initial = changes.from_json(model_field, asked)
            field.label = changes.field_label(model, name)
            self.fields[name] = field

    @staticmethod
    def _form_field(model_field: models.Field) -> forms.Field:
        if model_field.name == "bic":
            return BicField(required=False)
        if isinstance(model_field, models.DateField):
            return model_field.formfield(widget=AdminDateInput)
        return model_field.formfield()

    def values(self) -> dict:
        values = {}
        for name, value in self.cleaned_data.items():
            if name in self.CHOSEN:
                chosen = self.request_obj.changes[name]["after"] if value == "asked" else self.current.get(name)
                values[name] = chosen
            else:
                values[name] = changes.to_json(value)
        return values


def file_fingerprint(current: dict) -> str:
    """What the instructor saw of the file, to notice a change made while they were deciding."""
    payload = json.dumps(current, sort_keys=True, default=str)
    return salted_hmac("espace_famille.request.fresh-values", payload).hexdigest()


@method_decorator(never_cache, name="dispatch")
class RequestDecisionView(IntentDecisionMixin, InspectView):
    """«Champ / Valeur actuelle / Valeur demandée», then «Accepter» or «Refuser» with a message for the family.

    Health data and bank details are on this page: it is never cached."""

    page_title = "Demande"
    template_name = "espace_famille/admin/request_decision.html"
    history_url_name = None
    intent_action = "requests.decide"

    def get_object(self, queryset=None):
        queryset = queue_queryset().select_related("family", "guardian", "child", "author", "decided_by")
        return get_object_or_404(queryset, pk=unquote(str(self.pk)))

    def get_page_subtitle(self):
        return str(self.object)

    def get_fields(self):
        return ["kind", "family", "subject", "author", "created_at", "state"]

    def get_author_display_value(self):
        return person(self.object.author)

    def get_created_at_display_value(self):
        return formats.datetime_numeric(self.object.created_at)

    def get_family_display_value(self):
        family = self.object.family
        return format_html("{} (code abonné {})", family_link(family), family.subscriber_code)

    @cached_property
    def can_decide(self) -> bool:
        return self.object.is_pending and self.user_has_permission(DECIDE)

    @cached_property
    def history_url(self):
        if self.history_url_name:
            return reverse(self.history_url_name, args=[quote(self.object.pk)])

    @cached_property
    def header_more_buttons(self):
        buttons = []
        if self.history_url:
            buttons.append(Button("Journal de la demande", url=self.history_url, icon_name="history", priority=10))
        return buttons

    # Reading the file ----------------------------------------------------------------------------

    @property
    def file_model(self):
        return changes.KIND_FIELDS[self.object.kind][0]

    def current_values(self) -> dict | None:
        """The file as it is now, for the fields asked; None when there is nothing to compare with."""
        target = request_target(self.object)
        if target is None or not self.object.is_pending:
            return None
        return changes.snapshot(target, self.object.changes)

    def rows(self, current: dict | None) -> list[Row]:
        model, fields = changes.KIND_FIELDS[self.object.kind]
        stale = set(rules.stale_fields(self.object.changes, current)) if current is not None else set()
        rows = []
        for name in fields:
            if name not in self.object.changes:
                continue
            change = self.object.changes[name]
            now = current[name] if current is not None else change["before"]
            rows.append(
                Row(
                    label=changes.field_label(model, name),
                    current=changes.show(model, name, now),
                    asked=changes.show(model, name, change["after"]),
                    before=changes.show(model, name, change["before"]),
                    headers=changes.list_headers(name) if name in changes.LIST_MODELS else None,
                    stale=name in stale,
                )
            )
        return rows

    def fresh_form(self, current: dict, data=None) -> FreshValuesForm:
        stale = rules.stale_fields(self.object.changes, current)
        return FreshValuesForm(data, request=self.object, fields=stale, current=current)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        current = kwargs["current"] if "current" in kwargs else self.current_values()
        rows = self.rows(current)
        decision = None
        events = list(self.object.events.select_related("author"))
        if not self.object.is_pending:
            decision = next((e for e in reversed(events) if e.kind in (EventKind.ACCEPTED, EventKind.REFUSED)), None)
        context.update(
            rows=rows,
            stale_count=sum(row.stale for row in rows),
            is_child_add=self.object.kind == RequestKind.CHILD_ADD,
            current_label="Valeur actuelle" if self.object.is_pending else "Valeur avant la demande",
            can_decide=self.can_decide,
            decision_form=kwargs.get("decision_form") or DecisionForm(),
            fresh_form=kwargs.get("fresh_form"),
            fingerprint=file_fingerprint(current) if current is not None else "",
            errors=kwargs.get("errors", []),
            intent=self.issue_intent(),
            decision=decision,
            decided_by=person(self.object.decided_by),
            decided_at=formats.datetime_numeric(self.object.decided_at) or "—",
            events=[
                {
                    "when": formats.datetime_numeric(event.created_at),
                    "label": event.get_kind_display(),
                    "author": person(event.author) if event.author else "—",
                    "message": event.message,
                    "visible": event.visible_to_family,
                }
                for event in events
            ],
            history_url=self.history_url,
        )
        return context

    # Deciding ------------------------------------------------------------------------------------

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.object.child_id and self.object.kind in (RequestKind.CHILD_CHANGE, RequestKind.CHILD_ADD):
            audit.health_data_read(children=[self.object.child], by=request.user, screen=f"Demande {self.object.pk}")
        return response

    def post(self, request, *args, **kwargs):
        if not self.user_has_permission(DECIDE):
            raise PermissionDenied
        decision_form = DecisionForm(request.POST)
        decision_form.is_valid()
        message = decision_form.cleaned_data.get("message", "")
        decision = request.POST.get("decision")
        if decision == "accept_values":
            return self.accept_with_values(decision_form, message)
        if decision not in ("accept", "refuse"):
            return redirect(request.path)
        try:
            with self.intent_once():
                demandes_services.request_decide(
                    request=self.object, by=request.user, decision=decision, message=message
                )
        except intents.IntentRefused as error:
            return self.intent_refused(error)
        except StaleRequest as error:
            return self.render_stale(decision_form, error.message)
        except InvalidTransition as error:
            messages.error(request, error.message)
            return redirect(request.path)
        except ValidationError as error:
            return self.render_invalid(decision_form, error)
        if decision == "refuse":
            messages.success(request, f"Demande refusée : {self.object}.")
        else:
            messages.success(request, f"Demande acceptée : {self.object}. Le dossier est à jour.")
        return redirect(reverse(self.index_url_name))

    def accept_with_values(self, decision_form: DecisionForm, message: str):
        current = self.current_values()
        if current is None:
            if intents.carried_out(self.request.POST.get(intents.FIELD), user=self.request.user):
                messages.info(self.request, intents.ALREADY_DONE)
                return redirect(reverse(self.index_url_name))
            messages.error(self.request, InvalidTransition().message)
            return redirect(self.request.path)
        if not constant_time_compare(self.request.POST.get("fingerprint", ""), file_fingerprint(current)):
            return self.render_stale(
                decision_form,
                "Le dossier a encore été modifié pendant votre vérification. "
                "Voici les valeurs actuelles : vérifiez-les de nouveau avant d'accepter.",
            )
        fresh_form = self.fresh_form(current, data=self.request.POST)
        if not fresh_form.is_valid():
            return self.render_to_response(
                self.get_context_data(current=current, decision_form=decision_form, fresh_form=fresh_form)
            )
        try:
            with self.intent_once():
                demandes_services.request_decide(
                    request=self.object,
                    by=self.request.user,
                    decision=kinds.ACCEPT,
                    message=message,
                    values=fresh_form.values(),
                )
        except intents.IntentRefused as error:
            return self.intent_refused(error)
        except InvalidTransition as error:
            messages.error(self.request, error.message)
            return redirect(self.request.path)
        except ValidationError as error:
            return self.render_invalid(decision_form, error, fresh_form=fresh_form)
        messages.success(self.request, f"Demande acceptée avec les valeurs vérifiées : {self.object}.")
        return redirect(reverse(self.index_url_name))

    def render_stale(self, decision_form: DecisionForm, warning: str):
        current = self.current_values()
        context = self.get_context_data(
            current=current, decision_form=decision_form, fresh_form=self.fresh_form(current), stale_warning=warning
        )
        return self.render_to_response(context)

    def render_invalid(self, decision_form: DecisionForm, error: ValidationError, fresh_form=None):
        model = self.file_model
        if hasattr(error, "error_dict"):
            errors = [
                f"{changes.field_label(model, name) if name != '__all__' else 'Dossier'} : {' '.join(texts)}"
                for name, texts in error.message_dict.items()
            ]
        else:
            errors = error.messages
        context = self.get_context_data(decision_form=decision_form, fresh_form=fresh_form, errors=errors)
        return self.render_to_response(context)


# Bulk decisions ----------------------------------------------------------------------------------


class RequestBulkDecision(DecisionBulkAction):
    """Decide several family-file requests at once, each through the same service as one by one."""

    intent_prefix = "requests"
    models = [Request]

    @classmethod
    def get_queryset(cls, model, object_ids):
        return list(queue_queryset().filter(pk__in=object_ids).select_related("family"))

    def get_all_objects_in_listing_query(self, parent_id):
        return queue_queryset().filter(state=RequestState.PENDING).values_list("pk", flat=True)

    def object_context(self, obj):
        url = reverse(Request.snippet_viewset.get_url_name("inspect"), args=[quote(obj.pk)])
        return {"item": obj, "url": url}


class AcceptBulkAction(RequestBulkDecision):
    display_name = "Accepter"
    action_type = "accept"
    aria_label = "Accepter les demandes sélectionnées"
    action_priority = 10
    decision = kinds.ACCEPT
    question = (
        "Accepter %(count)s demande%(s)s ? Les valeurs demandées seront appliquées aux dossiers. "
        "Une demande dont le dossier a changé depuis sera laissée de côté, à traiter depuis sa page."
    )
    button_label = "Oui, accepter"

    def get_success_message(self, num_parent_objects, num_child_objects):
        if num_parent_objects:
            s = plural(num_parent_objects, "", "s")
            return f"{num_parent_objects} demande{s} acceptée{s}."


class RefuseBulkAction(RequestBulkDecision):
    display_name = "Refuser"
    action_type = "refuse"
    aria_label = "Refuser les demandes sélectionnées"
    action_priority = 20
    classes = {"serious"}
    button_class = "serious"
    decision = kinds.REFUSE
    question = "Refuser %(count)s demande%(s)s ? Les dossiers ne seront pas modifiés."
    button_label = "Oui, refuser"

    def get_success_message(self, num_parent_objects, num_child_objects):
        if num_parent_objects:
            s = plural(num_parent_objects, "", "s")
            return f"{num_parent_objects} demande{s} refusée{s}."


class RequestViewSet(SnippetViewSet):
    """The family-file queue, «the» snippet viewset of Request (in the «Demandes» menu group)."""

    model = Request
    icon = "tasks"
    menu_label = "Dossier famille"
    menu_name = "requests-family-file"
    index_view_class = RequestIndexView
    index_template_name = "espace_famille/admin/request_index.html"
    inspect_view_enabled = True
    inspect_view_class = RequestDecisionView
    history_view_class = RequestHistoryView
    filterset_class = RequestFilterSet
    search_fields = ["subject", "family__name", "family__subscriber_code"]
    copy_view_enabled = False

    def get_queryset(self, request):
        return queue_queryset().select_related("family")
