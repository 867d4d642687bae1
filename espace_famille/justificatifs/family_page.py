"""The «Pièces justificatives» part of the «Fiche famille»: every document the family sent, its state and validity,
each opening its file. One query."""

from django.urls import reverse

from espace_famille.dossier.family_page import FamilySection
from espace_famille.justificatifs.dashboard import VIEW_DOCUMENTS
from espace_famille.justificatifs.models import Document


class DocumentsSection(FamilySection):
    order = 40
    heading = "Pièces justificatives"
    template_name = "justificatifs/admin/family_documents.html"


def section(request, family):
    if not request.user.has_perm(VIEW_DOCUMENTS):
        return None
    documents = list(
        Document.objects.filter(family=family).select_related("document_type", "child").order_by("-uploaded_at", "-pk")
    )
    return DocumentsSection(family, documents=documents, queue_url=reverse("justificatifs_queue"))


def audit_objects(family):
    return [(Document, Document.objects.filter(family=family))]
