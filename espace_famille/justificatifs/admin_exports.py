"""The exports of the admin's documents, registered in commun.listing_exports: the queue of documents to check and
«Justificatifs», every document whatever its state. Which document, whose, when, decided by whom (never the file
itself)."""

from commun.listing_exports import Column, ListingExport, register
from espace_famille.justificatifs.models import Document

DOCUMENTS = register(
    ListingExport(
        name="pieces-a-verifier",
        title="Pièces justificatives à vérifier",
        model=Document,
        columns=(
            Column("Document", "document_type.name"),
            Column("Famille", "family.name"),
            Column("Enfant", "child"),
            Column("Déposé le", "uploaded_at"),
            Column("Nom du fichier", "original_name"),
            Column("État", "get_state_display"),
        ),
    )
)

ALL_DOCUMENTS = register(
    ListingExport(
        name="justificatifs",
        title="Justificatifs",
        model=Document,
        columns=(
            Column("Famille", "family.name"),
            Column("Enfant", "child"),
            Column("Document", "document_type.name"),
            Column("Nom du fichier", "original_name"),
            Column("État", "get_state_display"),
            Column("Déposé le", "uploaded_at"),
            Column("Valable jusqu'au", "valid_until"),
            Column("Traité le", "decided_at"),
            Column("Traité par", "request.decided_by"),
        ),
    )
)
