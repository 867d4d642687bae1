"""The supporting document («Pièce justificative») in the decision framework: validated or refused."""

from django.urls import reverse

from espace_famille.demandes import kinds
from espace_famille.demandes.models import RequestKind
from espace_famille.justificatifs import services
from espace_famille.justificatifs.models import Document

DECIDE = "justificatifs.change_document"


class DocumentHandler(kinds.KindHandler):
    """justificatifs.services.documents_decide records the decision (the document's state and validity, its own
    audit actions, the family's notice)."""

    kinds = (RequestKind.DOCUMENT.value,)
    permission = DECIDE
    family_template = "justificatifs/includes/request_part.html"

    def _decide(self, request, *, by, accept, message):
        documents = list(Document.objects.filter(request=request).values_list("pk", flat=True))
        services.documents_decide(documents=documents, accept=accept, by=by, message=message)
        return kinds.Outcome(recorded=True)

    def accept(self, request, *, by, message, lines=None, values=None):
        return self._decide(request, by=by, accept=True, message=message)

    def refuse(self, request, *, by, message, lines=None):
        return self._decide(request, by=by, accept=False, message=message)

    def admin_url(self, request):
        return reverse("justificatifs_queue")
