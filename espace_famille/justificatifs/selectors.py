"""Reads of supporting documents."""

from dataclasses import dataclass
from datetime import date

from django.shortcuts import get_object_or_404

from espace_famille.dossier.models import Child, Family
from espace_famille.justificatifs import rules
from espace_famille.justificatifs.models import Document, DocumentType


@dataclass
class Row:
    """A line of «Pièces justificatives»: a type (for the family or one child) and its latest document."""

    document_type: DocumentType
    child: Child | None
    document: Document | None
    shown: str

    @property
    def missing(self) -> bool:
        return self.document_type.mandatory and rules.is_missing(self.shown)


def table(*, family: Family, today: date) -> list[Row]:
    """Every type asked, per child where it is per child, with its latest document: three reads."""
    types = list(DocumentType.objects.filter(active=True))
    children = list(family.children.order_by("birth_date", "pk"))
    latest: dict[tuple[int, int | None], Document] = {}
    for document in Document.objects.filter(family=family).order_by("uploaded_at", "pk"):
        latest[(document.document_type_id, document.child_id)] = document
    rows = []
    for kind in types:
        for child in children if kind.per_child else [None]:
            document = latest.get((kind.pk, child.pk if child else None))
            shown = rules.shown_state(
                state=document.state if document else None,
                until=document.valid_until if document else None,
                today=today,
            )
            rows.append(Row(kind, child, document, shown))
    return rows


def document_for(*, user, pk: int) -> Document:
    """A document of one of the user's families, or 404; staff who may see documents see any."""
    documents = Document.objects.select_related("document_type", "child", "family")
    if user.has_perm("justificatifs.view_document"):
        return get_object_or_404(documents, pk=pk)
    return get_object_or_404(documents, pk=pk, family__subscriptions__user=user)
