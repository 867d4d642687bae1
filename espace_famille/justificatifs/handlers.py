"""The supporting document («Pièce justificative») in the decision framework: validated or refused."""

from django.urls import reverse

from espace_famille.demandes import kinds
from espace_famille.demandes.models import RequestKind, RequestState
from espace_famille.justificatifs import services
from espace_famille.justificatifs.admin_listing import inspect_url
from espace_famille.justificatifs.models import Document

DECIDE = "justificatifs.change_document"


class DocumentHandler(kinds.KindHandler):
    """justificatifs.services.documents_apply decides the documents (their state and validity) and returns their
    audit entries («portail.document.validate»); the framework records the decision and the family's notice."""

    kinds = (RequestKind.DOCUMENT.value,)
    permission = DECIDE
    family_template = "justificatifs/includes/request_part.html"

    def accept(self, request, *, by, message, lines=None, values=None):
        # values: {"validated_on": day} when the validity runs from another day than today (the demo's).
        today = (values or {}).get("validated_on")
        audit = services.documents_apply(request=request, accept=True, message=message, today=today)
        return kinds.Outcome(state=RequestState.ACCEPTED, audit=audit)

    def refuse(self, request, *, by, message, lines=None):
        audit = services.documents_apply(request=request, accept=False, message=message)
        return kinds.Outcome(state=RequestState.REFUSED, audit=audit)

    def admin_url(self, request):
        return self.admin_urls([request]).get(request.pk) or reverse("justificatifs_queue")

    def admin_urls(self, requests):
        """Each request's document screen («Justificatifs»), which leads to «Pièces à vérifier» while it waits: the
        queue alone shows no document once decided."""
        documents = Document.objects.filter(request__in=requests).values_list("request_id", "pk")
        return {request_id: inspect_url(pk) for request_id, pk in documents}

    def queue_url(self):
        return reverse("justificatifs_queue")
