"""Instructors' queue of documents to check: open each file, validate or refuse one or many, with a message."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.urls import path
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.mixins import SpreadsheetExportMixin

from commun import intents
from commun.listing_exports import ListingExportMixin
from commun.parsing import parse_id
from espace_famille.demandes import kinds
from espace_famille.demandes import services as demandes_services
from espace_famille.demandes.exceptions import InvalidTransition
from espace_famille.justificatifs.admin_exports import DOCUMENTS
from espace_famille.justificatifs.models import Document, DocumentState, DocumentType

DECIDE = "justificatifs.change_document"
# The page lets the instructor tick the documents: its intent names the queue, each document's state is checked
# under its lock by the service.
INTENT = "documents.decide"


class DecisionForm(forms.Form):
    documents = forms.ModelMultipleChoiceField(
        label="Documents",
        queryset=Document.objects.filter(state=DocumentState.PENDING),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins un document."},
    )
    message = forms.CharField(label="Message pour la famille", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    decision = forms.ChoiceField(choices=[("validate", "Valider"), ("refuse", "Refuser")])

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuse" and not (data.get("message") or "").strip():
            self.add_error("message", "Dites à la famille pourquoi le document est refusé.")
        return data


@method_decorator(never_cache, name="dispatch")
class DocumentQueueView(ListingExportMixin, SpreadsheetExportMixin, FormView):
    """The pending documents, oldest first, filtered by type; exported as they are listed."""

    template_name = "justificatifs/admin/queue.html"
    form_class = DecisionForm
    listing_export = DOCUMENTS

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(DECIDE):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def pending(self):
        documents = Document.objects.filter(state=DocumentState.PENDING).select_related(
            "document_type", "child", "family"
        )
        kind = parse_id(self.request.GET.get("type"))
        if kind:
            documents = documents.filter(document_type_id=kind)
        return documents.order_by("uploaded_at", "pk")

    def get(self, request, *args, **kwargs):
        if self.is_export:
            return self.as_spreadsheet(self.pending(), request.GET["export"])
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        # Before the form: the documents decided by this very form are no longer choices it accepts.
        if intents.carried_out(request.POST.get(intents.FIELD), user=request.user):
            messages.info(request, intents.ALREADY_DONE)
            return redirect("justificatifs_queue")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        ids = [document.pk for document in form.cleaned_data["documents"]]
        accept = form.cleaned_data["decision"] == "validate"
        token = self.request.POST.get(intents.FIELD)
        try:
            with intents.once(token, action=INTENT, subject="queue", user=self.request.user):
                count = self.decide(ids, accept=accept, message=form.cleaned_data["message"])
        except intents.AlreadyDone as error:
            messages.info(self.request, error.message)
            return redirect("justificatifs_queue")
        except intents.IntentInvalid as error:
            messages.error(self.request, error.message)
            return redirect("justificatifs_queue")
        except InvalidTransition:
            messages.error(self.request, "Un de ces documents a déjà été traité : rien n'a été changé.")
            return redirect("justificatifs_queue")
        verb = "validé" if accept else "refusé"
        messages.success(self.request, f"{count} document{'s' if count > 1 else ''} {verb}{'s' if count > 1 else ''}.")
        return redirect("justificatifs_queue")

    def decide(self, ids: list[int], *, accept: bool, message: str) -> int:
        """The documents' requests, decided together through the decision framework: all or none."""
        requests = [document.request for document in Document.objects.filter(pk__in=ids).select_related("request")]
        with transaction.atomic():
            outcome = demandes_services.requests_decide(
                requests=requests,
                by=self.request.user,
                decision=kinds.ACCEPT if accept else kinds.REFUSE,
                message=message,
            )
            if outcome.not_decided or outcome.invalid:
                raise InvalidTransition()
        return outcome.requests

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            pending=self.pending(),
            types=DocumentType.objects.all(),
            page_title="Pièces justificatives à vérifier",
            intent=intents.issue(action=INTENT, subject="queue", user=self.request.user),
        )
        return context


def admin_urls() -> list:
    return [path("pieces-justificatives/", DocumentQueueView.as_view(), name="justificatifs_queue")]
