"""The export of the queue of documents to check, registered in commun.listing_exports: which document, whose, when
(never the file itself)."""

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
