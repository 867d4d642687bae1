"""What every request queue of the admin shares: «Traiter» on the rows a decider can decide, the request's journal,
the decision message forms, the one base of the bulk decisions (accept / refuse many requests of any kind), and
where the site's history links a request (its decision screen)."""

from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.functional import cached_property
from wagtail.admin import messages
from wagtail.admin.widgets import Button, HeaderButton, ListingButton
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.views.snippets import HistoryView

from commun.admin_intents import IntentBulkActionMixin
from commun.admin_links import ScreenURLFinder
from espace_famille.demandes import kinds, services
from espace_famille.demandes.models import Request

DECIDE = "decide"
VIEW_REQUEST = "espace_famille.view_request"


def person(user) -> str:
    if user is None:
        return "—"
    return f"{user.display_name} ({user.email})" if user.display_name else user.email


def plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


class DecisionQueueMixin:
    """What the request queues share: «Traiter» on the rows a decider can decide, and the bulk buttons."""

    def bulk_actions(self):
        return ()

    def can_decide(self, instance) -> bool:
        return instance.is_pending

    def get_list_more_buttons(self, instance):
        label = "Traiter" if self.can_decide(instance) and self.user_has_permission(DECIDE) else "Voir"
        return [Button(label, url=self.get_inspect_url(instance), icon_name="info-circle", priority=10)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["decision_buttons"] = [
            ListingButton(
                action.display_name,
                reverse("wagtail_bulk_action", args=["espace_famille", "request", action.action_type]),
                attrs={"aria-label": action.aria_label, "data-bulk-action-button": ""},
                priority=action.action_priority,
                classname="bulk-action-btn",
            )
            for action in self.bulk_actions()
            if self.user_has_permission(DECIDE)
        ]
        return context


class RequestHistoryView(HistoryView):
    """The audit entries of a request, readable by whoever may read the request (nobody «changes» one).

    A request has no edit form: the page's title and its button lead back to the request's own screen, where it is
    read and decided (Wagtail's history leads to the edit form, which refused and sent staff to the dashboard)."""

    any_permission_required = ["view"]
    # Given by the viewset, as to every view of it that has the attribute.
    inspect_url_name = None

    def get_edit_url(self, instance):
        return reverse(self.inspect_url_name, args=[quote(instance.pk)])

    @cached_property
    def header_buttons(self):
        return [HeaderButton(label="Voir la demande", url=self.get_edit_url(self.object), icon_name="info-circle")]


class RequestURLFinder(ScreenURLFinder):
    """Where the site's history links a request: the screen where its kind decides it (kinds.KindHandler.admin_url),
    for staff who may read requests or decide that kind."""

    def may_read(self, instance) -> bool:
        handler = self._handler(instance)
        return self.user.has_perm(VIEW_REQUEST) or bool(handler and handler.can_decide(self.user))

    def url(self, instance) -> str:
        handler = self._handler(instance)
        return handler.admin_url(instance) if handler else ""

    @staticmethod
    def _handler(instance):
        try:
            return kinds.handler_for(instance.kind)
        except LookupError:
            return None


class DecisionForm(forms.Form):
    message = forms.CharField(
        label="Message pour la famille",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Facultatif. La famille le lit dans « Mes demandes ».",
    )


class BulkMessageForm(forms.Form):
    message = forms.CharField(
        label="Message pour les familles",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Facultatif. Chaque famille lit ce même message dans « Mes demandes ».",
    )


class DecisionBulkAction(IntentBulkActionMixin, SnippetBulkAction):
    """The one base of every bulk decision (family-file requests, bookings and absences, crèche applications): the
    selected requests are decided by demandes.services.requests_decide, each kind by its handler.

    Only a person who may decide reaches its confirmation page, on GET as on POST. Anyone else (a communication
    officer) gets 403 before a single object is read, so the page never lists the requests they could not decide
    (Wagtail's own base shows them under «no permission»).

    A subclass names its `decision` ("accept", "refuse" or a kind's own), its `intent_prefix`, `models`, the
    `question` of its confirmation page and its success message; `request_of` gives the Request of a listed object
    (a crèche application's request)."""

    permission = DECIDE
    decision = ""
    form_class = BulkMessageForm
    template_name = "espace_famille/admin/bulk_decision.html"
    # The page's subtitle and icon, and how many of the selected requests it lists (the others are counted).
    subtitle = "Demandes du dossier famille"
    header_icon = ""
    shown_items = 200
    question = ""
    button_label = ""
    button_class = ""
    # What a report calls the objects: («demande», «demandes»).
    nouns = ("demande", "demandes")
    already_decided_texts = (
        "1 demande avait déjà été traitée : elle n'a pas été modifiée.",
        "{count} demandes avaient déjà été traitées : elles n'ont pas été modifiées.",
    )

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_permission(request.user, self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def check_perm(self, obj):
        return self.permission_policy.user_has_permission_for_instance(self.request.user, self.permission, obj)

    @classmethod
    def request_of(cls, obj) -> Request:
        return obj

    @classmethod
    def is_open(cls, obj) -> bool:
        return cls.request_of(obj).is_pending

    def question_values(self, open_items: list) -> dict:
        return {"count": len(open_items), "s": plural(len(open_items), "", "s")}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        open_items = [entry["item"] for entry in context["items"] if self.is_open(entry["item"])]
        context.update(
            pending_count=len(open_items),
            question=self.question % self.question_values(open_items),
            action_button_text=self.button_label or f"Oui, {self.display_name.lower()}",
            subtitle=self.subtitle,
            header_icon=self.header_icon,
            shown_items=context["items"][: self.shown_items],
            more_items=max(0, len(context["items"]) - self.shown_items),
            action_button_class=self.button_class,
            no_action_button_text="Annuler",
        )
        return context

    @classmethod
    def execute_action(cls, objects, **kwargs):
        view = kwargs["self"]
        view.outcome = services.requests_decide(
            requests=[cls.request_of(obj) for obj in objects],
            by=view.request.user,
            decision=cls.decision,
            message=view.cleaned_form.cleaned_data["message"],
        )
        return view.outcome.requests, view.outcome.lines

    def form_valid(self, form):
        self.outcome = None
        response = super().form_valid(form)
        for text in self.reports():
            messages.warning(self.request, text)
        return response

    def reports(self) -> list[str]:
        outcome, (one, many) = self.outcome, self.nouns
        if outcome is None:
            return []
        reports = []
        if count := len(outcome.stale):
            if count == 1:
                text = f"1 {one} n'a pas été acceptée : le dossier a changé depuis ; traitez-la depuis sa page."
            else:
                text = f"{count} {many} n'ont pas été acceptées : le dossier a changé depuis ; traitez-les une par une."
            reports.append(f"{text} ({' ; '.join(str(r) for r in outcome.stale)})")
        if count := outcome.not_decided:
            reports.append(plural(count, *self.already_decided_texts).format(count=count))
        if count := len(outcome.invalid):
            reports.append(
                plural(
                    count,
                    f"1 {one} n'a pas pu être acceptée : ses valeurs ne sont pas valides ; traitez-la depuis sa page.",
                    f"{count} {many} n'ont pas pu être acceptées : leurs valeurs ne sont pas valides ; "
                    "traitez-les une par une.",
                )
                + f" ({' ; '.join(str(r) for r in outcome.invalid)})"
            )
        return reports
