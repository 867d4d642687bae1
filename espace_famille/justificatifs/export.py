"""The supporting documents in «Télécharger mes données» (their description; the files stay downloadable)."""

from xml.sax.saxutils import escape

from commun.data_export import json_value, when
from espace_famille.justificatifs.models import Document, DocumentState


def collect(family) -> list[dict]:
    documents = Document.objects.filter(family=family).select_related("document_type", "child").order_by("uploaded_at")
    return [
        {
            "type": document.document_type.name,
            "child": f"{document.child.first_name} {document.child.last_name}" if document.child else None,
            "file": document.original_name,
            "state": document.state,
            "uploaded_at": json_value(document.uploaded_at),
            "valid_until": json_value(document.valid_until),
        }
        for document in documents
    ]


def render(doc, rows: list[dict]) -> None:
    doc.para("Pièces justificatives", "h2")
    states = dict(DocumentState.choices)
    listing = [
        [
            escape(row["type"]),
            escape(row["child"] or "—"),
            escape(row["file"]),
            escape(str(states.get(row["state"], row["state"]))),
            when(row["valid_until"]),
        ]
        for row in rows
    ]
    doc.listing(
        ["Document", "Enfant", "Fichier", "Etat", "Valable jusqu'au"],
        listing,
        (4.5, 3, 4, 3, 2.5),
        empty="Aucun document.",
    )
